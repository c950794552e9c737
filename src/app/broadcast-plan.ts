/** Planning a run: new notice, resume, retry, dry run (DESIGN §6). */
import {randomBytes} from 'node:crypto'

import {headerComponent} from '../core/broadcast/header.js'
import {MEDIA_ID_PLACEHOLDER, type MediaRecord, mediaReusable} from '../core/broadcast/media.js'
import {
  buildTemplateMessage, buildTextMessage, type NoticeMode, type OutgoingMessage,
} from '../core/broadcast/payload.js'
import {
  estimateDurationMs, makeRunId, type MessagingBudget, messagingBudget, type RequestPreview, requestPreview,
} from '../core/broadcast/plan.js'
import {flattenNotice} from '../core/broadcast/preview.js'
import {attemptId, type RunKind, RunLedger} from '../core/broadcast/run-state.js'
import {type RenderedMessage} from '../core/broadcast/template.js'
import {type Config} from '../core/config.js'
import {CervenoError} from '../core/errors.js'
import {normalizePhone} from '../core/phone.js'
import {toRomeIso} from '../core/time.js'
import {readAttachmentBytes} from '../io/attachment.js'
import {redactSecrets} from '../io/cloud-api.js'
import {type DataFolder, type MutationContext} from '../io/data-folder.js'
import {
  createRun, foldJournal, MANIFEST_VERSION, readManifest, readRecipients, readStatuses, type RunManifest,
} from '../io/journal.js'
import {
  checkResumeAttachment, composeNotice, runAttachment, templateHeaderNeed,
} from './broadcast-header.js'
import {type BroadcastPreflight, preflightBroadcast} from './broadcast-preflight.js'
import {usedLast24h} from './broadcast-report.js'
import {endpointUrl, readNotice, resolveApiSettings} from './broadcast-settings.js'

/** The `--json` result of a broadcast invocation (DESIGN §2). */
export interface BroadcastResult {
  dryRun: boolean
  durationMs: number
  failed: number
  id: string
  /** Dry run under --json: the whole message as the citizen reads it (when the template is known). */
  message?: RenderedMessage
  recipients: number
  /** Dry run under --json: the first request exactly as it would be sent (token redacted). */
  request?: RequestPreview
  sent: number
  /** Recipients of the run not attempted by this invocation (they already had an outcome). */
  skipped: number
  uncertain: number
}

/** The message builder of a run; `mediaId` is the uploaded attachment's id (a placeholder in previews). */
export function buildMessage(
  manifest: Pick<RunManifest, 'header' | 'mode' | 'sentText' | 'template'>,
  mediaId = MEDIA_ID_PLACEHOLDER,
): (phone: string, attempt: string) => OutgoingMessage {
  if (manifest.mode === 'text') return (phone, attempt) => buildTextMessage(phone, manifest.sentText, {callbackData: attempt})
  const template = manifest.template!
  const header = manifest.header && headerComponent(manifest.header, mediaId)
  return (phone, attempt) => buildTemplateMessage(phone, template, manifest.sentText, {callbackData: attempt, ...(header ? {header} : {})})
}

/** The attachment's upload as this invocation will find it: reused (recorded, younger than 30 days) or to do. */
export type MediaPlan = {expired: boolean; reuse: false} | {record: MediaRecord; reuse: true}

/** What the clerk sees before anything is sent (and all --dry-run shows). */
export interface BroadcastPlan {
  /** Resume with --attach: where the attachment's bytes are read from if it must be uploaded again. */
  attachFile?: string
  budget: MessagingBudget
  config: Config
  estimatedMs: number
  id: string
  kind: RunKind
  manifest: RunManifest
  /** Runs with an attachment only. */
  media?: MediaPlan
  /** New runs of a template: the whole message and what doctor would mark (template, number). */
  preflight: BroadcastPreflight
  /** One request exactly as it would be sent (token redacted); null when there is nobody to send to. */
  preview: null | RequestPreview
  /** Recipients this invocation will send to. */
  queued: number
  rate: number
  /** Recipients of the run (the snapshot, or the registry's active subscribers for a new run). */
  recipients: number
  retryUncertain: boolean
  /** ". " added where flattening joined a line without closing punctuation to the next. */
  stops: number
  /** --to: the one number of a test send (E.164). */
  to?: string
  /** Resume only: uncertain recipients left alone (without --retry-uncertain). */
  uncertainLeft: number
  /** Notice warnings (new runs). */
  warnings: string[]
}

export interface NewBroadcastInput {
  /** --attach: the file for the template's IMAGE or DOCUMENT header. */
  attach?: string
  /** A dry run reads the template from the cache only (no connection). */
  dryRun?: boolean
  file: string
  language?: string
  mode: NoticeMode
  rate?: number
  template?: string
  /** --to: a test send to one number. */
  to?: string
}

export function newRunId(now: Date): string {
  return makeRunId(toRomeIso(now), randomBytes(2).toString('hex'))
}

export function activePhones(subscribers: ReadonlyArray<{phone: string; status: string}>): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const s of subscribers) {
    if (s.status !== 'active' || seen.has(s.phone)) continue
    seen.add(s.phone)
    out.push(s.phone)
  }

  return out
}

function previewFor(
  manifest: RunManifest,
  url: string,
  to: {attempt: number; index: number; mediaId?: string; phone: string | undefined},
  token: string | undefined,
): null | RequestPreview {
  const {attempt, index, phone} = to
  if (phone === undefined) return null
  const body = buildMessage(manifest, to.mediaId)(phone, attemptId(manifest.id, index, attempt))
  // The body never holds the token; redacting is a belt for the (impossible) case of a notice quoting it.
  const safe = JSON.parse(redactSecrets(JSON.stringify(body), token)) as OutgoingMessage
  return requestPreview(url, safe)
}

/** Plans a new broadcast from a notice file; writes nothing. */
export async function planBroadcast(
  folder: DataFolder,
  input: NewBroadcastInput,
  ctx: MutationContext,
  env: NodeJS.ProcessEnv,
): Promise<BroadcastPlan> {
  const {config} = await folder.config()
  const notice = await readNotice(input.file, input.mode)
  const phones = input.to === undefined ? activePhones(await folder.readSubscribers()) : [normalizePhone(input.to, config.defaultCountry)]
  if (phones.length === 0) throw new CervenoError('NO_RECIPIENTS', {})
  const api = resolveApiSettings(env, config, false)
  const rate = input.rate ?? Math.max(1, Math.round(config.rate))
  const template = input.mode === 'template' ? {language: input.language ?? config.template.language, name: input.template ?? config.template.name} : null
  const id = newRunId(ctx.now)
  const need = template === null ? undefined : await templateHeaderNeed(folder, config, env, {...template, offline: input.dryRun}, ctx)
  const composed = await composeNotice({
    attach: input.attach, mode: input.mode, need, notice, template: template?.name ?? '',
  })
  const flat = flattenNotice(composed.body)
  const sentText = input.mode === 'template' ? flat.text : notice.text
  const preflight: BroadcastPreflight = template
    ? await preflightBroadcast(folder, config, env, {
      ...template, header: composed.header, now: ctx.now, offline: input.dryRun ?? false, operator: ctx.operator, recipients: phones.length, sentText,
    })
    : {findings: []}
  const manifest: RunManifest = {
    apiUrl: api.phoneNumberId === undefined ? null : endpointUrl(api),
    createdAt: toRomeIso(ctx.now),
    dryRun: false,
    id,
    mode: input.mode,
    notice: {file: notice.file, sha256: notice.sha256, text: notice.text},
    operator: ctx.operator,
    recipients: phones.length,
    schemaVersion: MANIFEST_VERSION,
    sentText,
    template: template && preflight.components ? {...template, components: preflight.components} : template,
    test: input.to !== undefined,
    ...(composed.header ? {header: composed.header} : {}),
    ...(config.pricePerMessage === undefined ? {} : {pricePerMessage: config.pricePerMessage}),
  }
  const used = await usedLast24h(folder, ctx.now.getTime())
  return {
    budget: messagingBudget(config.messagingLimit, used, phones.length),
    config,
    estimatedMs: estimateDurationMs(phones.length, rate),
    id,
    kind: 'new',
    manifest,
    ...(composed.header && composed.header.kind !== 'text' ? {media: {expired: false, reuse: false}} : {}),
    preflight,
    preview: previewFor(manifest, endpointUrl(api), {attempt: 1, index: 0, phone: phones[0]}, api.token),
    queued: phones.length,
    rate,
    recipients: phones.length,
    retryUncertain: false,
    stops: input.mode === 'template' ? flat.stops : 0,
    ...(input.to === undefined ? {} : {to: phones[0]}),
    uncertainLeft: 0,
    warnings: notice.warnings,
  }
}

export interface ResumeInput {
  /** --attach again: the run's own file (same SHA-256), when it has moved. */
  attach?: string
  id: string
  /** --retry-failed: also recipients whose failure may be temporary. */
  kind: 'resume' | 'retry-failed'
  rate?: number
  retryUncertain: boolean
}

export async function loadLedger(folder: DataFolder, id: string): Promise<{ledger: RunLedger; manifest: RunManifest; phones: string[]}> {
  const manifest = await readManifest(folder.dir, id)
  const phones = manifest.dryRun ? [] : await readRecipients(folder.dir, id)
  const ledger = new RunLedger(id, phones.length)
  await foldJournal(folder.dir, id, ledger)
  ledger.applyStatuses(await readStatuses(folder.dir, id))
  return {ledger, manifest, phones}
}

/** Plans a resume (or a retry of temporary failures) of an existing run; writes nothing. */
export async function planResume(folder: DataFolder, input: ResumeInput, ctx: MutationContext, env: NodeJS.ProcessEnv): Promise<BroadcastPlan> {
  const {config} = await folder.config()
  const {ledger, manifest, phones} = await loadLedger(folder, input.id)
  if (manifest.dryRun) throw new CervenoError('BROADCAST_NOT_RESUMABLE', {id: input.id})
  const queue = ledger.eligible({retryFailed: input.kind === 'retry-failed', retryUncertain: input.retryUncertain})
  const counts = ledger.counts()
  const api = resolveApiSettings(env, config, false)
  const rate = input.rate ?? Math.max(1, Math.round(config.rate))
  const first = queue[0]
  const attachFile = await checkResumeAttachment(manifest.header, input.attach, input.id)
  const attachment = runAttachment(manifest.header)
  let media: MediaPlan | undefined
  if (attachment !== undefined) {
    media = mediaReusable(ledger.media, attachment.sha256, ctx.now.getTime())
      ? {record: ledger.media, reuse: true}
      : {expired: ledger.media !== undefined, reuse: false}
    // A new upload needs the very file: refused now, before anything, if it is gone or changed.
    if (!media.reuse && queue.length > 0) await readAttachmentBytes(attachment, input.id, attachFile)
  }

  return {
    ...(attachFile === undefined ? {} : {attachFile}),
    ...(media === undefined ? {} : {media}),
    budget: messagingBudget(config.messagingLimit, await usedLast24h(folder, ctx.now.getTime()), queue.length),
    config,
    estimatedMs: estimateDurationMs(queue.length, rate),
    id: input.id,
    kind: input.kind,
    manifest,
    preflight: {findings: []},
    preview: first === undefined
      ? null
      : previewFor(manifest, endpointUrl(api), {
        attempt: ledger.attempts[first] + 1, index: first, mediaId: media?.reuse ? media.record.id : undefined, phone: phones[first],
      }, api.token),
    queued: queue.length,
    rate,
    recipients: phones.length,
    retryUncertain: input.retryUncertain,
    stops: 0,
    uncertainLeft: input.retryUncertain ? 0 : counts.uncertain,
    warnings: [],
  }
}

/** Records a dry run: the manifest only (no snapshot, no journal), so `broadcast list` shows it. */
export async function recordDryRun(folder: DataFolder, plan: BroadcastPlan): Promise<BroadcastResult> {
  if (plan.kind === 'new') {
    const {manifest} = plan
    await folder.mutate({now: new Date(manifest.createdAt), operator: manifest.operator}, async tx => {
      await createRun(tx, {...manifest, dryRun: true}, null)
    })
  }

  return {
    dryRun: true,
    durationMs: 0,
    failed: 0,
    id: plan.id,
    recipients: plan.recipients,
    sent: 0,
    skipped: plan.recipients - plan.queued,
    uncertain: 0,
  }
}

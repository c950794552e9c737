/**
 * Broadcast use cases (DESIGN §6): plan a notice, send it (or resume/retry a run), list and show runs, and
 * record imported delivery statuses. Commands call these and render; nothing here prints.
 *
 * Locking: a run holds the broadcast lock (`invii/.lock`) for its whole duration, so only one broadcast runs
 * per data folder; it holds the data-folder lock only for the few milliseconds it needs to snapshot the
 * registry and append audit lines, so `import`, `review` and `subscribers` keep working during a long run.
 */
import {createHash, randomBytes} from 'node:crypto'
import {readFile, stat} from 'node:fs/promises'
import {hostname} from 'node:os'

import {
  buildTemplateMessage,
  buildTextMessage,
  flattenParameter,
  type NoticeMode,
  type OutgoingMessage,
  validateNotice,
} from '../core/broadcast/payload.js'
import {
  estimateDurationMs,
  makeRunId,
  maxInFlightFor,
  type MessagingBudget,
  messagingBudget,
  type RequestPreview,
  requestPreview,
} from '../core/broadcast/plan.js'
import {
  attemptId, parseAttemptId, type RunKind, RunLedger, runStatus, type RunStatus, type StartRecord, type StoredStatus,
} from '../core/broadcast/run-state.js'
import {type Config} from '../core/config.js'
import {CervenoError, isCervenoError} from '../core/errors.js'
import {normalizePhone} from '../core/phone.js'
import {toRomeIso} from '../core/time.js'
import {createCloudApiClient, redactSecrets} from '../io/cloud-api.js'
import {type DataFolder, type MutationContext} from '../io/data-folder.js'
import {
  appendStatuses,
  createRun,
  foldJournal,
  journalModifiedMs,
  journalRecords,
  JournalWriter,
  listRunIds,
  MANIFEST_VERSION,
  readManifest,
  readRecipients,
  readStatuses,
  repairJournal,
  type RunManifest,
  runsDir,
} from '../io/journal.js'
import {withLock} from '../io/lock.js'
import {BroadcastEngine, type EngineProgress, type EngineResult} from './broadcast-engine.js'

export const DEFAULT_API_URL = 'https://graph.facebook.com'
/** A notice file larger than this is certainly not a notice (the limits are 1024 / 4096 characters). */
const NOTICE_FILE_MAX_BYTES = 64 * 1024

/** The `--json` result of a broadcast invocation (DESIGN §2). */
export interface BroadcastResult {
  dryRun: boolean
  durationMs: number
  failed: number
  id: string
  recipients: number
  sent: number
  /** Recipients of the run not attempted by this invocation (they already had an outcome). */
  skipped: number
  uncertain: number
}

export interface ApiSettings {
  baseUrl: string
  phoneNumberId: string
  token: string
  version: string
}

const value = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined)

/**
 * Endpoint settings from the environment, then config.json (never the token). `required` turns a missing
 * token or phone-number id into CONFIG_MISSING (exit 6) naming the variable.
 */
export function resolveApiSettings(env: NodeJS.ProcessEnv, config: Config, required: true): ApiSettings
export function resolveApiSettings(env: NodeJS.ProcessEnv, config: Config, required: false): Partial<ApiSettings> & {baseUrl: string; version: string}
export function resolveApiSettings(env: NodeJS.ProcessEnv, config: Config, required: boolean): Partial<ApiSettings> {
  const token = value(env.WHATSAPP_TOKEN)
  const phoneNumberId = value(env.WHATSAPP_PHONE_NUMBER_ID) ?? value(config.phoneNumberId)
  const baseUrl = value(env.WHATSAPP_API_URL) ?? value((config as unknown as Record<string, unknown>).apiUrl) ?? DEFAULT_API_URL
  const version = value(env.WHATSAPP_API_VERSION) ?? value(config.apiVersion) ?? 'v24.0'
  if (required) {
    if (token === undefined) throw new CervenoError('CONFIG_MISSING', {name: 'WHATSAPP_TOKEN'})
    if (phoneNumberId === undefined) throw new CervenoError('CONFIG_MISSING', {name: 'WHATSAPP_PHONE_NUMBER_ID'})
  }

  return {
    baseUrl, phoneNumberId, token, version,
  }
}

/** The messages endpoint as the client builds it, without credentials; a placeholder for a missing id. */
function endpointUrl(s: {baseUrl: string; phoneNumberId?: string; version: string}): string {
  let base: URL
  try {
    base = new URL(s.baseUrl)
  } catch {
    throw new CervenoError('CONFIG_INVALID', {key: 'WHATSAPP_API_URL', problem: 'format'})
  }

  return `${base.origin}${base.pathname.replace(/\/+$/, '')}/${s.version}/${s.phoneNumberId ?? '{WHATSAPP_PHONE_NUMBER_ID}'}/messages`
}

export interface Notice {
  file: string
  sha256: string
  text: string
  /** Problem codes that are only warnings (e.g. `flattened`: line breaks will not reach the citizen). */
  warnings: string[]
}

/** Reads and validates the notice file: exists, strict UTF-8, not empty, within Meta's limits. */
export async function readNotice(file: string, mode: NoticeMode): Promise<Notice> {
  let bytes: Buffer
  try {
    const info = await stat(file)
    if (!info.isFile()) throw new CervenoError('NOTICE_INVALID', {file, problem: 'notAFile'})
    if (info.size > NOTICE_FILE_MAX_BYTES) throw new CervenoError('NOTICE_INVALID', {file, max: NOTICE_FILE_MAX_BYTES, problem: 'fileTooBig'})
    bytes = await readFile(file)
  } catch (error) {
    if (isCervenoError(error)) throw error
    const {code} = (error as NodeJS.ErrnoException)
    throw new CervenoError('NOTICE_INVALID', {file, problem: code === 'ENOENT' ? 'missing' : 'unreadable'})
  }

  let decoded: string
  try {
    decoded = new TextDecoder('utf-8', {fatal: true}).decode(bytes)
  } catch {
    const lossy = new TextDecoder('utf-8').decode(bytes)
    const bad = lossy.indexOf('\uFFFD')
    const line = bad === -1 ? 1 : lossy.slice(0, bad).split('\n').length
    throw new CervenoError('NOTICE_INVALID', {file, line, problem: 'encoding'})
  }

  const text = decoded.replaceAll(/\r\n?/g, '\n').trim()
  const problems = validateNotice(text, mode)
  const error = problems.find(p => p.severity === 'error')
  if (error) {
    const {code, severity: _severity, ...params} = error
    throw new CervenoError('NOTICE_INVALID', {file, problem: code, ...params})
  }

  return {
    file,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    text,
    warnings: problems.map(p => p.code),
  }
}

function buildMessage(manifest: Pick<RunManifest, 'mode' | 'sentText' | 'template'>): (phone: string, attempt: string) => OutgoingMessage {
  if (manifest.mode === 'text') return (phone, attempt) => buildTextMessage(phone, manifest.sentText, {callbackData: attempt})
  const template = manifest.template!
  return (phone, attempt) => buildTemplateMessage(phone, template, manifest.sentText, {callbackData: attempt})
}

/** What the clerk sees before anything is sent (and all --dry-run shows). */
export interface BroadcastPlan {
  budget: MessagingBudget
  config: Config
  estimatedMs: number
  id: string
  kind: RunKind
  manifest: RunManifest
  /** One request exactly as it would be sent (token redacted); null when there is nobody to send to. */
  preview: null | RequestPreview
  /** Recipients this invocation will send to. */
  queued: number
  rate: number
  /** Recipients of the run (the snapshot, or the registry's active subscribers for a new run). */
  recipients: number
  retryUncertain: boolean
  /** --to: the one number of a test send (E.164). */
  to?: string
  /** Resume only: uncertain recipients left alone (without --retry-uncertain). */
  uncertainLeft: number
  /** Notice warnings (new runs). */
  warnings: string[]
}

export interface NewBroadcastInput {
  file: string
  language?: string
  mode: NoticeMode
  rate?: number
  template?: string
  /** --to: a test send to one number. */
  to?: string
}

function newRunId(now: Date): string {
  return makeRunId(toRomeIso(now), randomBytes(2).toString('hex'))
}

function activePhones(subscribers: ReadonlyArray<{phone: string; status: string}>): string[] {
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
  to: {attempt: number; index: number; phone: string | undefined},
  token: string | undefined,
): null | RequestPreview {
  const {attempt, index, phone} = to
  if (phone === undefined) return null
  const body = buildMessage(manifest)(phone, attemptId(manifest.id, index, attempt))
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
    sentText: input.mode === 'template' ? flattenParameter(notice.text) : notice.text,
    template,
    test: input.to !== undefined,
  }
  const used = await usedLast24h(folder, ctx.now.getTime())
  return {
    budget: messagingBudget(config.messagingLimit, used, phones.length),
    config,
    estimatedMs: estimateDurationMs(phones.length, rate),
    id,
    kind: 'new',
    manifest,
    preview: previewFor(manifest, endpointUrl(api), {attempt: 1, index: 0, phone: phones[0]}, api.token),
    queued: phones.length,
    rate,
    recipients: phones.length,
    retryUncertain: false,
    ...(input.to === undefined ? {} : {to: phones[0]}),
    uncertainLeft: 0,
    warnings: notice.warnings,
  }
}

export interface ResumeInput {
  id: string
  /** --retry-failed: also recipients whose failure may be temporary. */
  kind: 'resume' | 'retry-failed'
  rate?: number
  retryUncertain: boolean
}

async function loadLedger(folder: DataFolder, id: string): Promise<{ledger: RunLedger; manifest: RunManifest; phones: string[]}> {
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
  return {
    budget: messagingBudget(config.messagingLimit, await usedLast24h(folder, ctx.now.getTime()), queue.length),
    config,
    estimatedMs: estimateDurationMs(queue.length, rate),
    id: input.id,
    kind: input.kind,
    manifest,
    preview: first === undefined ? null : previewFor(manifest, endpointUrl(api), {attempt: ledger.attempts[first] + 1, index: first, phone: phones[first]}, api.token),
    queued: queue.length,
    rate,
    recipients: phones.length,
    retryUncertain: input.retryUncertain,
    uncertainLeft: input.retryUncertain ? 0 : counts.uncertain,
    warnings: [],
  }
}

/** Records a dry run: the manifest only (no snapshot, no journal), so `broadcast list` shows it. */
export async function recordDryRun(folder: DataFolder, plan: BroadcastPlan): Promise<BroadcastResult> {
  if (plan.kind === 'new') {
    await createRun(folder.dir, {...plan.manifest, dryRun: true}, null)
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

export interface RunHooks {
  /** Overrides the breaker threshold (tests). */
  maxConsecutiveFailures?: number
  onProgress?(progress: EngineProgress): void
  /** Called once the run exists on disk (its id is final). */
  onStarted?(info: {id: string; queued: number; recipients: number}): Promise<void> | void
  /** Abort = Ctrl-C: stop dispatching, finish what is in flight, close the journal. */
  signal?: AbortSignal
}

/** Runs under the broadcast lock; a held lock means another broadcast is running. */
async function withRunLock<T>(folder: DataFolder, fn: () => Promise<T>): Promise<T> {
  const dir = runsDir(folder.dir)
  try {
    return await withLock(dir, fn, 0)
  } catch (error) {
    if (isCervenoError(error) && error.code === 'LOCK_HELD' && error.params.dir === dir) {
      throw new CervenoError('BROADCAST_RUNNING', {pid: error.params.pid})
    }

    throw error
  }
}

/** A Rome-time ISO clock that calls luxon at most once per second (journal lines are many). */
function isoClock(): () => string {
  let second = -1
  let cached = ''
  return () => {
    const now = Date.now()
    const s = Math.floor(now / 1000)
    if (s !== second) {
      second = s
      cached = toRomeIso(now)
    }

    return cached
  }
}

/**
 * Sends the planned broadcast (new run, resume or retry). Returns the result of this invocation; throws
 * BROADCAST_FATAL, BROADCAST_PAUSED or BROADCAST_INTERRUPTED (the run stays resumable) and BROADCAST_RUNNING.
 */
export async function runBroadcast(
  folder: DataFolder,
  plan: BroadcastPlan,
  ctx: MutationContext,
  api: ApiSettings,
  hooks: RunHooks = {},
): Promise<BroadcastResult> {
  await folder.assertInitialized()
  return withRunLock(folder, async () => {
    let {id} = plan
    let manifest: RunManifest
    let phones: string[]
    let queue: number[]
    let ledger: RunLedger
    const client = createCloudApiClient({...api, maxSockets: maxInFlightFor(plan.rate)})
    try {
      if (plan.kind === 'new') {
        ({id, manifest, phones} = await startNewRun(folder, plan, ctx, client.url))
        ledger = new RunLedger(id, phones.length)
        queue = phones.map((_, i) => i)
      } else {
        await repairJournal(folder.dir, id);
        ({ledger, manifest, phones} = await loadLedger(folder, id))
        queue = ledger.eligible({retryFailed: plan.kind === 'retry-failed', retryUncertain: plan.retryUncertain})
      }

      await client.warmUp()
      await hooks.onStarted?.({id, queued: queue.length, recipients: phones.length})
      const isoNow = isoClock()
      const journal = await JournalWriter.open(folder.dir, id)
      let result: EngineResult
      try {
        const start: StartRecord = {
          at: isoNow(),
          host: hostname(),
          kind: plan.kind,
          operator: ctx.operator,
          pid: process.pid,
          queued: queue.length,
          rate: plan.rate,
          retryUncertain: plan.retryUncertain,
          type: 'start',
        }
        journal.write([start])
        await journal.durable()
        const engine = new BroadcastEngine({
          build: buildMessage(manifest),
          client,
          initialAttempts: i => ledger.attempts[i],
          isoNow,
          journal,
          maxConsecutiveFailures: hooks.maxConsecutiveFailures,
          maxInFlight: maxInFlightFor(plan.rate),
          onProgress: hooks.onProgress,
          phones,
          queue,
          rate: plan.rate,
          runId: id,
        })
        const onAbort = () => engine.stop()
        if (hooks.signal?.aborted) engine.stop()
        hooks.signal?.addEventListener('abort', onAbort)
        try {
          result = await engine.run()
        } finally {
          hooks.signal?.removeEventListener('abort', onAbort)
        }

        const {stop} = result
        journal.write([
          {
            at: isoNow(),
            code: stop?.reason === 'fatal' ? stop.error.code : (stop?.reason === 'paused' ? stop.code : undefined),
            failed: result.failed,
            reason: stop?.reason ?? 'completed',
            sent: result.sent,
            type: 'end',
            uncertain: result.uncertain,
          },
        ])
      } finally {
        await journal.close()
      }

      await auditQuietly(folder, ctx, 'broadcast.end', id, {
        failed: result.failed,
        reason: result.stop?.reason ?? 'completed',
        sent: result.sent,
        uncertain: result.uncertain,
      })
      throwIfStopped(id, result)
      return {
        dryRun: false,
        durationMs: result.durationMs,
        failed: result.failed,
        id,
        recipients: phones.length,
        sent: result.sent,
        skipped: phones.length - queue.length,
        uncertain: result.uncertain,
      }
    } finally {
      client.close()
    }
  })
}

/** Snapshot of the active subscribers, taken under the data-folder lock, saved before the first send. */
async function startNewRun(
  folder: DataFolder,
  plan: BroadcastPlan,
  ctx: MutationContext,
  url: string,
): Promise<{id: string; manifest: RunManifest; phones: string[]}> {
  return folder.mutate(ctx, async tx => {
    const phones = plan.to === undefined ? activePhones(await tx.subscribers()) : [plan.to]
    if (phones.length === 0) throw new CervenoError('NO_RECIPIENTS', {})
    let manifest: RunManifest = {...plan.manifest, apiUrl: url, recipients: phones.length}
    for (let tries = 0; ; tries++) {
      try {
        await createRun(folder.dir, manifest, phones)
        break
      } catch (error) {
        // Two runs started in the same second with the same random suffix.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || tries >= 5) throw error
        manifest = {...manifest, id: newRunId(ctx.now)}
      }
    }

    tx.audit({
      action: manifest.test ? 'broadcast.test' : 'broadcast.start',
      after: {mode: manifest.mode, recipients: phones.length, template: manifest.template?.name ?? null},
      subject: manifest.id,
    })
    return {id: manifest.id, manifest, phones}
  })
}

/** The end of a run is in its journal already; the audit line is a convenience that must not fail the run. */
async function auditQuietly(folder: DataFolder, ctx: MutationContext, action: string, subject: string, after: Record<string, unknown>): Promise<void> {
  try {
    await folder.mutate({...ctx, now: new Date()}, async tx => {
      tx.audit({action, after, subject})
    })
  } catch {}
}

function throwIfStopped(id: string, result: EngineResult): void {
  const {stop} = result
  if (stop === undefined) return
  const common = {id, pending: result.pending, sent: result.sent}
  if (stop.reason === 'fatal') {
    throw new CervenoError('BROADCAST_FATAL', {
      ...common,
      code: stop.error.code,
      details: stop.error.details ?? stop.error.title,
      hint: stop.error.fatalHint ?? 'unknown',
      httpStatus: stop.error.httpStatus,
    })
  }

  if (stop.reason === 'paused') throw new CervenoError('BROADCAST_PAUSED', {...common, code: stop.code, count: stop.consecutive})
  throw new CervenoError('BROADCAST_INTERRUPTED', common)
}

/** One row of `broadcast list --json` (DESIGN §2). */
export interface BroadcastListItem {
  dryRun: boolean
  failed: number
  finishedAt: null | string
  id: string
  recipients: number
  sent: number
  startedAt: string
  status: RunStatus
  test: boolean
  uncertain: number
}

export interface RecipientReport {
  delivery: null | string
  errorCode: null | number
  outcome: 'failed' | 'pending' | 'sent' | 'uncertain'
  phone: string
  wamid: null | string
}

/** `broadcast show <id> --json` (DESIGN §2). */
export interface BroadcastReport extends Omit<BroadcastListItem, 'failed' | 'recipients' | 'sent' | 'uncertain'> {
  mode: NoticeMode
  noticeFile: null | string
  recipients: RecipientReport[]
  template: null | {language: string; name: string}
  /** What each citizen receives. */
  text: string
  totals: {delivered: number; failed: number; pending: number; read: number; sent: number; uncertain: number}
}

function isAlive(start: StartRecord): boolean {
  if (start.host !== hostname() || start.pid === process.pid) return false
  try {
    process.kill(start.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function summary(manifest: RunManifest, ledger: RunLedger): BroadcastListItem & {totals: ReturnType<RunLedger['totals']>} {
  const totals = ledger.totals()
  const last = ledger.invocations.at(-1)
  const status = runStatus(ledger.invocations, manifest.dryRun, isAlive)
  return {
    dryRun: manifest.dryRun,
    failed: totals.failed,
    finishedAt: status === 'dry-run' ? manifest.createdAt : (last?.end?.at ?? null),
    id: manifest.id,
    recipients: manifest.dryRun ? manifest.recipients : ledger.size,
    sent: totals.sent,
    startedAt: ledger.invocations[0]?.start.at ?? manifest.createdAt,
    status,
    test: manifest.test,
    totals,
    uncertain: totals.uncertain,
  }
}

export async function listBroadcasts(folder: DataFolder): Promise<BroadcastListItem[]> {
  await folder.assertInitialized()
  const out: BroadcastListItem[] = []
  for (const id of await listRunIds(folder.dir)) {
    try {
      const {ledger, manifest} = await loadLedger(folder, id)
      const {totals: _totals, ...item} = summary(manifest, ledger)
      out.push(item)
    } catch (error) {
      if (!isCervenoError(error)) throw error
    }
  }

  return out
}

export async function showBroadcast(folder: DataFolder, id: string): Promise<BroadcastReport> {
  await folder.assertInitialized()
  const {ledger, manifest, phones} = await loadLedger(folder, id)
  const {failed: _f, recipients: _r, sent: _s, totals, uncertain: _u, ...item} = summary(manifest, ledger)
  const recipients: RecipientReport[] = phones.map((phone, i) => ({
    delivery: ledger.deliveryOf(i),
    errorCode: ledger.errorCodeOf(i),
    outcome: ledger.outcome(i),
    phone,
    wamid: ledger.wamids[i] ?? null,
  }))
  return {
    ...item,
    mode: manifest.mode,
    noticeFile: manifest.notice.file,
    recipients,
    template: manifest.template,
    text: manifest.sentText,
    totals,
  }
}

/** Distinct numbers this tool got a message accepted for in the last 24 hours (the messaging-limit budget). */
export async function usedLast24h(folder: DataFolder, nowMs: number): Promise<number> {
  const since = nowMs - 24 * 3_600_000
  const phones = new Set<string>()
  for (const id of await listRunIds(folder.dir)) {
    const modified = await journalModifiedMs(folder.dir, id)
    if (modified === undefined || modified < since) continue
    for await (const r of journalRecords(folder.dir, id)) {
      if (r.type === 'outcome' && r.result === 'sent' && Date.parse(r.at) >= since) phones.add(r.phone)
    }
  }

  return phones.size
}

/** A delivery receipt from an imported status webhook (core/webhook StatusEvent fits). */
export interface DeliveryStatusEvent {
  at: null | string
  bizOpaque?: string
  errors: Array<{code: null | number; details: null | string; title: null | string}>
  recipientId: null | string
  status: string
  wamid: string
}

export interface DeliveryImportResult {
  /** Events already stored (importing the same file twice adds nothing). */
  duplicates: number
  /** Runs that received events, with how many. */
  runs: Array<{id: string; stored: number}>
  stored: number
  /** Events for messages no run of this data folder sent (another tool, another data folder). */
  unmatched: number
}

/**
 * Stores status webhooks in the runs they belong to (`invii/<id>/stati.jsonl`), matching by wamid across all
 * runs, or by the attempt id echoed in biz_opaque_callback_data (this also settles attempts the journal left
 * uncertain). Idempotent. Statuses are applied at read time: the furthest status wins (sent < delivered <
 * read, failed terminal), whatever order they arrive in.
 *
 * Takes the data-folder lock unless `options.locked` says the caller already holds it (e.g. inside
 * `folder.mutate`): the lock is not re-entrant.
 */
export async function recordDeliveryStatuses(
  folder: DataFolder,
  events: Iterable<DeliveryStatusEvent>,
  options: {locked?: boolean} = {},
): Promise<DeliveryImportResult> {
  await folder.assertInitialized()
  const work = async () => storeStatuses(folder, [...events])
  return options.locked ? work() : withLock(folder.dir, work)
}

/**
 * For the importer, before it keeps statuses in memory: whether a status event concerns a message this data
 * folder sent (a known wamid, or an attempt id of one of its runs echoed in biz_opaque_callback_data).
 */
export async function deliveryStatusFilter(folder: DataFolder): Promise<(event: {bizOpaque?: string; wamid: string}) => boolean> {
  const runIds = new Set(await listRunIds(folder.dir))
  const wamids = new Set<string>()
  for (const id of runIds) {
    for await (const r of journalRecords(folder.dir, id)) {
      if (r.type === 'outcome' && r.result === 'sent' && typeof r.wamid === 'string') wamids.add(r.wamid)
    }
  }

  return event => {
    if (wamids.has(event.wamid)) return true
    const run = typeof event.bizOpaque === 'string' ? parseAttemptId(event.bizOpaque)?.runId : undefined
    return run !== undefined && runIds.has(run)
  }
}

async function storeStatuses(folder: DataFolder, events: DeliveryStatusEvent[]): Promise<DeliveryImportResult> {
  const runIds = new Set(await listRunIds(folder.dir))
  const byRun = new Map<string, StoredStatus[]>()
  const unresolved: DeliveryStatusEvent[] = []
  const put = (id: string, e: DeliveryStatusEvent) => {
    const list = byRun.get(id) ?? []
    byRun.set(id, list)
    const stored: StoredStatus = {
      at: e.at, errors: e.errors ?? [], recipientId: e.recipientId, status: e.status, wamid: e.wamid,
    }
    if (typeof e.bizOpaque === 'string') stored.bizOpaque = e.bizOpaque
    list.push(stored)
  }

  for (const e of events) {
    if (typeof e?.wamid !== 'string' || typeof e.status !== 'string') continue
    const run = typeof e.bizOpaque === 'string' ? parseAttemptId(e.bizOpaque)?.runId : undefined
    if (run !== undefined && runIds.has(run)) put(run, e)
    else unresolved.push(e)
  }

  let unmatched = 0
  if (unresolved.length > 0) {
    const wanted = new Set(unresolved.map(e => e.wamid))
    const owner = new Map<string, string>()
    for (const id of runIds) {
      if (owner.size === wanted.size) break
      for await (const r of journalRecords(folder.dir, id)) {
        if (r.type === 'outcome' && r.result === 'sent' && r.wamid !== undefined && wanted.has(r.wamid)) owner.set(r.wamid, id)
      }
    }

    for (const e of unresolved) {
      const id = owner.get(e.wamid)
      if (id === undefined) unmatched++
      else put(id, e)
    }
  }

  let stored = 0
  let duplicates = 0
  const runs: Array<{id: string; stored: number}> = []
  const key = (s: StoredStatus) => `${s.wamid}|${s.status}|${s.at ?? ''}|${s.bizOpaque ?? ''}`
  for (const [id, list] of byRun) {
    const seen = new Set((await readStatuses(folder.dir, id)).map(s => key(s)))
    const fresh: StoredStatus[] = []
    for (const s of list) {
      const k = key(s)
      if (seen.has(k)) {
        duplicates++
        continue
      }

      seen.add(k)
      fresh.push(s)
    }

    if (fresh.length > 0) {
      await appendStatuses(folder.dir, id, fresh)
      runs.push({id, stored: fresh.length})
      stored += fresh.length
    }
  }

  return {
    duplicates, runs: runs.sort((a, b) => a.id.localeCompare(b.id)), stored, unmatched,
  }
}

import {Flags} from '@oclif/core'

import {runAttachment} from '../../app/broadcast-header.js'
import {assertReady} from '../../app/broadcast-preflight.js'
import {findEarlierSend} from '../../app/broadcast-resend.js'
import {
  type ApiSettings,
  type BroadcastPlan,
  type BroadcastResult,
  planBroadcast,
  planResume,
  recordDryRun,
  resolveApiSettings,
  runBroadcast,
} from '../../app/broadcast.js'
import {BaseCommand} from '../../base-command.js'
import {previewLines} from '../../core/broadcast/preview.js'
import {CervenoError, EXIT} from '../../core/errors.js'
import {formatPhone} from '../../core/phone.js'
import {formatItalian} from '../../core/time.js'
import {redactSecrets} from '../../io/cloud-api.js'
import {withStoredCredentials} from '../../io/credentials.js'
import {broadcastGuard} from '../../messages/broadcast-guard.js'
import {broadcast as t} from '../../messages/it.js'
import {notices} from '../../messages/notices.js'
import {findings, SYMBOLS, preview as tp} from '../../messages/preflight.js'
import {estimatedCostLines, headerLines, mediaLines} from '../../ui/notice-lines.js'
import {type ProgressView, startProgress} from '../../ui/progress.js'

const SOURCE_FLAGS = ['file', 'template', 'language', 'text', 'to']

export default class Broadcast extends BaseCommand<typeof Broadcast> {
  static description = t.description
  static examples = [
    '<%= config.bin %> <%= command.id %> --file avviso.txt --dry-run',
    '<%= config.bin %> <%= command.id %> --file avviso.txt --to "+39 333 123 4567"',
    '<%= config.bin %> <%= command.id %> --file avviso.txt',
    '<%= config.bin %> <%= command.id %> --file avviso.txt --yes --rate 80 --json',
    '<%= config.bin %> <%= command.id %> --resume 20250314-092100-a1b2',
    '<%= config.bin %> <%= command.id %> --retry-failed 20250314-092100-a1b2 --yes',
  ]
  static flags = {
    again: Flags.boolean({description: broadcastGuard.again}),
    attach: Flags.string({description: notices.attachFlag, exclusive: ['text']}),
    'dry-run': Flags.boolean({description: t.flags.dryRun}),
    file: Flags.string({description: t.flags.file}),
    language: Flags.string({description: t.flags.language, exclusive: ['text']}),
    rate: Flags.integer({description: t.flags.rate, max: 1000, min: 1}),
    resume: Flags.string({description: t.flags.resume, exclusive: [...SOURCE_FLAGS, 'retry-failed']}),
    'retry-failed': Flags.string({description: t.flags.retryFailed, exclusive: [...SOURCE_FLAGS, 'resume']}),
    'retry-uncertain': Flags.boolean({description: t.flags.retryUncertain}),
    template: Flags.string({description: t.flags.template, exclusive: ['text']}),
    text: Flags.boolean({description: t.flags.text}),
    to: Flags.string({description: t.flags.to}),
    verbose: Flags.boolean({description: tp.verboseFlag}),
    yes: Flags.boolean({char: 'y', description: t.flags.yes}),
  }
  static summary = t.summary
  // oclif draws a garbled line from the exclusive flags; the three ways of calling it, by hand.
  static usage = t.usage
  /** Set once known, so that no error path can print it. */
  private token: string | undefined

  /** Errors never carry the token, but an unexpected one could quote the environment: strip it anyway. */
  protected override async catch(err: Error & {code?: string; oclif?: {exit?: number}}): Promise<void> {
    if (this.token && typeof err?.message === 'string' && err.message.includes(this.token)) {
      err.message = redactSecrets(err.message, this.token)
      if (err.stack) err.stack = redactSecrets(err.stack, this.token)
    }

    return super.catch(err)
  }

  async run(): Promise<BroadcastResult> {
    const f = this.flags
    const ctx = {now: this.now(), operator: this.operator()}
    // WHATSAPP_TOKEN in the environment wins over the one kept by `login`.
    const {env} = await withStoredCredentials(process.env)
    this.token = env.WHATSAPP_TOKEN
    const plan = await this.plan(env)
    const api = f['dry-run'] ? undefined : resolveApiSettings(env, plan.config, true)
    if (!this.jsonEnabled()) this.log(t.plan(planView(plan, process.stdout.columns ?? Number(process.env.COLUMNS || 80))))
    if (plan.preflight.findings.length > 0 && !this.jsonEnabled()) {
      this.log([tp.warningsHeading, ...plan.preflight.findings.map(x => `  ${SYMBOLS[x.status]} ${describe(x)}`)].join('\n'))
    }

    if (!this.jsonEnabled()) for (const line of planExtras(plan, f['dry-run'])) this.log(line)

    if (f['dry-run']) return this.dryRun(plan, env)
    assertReady(plan.preflight.findings, describe)
    if (plan.queued === 0) {
      if (!this.jsonEnabled()) this.log(t.nothingToDo(plan.id))
      return {
        dryRun: false, durationMs: 0, failed: 0, id: plan.id, recipients: plan.recipients, sent: 0, skipped: plan.recipients, uncertain: 0,
      }
    }

    await this.guardResend(plan, ctx.now)
    if (!f.yes) await this.confirm(plan)
    const result = await this.send(plan, api!, ctx)
    if (!this.jsonEnabled()) this.log(t.done(result))
    if (result.failed + result.uncertain > 0) process.exitCode = EXIT.partial
    return result
  }

  private async confirm(plan: BroadcastPlan): Promise<void> {
    if (this.jsonEnabled() || !process.stdin.isTTY || !process.stdout.isTTY) throw new CervenoError('NO_TTY', {hint: t.noTtyHint})
    const {confirmChoice} = await import('../../ui/prompts.js')
    const yes = await confirmChoice(t.confirm(plan.queued), {keys: t.confirmKeys, no: t.confirmNo, yes: t.confirmYes})
    if (!yes) throw new CervenoError('CANCELLED')
  }

  private async dryRun(plan: BroadcastPlan, env: NodeJS.ProcessEnv): Promise<BroadcastResult> {
    const result = await recordDryRun(this.folder(), plan)
    if (this.jsonEnabled()) {
      return {
        ...result, ...(plan.preflight.message ? {message: plan.preflight.message} : {}), ...(plan.preview ? {request: plan.preview} : {}),
      }
    }

    if (!this.jsonEnabled()) {
      this.log(t.dryRunHeader)
      if (plan.preview && this.flags.verbose) this.log(`${t.dryRunRequest}\n${JSON.stringify(plan.preview, null, 2)}`)
      else if (plan.preview) this.log(tp.requestHint)
      const settings = resolveApiSettings(env, plan.config, false)
      const missing = [settings.token ? '' : 'WHATSAPP_TOKEN', settings.phoneNumberId ? '' : 'WHATSAPP_PHONE_NUMBER_ID'].filter(Boolean)
      if (missing.length > 0) this.log(t.dryRunMissing(missing))
      if (plan.kind === 'new') this.log(t.dryRunRecorded(result.id))
    }

    return result
  }

  /** The same notice sent in the last 7 days: named before the confirmation; refused under --yes without --again. */
  private async guardResend(plan: BroadcastPlan, now: Date): Promise<void> {
    if (plan.kind !== 'new' || plan.to !== undefined || this.flags.again) return
    const earlier = await findEarlierSend(this.folder(), plan.manifest, now.getTime())
    if (!earlier) return
    const view = {
      id: earlier.id, recipients: earlier.recipients, sent: earlier.sent, when: formatItalian(earlier.startedAt),
    }
    if (this.flags.yes) throw new CervenoError('BROADCAST_ALREADY_SENT', view)
    if (!this.jsonEnabled()) this.log(broadcastGuard.previous(view))
  }

  private async plan(env: NodeJS.ProcessEnv): Promise<BroadcastPlan> {
    const f = this.flags
    const ctx = {now: this.now(), operator: this.operator()}
    const id = f.resume ?? f['retry-failed']
    if (id !== undefined) {
      const kind = f.resume === undefined ? 'retry-failed' : 'resume'
      return planResume(this.folder(), {
        attach: f.attach, id, kind, rate: f.rate, retryUncertain: f['retry-uncertain'],
      }, ctx, env)
    }

    if (f['retry-uncertain']) throw new CervenoError('USAGE', {detail: t.retryUncertainAlone})
    if (f.file === undefined) throw new CervenoError('USAGE', {detail: t.needFile})
    const input = {
      attach: f.attach, dryRun: f['dry-run'], file: f.file, language: f.language, mode: f.text ? 'text' : 'template', rate: f.rate, template: f.template, to: f.to,
    } as const
    return planBroadcast(this.folder(), input, ctx, env)
  }

  /** Ctrl-C once: finish what is in flight and stop (exit 130); twice: leave at once. */
  private async send(plan: BroadcastPlan, api: ApiSettings, ctx: {now: Date; operator: string}): Promise<BroadcastResult> {
    const controller = new AbortController()
    let {id} = plan
    let progress: ProgressView | undefined
    const onSignal = () => {
      if (controller.signal.aborted) {
        progress?.stop()
        process.stderr.write(t.forced(id) + '\n')
        process.exit(EXIT.cancelled) // eslint-disable-line n/no-process-exit, unicorn/no-process-exit
      }

      progress?.stop()
      if (!this.jsonEnabled()) process.stderr.write('\n' + t.stopping + '\n')
      controller.abort()
    }

    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    try {
      return await runBroadcast(this.folder(), plan, ctx, api, {
        onProgress: p => progress?.update(p),
        onStarted: async info => {
          id = info.id
          if (plan.kind === 'new' && info.recipients !== plan.recipients) this.note(t.changed(plan.recipients, info.recipients))
          this.note(t.started(info.id))
          progress = await startProgress(info.queued)
        },
        signal: controller.signal,
      })
    } finally {
      progress?.stop()
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}

function describe(x: {code: string; details?: Record<string, unknown>}): string {
  return findings[x.code]?.(x.details ?? {}) ?? x.code
}

/** Title (when the preview does not show it), attachment and cost: the lines of issue 17 under the plan. */
function planExtras(plan: BroadcastPlan, dryRun: boolean): string[] {
  const {header} = plan.manifest
  return [
    ...(header?.kind === 'text' && plan.preflight.message ? [] : headerLines(header)),
    ...mediaLines(plan.media, dryRun),
    ...estimatedCostLines(plan.queued, plan.manifest.pricePerMessage ?? plan.config.pricePerMessage),
  ]
}

function planView(plan: BroadcastPlan, columns: number): Parameters<typeof t.plan>[0] {
  const {message} = plan.preflight
  const attachment = runAttachment(plan.manifest.header)
  const labels = attachment ? {...tp, media: () => notices.attachmentMarker(attachment)} : tp
  return {
    budget: plan.budget,
    estimatedMs: plan.estimatedMs,
    file: plan.manifest.notice.file,
    id: plan.id,
    kind: plan.kind,
    mode: plan.manifest.mode,
    preview: message ? [tp.heading, ...previewLines(message, columns, labels)].join('\n') : undefined,
    queued: plan.queued,
    rate: plan.rate,
    recipients: plan.recipients,
    stops: plan.stops,
    template: plan.manifest.template,
    test: plan.to === undefined ? null : formatPhone(plan.to),
    text: plan.manifest.sentText,
    uncertainLeft: plan.uncertainLeft,
    warnings: plan.warnings,
  }
}

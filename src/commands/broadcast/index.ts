import {Flags} from '@oclif/core'

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
import {CervenoError, EXIT} from '../../core/errors.js'
import {formatPhone} from '../../core/phone.js'
import {redactSecrets} from '../../io/cloud-api.js'
import {broadcast as t} from '../../messages/it.js'
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
    const plan = await this.plan()
    const api = f['dry-run'] ? undefined : resolveApiSettings(process.env, plan.config, true)
    this.token = api?.token
    if (!this.jsonEnabled()) this.log(t.plan(planView(plan)))
    if (f['dry-run']) return this.dryRun(plan)
    if (plan.queued === 0) {
      if (!this.jsonEnabled()) this.log(t.nothingToDo(plan.id))
      return {
        dryRun: false, durationMs: 0, failed: 0, id: plan.id, recipients: plan.recipients, sent: 0, skipped: plan.recipients, uncertain: 0,
      }
    }

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

  private async dryRun(plan: BroadcastPlan): Promise<BroadcastResult> {
    const result = await recordDryRun(this.folder(), plan)
    if (!this.jsonEnabled()) {
      this.log(t.dryRunHeader)
      if (plan.preview) this.log(`${t.dryRunRequest}\n${JSON.stringify(plan.preview, null, 2)}`)
      const settings = resolveApiSettings(process.env, plan.config, false)
      const missing = [settings.token ? '' : 'WHATSAPP_TOKEN', settings.phoneNumberId ? '' : 'WHATSAPP_PHONE_NUMBER_ID'].filter(Boolean)
      if (missing.length > 0) this.log(t.dryRunMissing(missing))
      if (plan.kind === 'new') this.log(t.dryRunRecorded(result.id))
    }

    return result
  }

  private async plan(): Promise<BroadcastPlan> {
    const f = this.flags
    const ctx = {now: this.now(), operator: this.operator()}
    const id = f.resume ?? f['retry-failed']
    if (id !== undefined) {
      const kind = f.resume === undefined ? 'retry-failed' : 'resume'
      return planResume(this.folder(), {
        id, kind, rate: f.rate, retryUncertain: f['retry-uncertain'],
      }, ctx, process.env)
    }

    if (f['retry-uncertain']) throw new CervenoError('USAGE', {detail: t.retryUncertainAlone})
    if (f.file === undefined) throw new CervenoError('USAGE', {detail: t.needFile})
    const input = {
      file: f.file, language: f.language, mode: f.text ? 'text' : 'template', rate: f.rate, template: f.template, to: f.to,
    } as const
    return planBroadcast(this.folder(), input, ctx, process.env)
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

function planView(plan: BroadcastPlan): Parameters<typeof t.plan>[0] {
  return {
    budget: plan.budget,
    estimatedMs: plan.estimatedMs,
    file: plan.manifest.notice.file,
    id: plan.id,
    kind: plan.kind,
    mode: plan.manifest.mode,
    queued: plan.queued,
    rate: plan.rate,
    recipients: plan.recipients,
    template: plan.manifest.template,
    test: plan.to === undefined ? null : formatPhone(plan.to),
    text: plan.manifest.sentText,
    uncertainLeft: plan.uncertainLeft,
    warnings: plan.warnings,
  }
}

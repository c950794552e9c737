import {Flags} from '@oclif/core'

import {purgeWithTombstones} from '../../app/erasure-tombstones.js'
import {purge, type PurgeResult} from '../../app/privacy.js'
import {BaseCommand} from '../../base-command.js'
import {CervenoError, EXIT} from '../../core/errors.js'
import {formatPhone} from '../../core/phone.js'
import {formatItalian, formatItalianDate} from '../../core/time.js'
import {common, errors, privacy as t} from '../../messages/it.js'
import {table} from '../../ui/render.js'

export default class PrivacyPurge extends BaseCommand<typeof PrivacyPurge> {
  static description = t.purge.description
  static examples = [
    '<%= config.bin %> <%= command.id %> --dry-run',
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --yes --json',
  ]
  static flags = {
    'dry-run': Flags.boolean({description: t.purge.flags.dryRun}),
    operator: Flags.string({description: common.operatorFlag}),
    yes: Flags.boolean({char: 'y', description: t.purge.flags.yes, exclusive: ['dry-run']}),
  }
  static summary = t.purge.summary

  async run(): Promise<PurgeResult> {
    const folder = this.folder()
    const ctx = {now: this.now(), operator: this.operator(this.flags.operator)}
    const dry = this.flags['dry-run']
    if (!dry && !this.flags.yes && (this.jsonEnabled() || !process.stdin.isTTY || !process.stdout.isTTY)) {
      throw new CervenoError('NO_TTY', {hint: t.purge.noTtyHint})
    }

    const plan = await purge(folder, ctx, false)
    const empty = plan.files.length === 0 && plan.uncleanable.length === 0
    if (!this.jsonEnabled() && (dry || !this.flags.yes || empty)) this.render(plan)
    if (dry || empty) return plan
    if (!this.flags.yes) {
      const {confirm} = await import('../../ui/prompts.js')
      if (!(await confirm({default: false, message: t.purge.confirm}))) throw new CervenoError('CANCELLED')
    }

    const result = await purgeWithTombstones(folder, ctx)
    if (!this.jsonEnabled()) this.log(result.erasureId === null ? t.purge.nothing(result.retentionMonths) : t.purge.done(result.erasureId, result))
    const stuck = [...new Set([...result.residues.filter(r => r.phone).map(r => r.file), ...result.uncleanable])]
    if (stuck.length > 0) {
      process.exitCode = EXIT.partial
      this.note(errors.ERASURE_INCOMPLETE({count: stuck.length, files: stuck.join(', ')}))
    }

    return result
  }

  private render(p: PurgeResult): void {
    this.log(t.purge.policy(p.retentionMonths, formatItalianDate(p.cutoff)))
    if (p.files.length === 0 && p.uncleanable.length === 0) {
      this.log(t.purge.nothing(p.retentionMonths))
      return
    }

    if (p.citizens.length > 0) {
      this.log(t.purge.citizens(p.citizens.length))
      this.log(table(t.purge.citizensHeader, p.citizens.map(c => [formatPhone(c.phone), c.name, formatItalianDate(c.ceasedAt)])))
    }

    if (p.requestsGone.length > 0) {
      this.log(t.purge.requests(p.requestsGone.length))
      this.log(table(
        t.purge.requestsHeader,
        p.requestsGone.map(r => [r.id, r.phone ? formatPhone(r.phone) : '', r.name ?? '', t.words.requestStatus[r.status] ?? r.status, formatItalian(r.decidedAt ?? r.receivedAt)]),
      ))
    }

    this.log(t.purge.files(p.files.length, p.records))
    if (p.dryRun) this.log(t.purge.dryRunNote)
  }
}

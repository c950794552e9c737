import {Args} from '@oclif/core'

import {type BroadcastReport, type RecipientReport, showBroadcast} from '../../app/broadcast.js'
import {BaseCommand} from '../../base-command.js'
import {formatPhone} from '../../core/phone.js'
import {formatItalian} from '../../core/time.js'
import {deliveryReport as dr} from '../../messages/delivery-report.js'
import {exportCmd, broadcast as t} from '../../messages/it.js'
import {headerLines, reportCostLines} from '../../ui/notice-lines.js'
import {table} from '../../ui/render.js'

/** Problem rows shown on screen; --json has them all. */
const SHOWN = 50

export default class BroadcastShow extends BaseCommand<typeof BroadcastShow> {
  static args = {
    id: Args.string({description: t.show.idArg, required: true}),
  }
  static description = t.show.description
  static examples = ['<%= config.bin %> <%= command.id %> 20250314-092100-a1b2', '<%= config.bin %> <%= command.id %> 20250314-092100-a1b2 --json']
  static summary = t.show.summary

  async run(): Promise<Omit<BroadcastReport, 'recipients'> & {recipients: Omit<RecipientReport, 'errorRule'>[]}> {
    const folder = this.folder()
    const report = await showBroadcast(folder, this.args.id)
    if (!this.jsonEnabled()) this.render(report, new Map((await folder.readSubscribers()).map(s => [s.phone, s.name])))
    // The rule is for the screen's reason; the --json shape stays the one scripts rely on (DESIGN §2).
    return {...report, recipients: report.recipients.map(({errorRule: _rule, ...r}) => r)}
  }

  private render(r: BroadcastReport, names: Map<string, string>): void {
    this.log(t.show.header({...r, finishedAt: r.finishedAt && formatItalian(r.finishedAt), startedAt: formatItalian(r.startedAt)}))
    this.log(t.show.template(r.template))
    for (const line of r.text.split('\n')) this.log(`  │ ${line}`)
    for (const line of headerLines(r.header)) this.log(line)
    this.log(t.show.totals(r.totals))
    for (const line of reportCostLines(r.cost)) this.log(line)
    const problems = r.recipients.filter(x => x.outcome === 'failed' || x.outcome === 'uncertain' || x.delivery === 'failed')
    if (problems.length > 0) {
      const codes = exportCmd.tables.broadcast.words.explanation
      this.log(dr.withProblems(problems.length))
      this.log(table(
        dr.header,
        problems.slice(0, SHOWN).map(x => [
          formatPhone(x.phone),
          names.get(x.phone) ?? dr.unknownName,
          x.delivery === 'failed' ? t.show.delivery('failed') : t.show.outcome(x.outcome),
          dr.reason(x.errorCode, x.errorRule, codes),
        ]),
      ))
      if (problems.length > SHOWN) this.log(t.show.more(problems.length - SHOWN))
    }

    if (r.totals.pending > 0 && !r.dryRun && r.status !== 'running') this.log(t.show.resumeHint(r.id))
  }
}

import {gatherStats} from '../app/stats.js'
import {BaseCommand} from '../base-command.js'
import {bar, padEnd} from '../core/stats/chart.js'
import {type Stats as StatsData} from '../core/stats/stats.js'
import {formatItalian, formatItalianDate} from '../core/time.js'
import {stats as t} from '../messages/it.js'
import {color} from '../ui/render.js'
import {displayWidth} from '../ui/wrap.js'

/** `stats --json` (the `subscribers` key is the original contract; the rest was added with issue 6). */
export type StatsResult = StatsData

/** Labels padded to one width and counts right-aligned, so the figures stand in one column. */
function aligned(rows: [string, number][]): string {
  const figures = rows.map(([label, n]) => [`${label}:`, nf.format(n)] as const)
  const lw = Math.max(...figures.map(([l]) => displayWidth(l)))
  const nw = Math.max(...figures.map(([, n]) => n.length))
  return figures.map(([l, n]) => `${l}${' '.repeat(lw - displayWidth(l))} ${n.padStart(nw)}`).join('\n')
}

const nf = new Intl.NumberFormat('it-IT')

export default class Stats extends BaseCommand<typeof Stats> {
  static description = t.description
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  static summary = t.summary

  async run(): Promise<StatsResult> {
    const result = await gatherStats(this.folder(), this.now())
    if (!this.jsonEnabled()) this.render(result)
    return result
  }

  private render(s: StatsResult): void {
    this.log(aligned([
      [t.labels.active, s.subscribers.active],
      [t.labels.ceased, s.subscribers.ceased],
      [t.labels.total, s.subscribers.total],
    ]))
    this.log('')
    this.log(t.requests(s.requests))
    const p = s.pending
    this.log(p.count === 0 || p.oldestReceivedAt === null ? t.noPending : t.pending(p.count, formatItalian(p.oldestReceivedAt), p.oldestAgeDays ?? 0))

    this.log('')
    this.log(color.strong(t.chartTitle(s.months.length)))
    const max = Math.max(1, ...s.months.flatMap(m => [m.subscriptions, m.cessations]))
    const labels = s.months.map(m => t.month(m.month))
    const labelWidth = Math.max(...labels.map(l => [...l].length))
    const numWidth = String(max).length
    for (const [i, m] of s.months.entries()) {
      const sub = `${String(m.subscriptions).padStart(numWidth)} ${bar(m.subscriptions, max)}`
      const ces = `${String(m.cessations).padStart(numWidth)} ${bar(m.cessations, max)}`
      this.log(`${padEnd(labels[i], labelWidth)}  ${color.good(padEnd(sub, numWidth + 31))}  ${color.bad(ces)}`.trimEnd())
    }

    this.log(color.dim(t.chartLegend))
    if (s.broadcasts.length > 0) {
      this.log('')
      this.log(color.strong(t.broadcastsTitle))
      for (const b of s.broadcasts) this.log(t.broadcastLine({...b, startedAt: formatItalianDate(b.startedAt)}))
    }
  }
}

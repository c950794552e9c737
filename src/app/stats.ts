import {type CostFigure, monthCost, type MonthCost} from '../core/broadcast/cost.js'
import {
  type BroadcastFigures, computeStats, type RegistryEvent, type Stats,
} from '../core/stats/stats.js'
import {toRomeIso} from '../core/time.js'
import {type DataFolder} from '../io/data-folder.js'
import {listBroadcasts, showBroadcast} from './broadcast.js'
import {readAuditEntries} from './export-files.js'

/**
 * Subscriptions and cessations as the audit log recorded them (a citizen who left and came back
 * counts in both months), besides the registry's own current dates.
 */
async function auditEvents(folder: DataFolder): Promise<RegistryEvent[]> {
  const out: RegistryEvent[] = []
  await readAuditEntries(folder, e => {
    const after = (e.after ?? {}) as {ceasedAt?: string; phone?: string; subscribedAt?: string}
    const phone = after.phone ?? e.subject
    if (e.action === 'subscriber.add' || e.action === 'subscriber.reactivate') out.push({at: after.subscribedAt ?? e.ts, kind: 'subscribe', phone})
    else if (e.action === 'subscriber.cease') out.push({at: after.ceasedAt ?? e.ts, kind: 'cease', phone})
  })
  return out
}

/**
 * Delivery figures of every real broadcast (not dry runs, not test sends), oldest first; and the cost of every
 * run with a price, test sends included (Meta charges them too).
 */
async function broadcastFigures(folder: DataFolder): Promise<{costs: Array<{actual: CostFigure | null; startedAt: string}>; figures: BroadcastFigures[]}> {
  const out: BroadcastFigures[] = []
  const costs: Array<{actual: CostFigure | null; startedAt: string}> = []
  for (const item of await listBroadcasts(folder)) {
    if (item.dryRun) continue
    const {cost, totals} = await showBroadcast(folder, item.id)
    if (cost) costs.push({actual: cost.actual, startedAt: item.startedAt})
    if (item.test) continue
    out.push({
      delivered: totals.delivered, failed: totals.failed, id: item.id, read: totals.read, recipients: item.recipients, sent: totals.sent, startedAt: item.startedAt,
    })
  }

  return {costs, figures: out}
}

/** `stats`: the core figures, and the month's cost when a price is set (config.json pricePerMessage). */
export async function gatherStats(folder: DataFolder, now: Date): Promise<Stats & {cost?: MonthCost}> {
  await folder.assertInitialized()
  const {costs, figures} = await broadcastFigures(folder)
  const priced = (await folder.config()).config.pricePerMessage !== undefined || costs.length > 0
  const stats = computeStats({
    broadcasts: figures,
    events: await auditEvents(folder),
    now,
    requests: await folder.readRequests(),
    subscribers: await folder.readSubscribers(),
  })
  return priced ? {...stats, cost: monthCost(costs, toRomeIso(now).slice(0, 7))} : stats
}

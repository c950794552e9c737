import {
  type BroadcastFigures, computeStats, type RegistryEvent, type Stats,
} from '../core/stats/stats.js'
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

/** Delivery figures of every real broadcast (not dry runs, not test sends), oldest first. */
async function broadcastFigures(folder: DataFolder): Promise<BroadcastFigures[]> {
  const out: BroadcastFigures[] = []
  for (const item of await listBroadcasts(folder)) {
    if (item.dryRun || item.test) continue
    const {totals} = await showBroadcast(folder, item.id)
    out.push({
      delivered: totals.delivered, failed: totals.failed, id: item.id, read: totals.read, recipients: item.recipients, sent: totals.sent, startedAt: item.startedAt,
    })
  }

  return out
}

export async function gatherStats(folder: DataFolder, now: Date): Promise<Stats> {
  await folder.assertInitialized()
  return computeStats({
    broadcasts: await broadcastFigures(folder),
    events: await auditEvents(folder),
    now,
    requests: await folder.readRequests(),
    subscribers: await folder.readSubscribers(),
  })
}

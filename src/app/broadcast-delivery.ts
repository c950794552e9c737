/** Delivery statuses from imported webhooks, filed into the runs' journals. */

import {parseAttemptId, type StoredStatus} from '../core/broadcast/run-state.js'
import {type DataFolder} from '../io/data-folder.js'
import {
  appendStatuses, journalRecords, listRunIds, readStatuses,
} from '../io/journal.js'
import {withLock} from '../io/lock.js'

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

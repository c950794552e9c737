import {DateTime} from 'luxon'

import {type Subscriber} from '../registry/types.js'
import {type RequestRecord} from '../requests/types.js'
import {TIME_ZONE} from '../time.js'
import {type ErasureTarget} from './match.js'

/** What the registry and the requests hold about one number. */
export interface PersonRecords {
  phone: string
  requests: RequestRecord[]
  subscriber?: Subscriber
}

/**
 * The registry row and every request of a number, including requests the same WhatsApp user sent
 * before the number was known (same user id).
 */
export function personRecords(phone: string, subscribers: readonly Subscriber[], requests: readonly RequestRecord[]): PersonRecords {
  const own = requests.filter(r => r.phone === phone)
  const users = new Set(own.map(r => r.userId).filter(Boolean))
  const mine = requests.filter(r => r.phone === phone || (r.phone === null && r.userId !== undefined && users.has(r.userId)))
  return {phone, requests: mine, subscriber: subscribers.find(s => s.phone === phone)}
}

/** Ids that name one request wherever it is copied: its id, and its wamid when it came from a webhook. */
function requestIds(r: RequestRecord): string[] {
  return r.source.startsWith('wamid.') ? [r.id, r.source] : [r.id]
}

/** Everything that identifies a person in the data folder's files. */
export function personTarget(p: PersonRecords, extraIds: readonly string[] = []): ErasureTarget {
  const ids = new Set<string>(extraIds)
  const names = new Set<string>()
  for (const r of p.requests) {
    for (const id of requestIds(r)) ids.add(id)
    if (r.userId) ids.add(r.userId)
    if (r.name) names.add(r.name)
    if (r.author) names.add(r.author)
  }

  if (p.subscriber) {
    names.add(p.subscriber.name)
    if (p.subscriber.requestId) ids.add(p.subscriber.requestId)
  }

  return {ids: [...ids], names: [...names], phones: [p.phone]}
}

/** Single requests (not their author): only what names those requests. */
export function requestsTarget(list: readonly RequestRecord[]): ErasureTarget {
  return {ids: list.flatMap(r => requestIds(r)), names: [], phones: []}
}

export function mergeTargets(targets: readonly ErasureTarget[]): ErasureTarget {
  return {
    ids: [...new Set(targets.flatMap(t => t.ids))],
    names: [...new Set(targets.flatMap(t => t.names))],
    phones: [...new Set(targets.flatMap(t => t.phones))],
  }
}

/** The first instant still inside the retention period. */
export function retentionCutoff(now: Date, months: number, zone = TIME_ZONE): Date {
  return DateTime.fromJSDate(now, {zone}).minus({months}).toJSDate()
}

const CLOSED = new Set(['discarded', 'rejected', 'superseded'])

export interface PurgePlan {
  /** Ceased citizens whose cessation is older than the retention period: erased entirely. */
  citizens: Subscriber[]
  /** Numbers with no registry row whose every request has expired: erased entirely. */
  numbers: string[]
  /** Every request that goes (the citizens' and the numbers' included). */
  requests: RequestRecord[]
  /** Requests that go on their own (their author stays: an active subscriber, a pending request…). */
  singleRequests: RequestRecord[]
}

const olderThan = (iso: string | undefined, cutoff: Date) => iso !== undefined && Date.parse(iso) < cutoff.getTime()

/**
 * The retention policy (config.retentionMonths): ceased citizens, and rejected, discarded or
 * superseded requests, older than the cutoff. A citizen with a pending request is asking again: kept.
 */
export function planPurge(subscribers: readonly Subscriber[], requests: readonly RequestRecord[], cutoff: Date): PurgePlan {
  const byPhone = new Map<string, RequestRecord[]>()
  for (const r of requests) {
    if (r.phone === null) continue
    const list = byPhone.get(r.phone)
    if (list) list.push(r)
    else byPhone.set(r.phone, [r])
  }

  const expired = (r: RequestRecord) => CLOSED.has(r.status) && olderThan(r.decidedAt ?? r.receivedAt, cutoff)
  const registered = new Set(subscribers.map(s => s.phone))
  const citizens = subscribers.filter(s => s.status === 'ceased' && olderThan(s.ceasedAt, cutoff) && !(byPhone.get(s.phone) ?? []).some(r => r.status === 'pending'))
  const gone = new Set(citizens.map(s => s.phone))
  const numbers: string[] = []
  for (const [phone, list] of byPhone) {
    if (!registered.has(phone) && list.every(r => expired(r))) {
      numbers.push(phone)
      gone.add(phone)
    }
  }

  const goneRequests: RequestRecord[] = []
  const singleRequests: RequestRecord[] = []
  for (const r of requests) {
    if (r.phone !== null && gone.has(r.phone)) goneRequests.push(r)
    else if (expired(r)) {
      goneRequests.push(r)
      singleRequests.push(r)
    }
  }

  return {
    citizens, numbers: numbers.sort(), requests: goneRequests, singleRequests,
  }
}

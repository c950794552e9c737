import {DateTime} from 'luxon'

import {countByStatus} from '../registry/registry.js'
import {type Subscriber} from '../registry/types.js'
import {REQUEST_STATUSES, type RequestRecord, type RequestStatus} from '../requests/types.js'
import {TIME_ZONE} from '../time.js'

/** A subscription or a cessation, from the registry or the audit log. */
export interface RegistryEvent {
  at: string
  kind: 'cease' | 'subscribe'
  phone: string
}

export interface MonthCount {
  cessations: number
  /** YYYY-MM in the comune's time zone. */
  month: string
  subscriptions: number
}

/** Delivery figures of one broadcast, as its report gives them. */
export interface BroadcastFigures {
  /** Recipients whose furthest status is delivered or read. */
  delivered: number
  failed: number
  id: string
  read: number
  recipients: number
  sent: number
  startedAt: string
}

export interface BroadcastRate extends BroadcastFigures {
  /** delivered / recipients (0…1, 3 decimals): the share of the people meant that got it; null without recipients. */
  deliveryRate: null | number
}

export interface Stats {
  broadcasts: BroadcastRate[]
  months: MonthCount[]
  pending: {count: number; oldestAgeDays: null | number; oldestId: null | string; oldestReceivedAt: null | string}
  requests: Record<'total' | RequestStatus, number>
  subscribers: {active: number; ceased: number; total: number}
}

export const MONTHS_SHOWN = 12

/** The registry's own dates: the current subscription and cessation of each row. */
export function registryEvents(list: readonly Subscriber[]): RegistryEvent[] {
  const out: RegistryEvent[] = []
  for (const s of list) {
    out.push({at: s.subscribedAt, kind: 'subscribe', phone: s.phone})
    if (s.ceasedAt) out.push({at: s.ceasedAt, kind: 'cease', phone: s.phone})
  }

  return out
}

/** The last `count` months ending with the current one, oldest first, zero-filled. */
export function monthlyCounts(events: Iterable<RegistryEvent>, now: Date, count = MONTHS_SHOWN, zone = TIME_ZONE): MonthCount[] {
  const current = DateTime.fromJSDate(now, {zone}).startOf('month')
  const months: MonthCount[] = []
  const index = new Map<string, MonthCount>()
  for (let i = count - 1; i >= 0; i--) {
    const m: MonthCount = {cessations: 0, month: current.minus({months: i}).toFormat('yyyy-LL'), subscriptions: 0}
    months.push(m)
    index.set(m.month, m)
  }

  // The registry and the audit log tell the same event twice: count it once.
  const seen = new Set<string>()
  for (const e of events) {
    const t = Date.parse(e.at)
    if (!Number.isFinite(t)) continue
    const key = `${e.kind}\u0000${e.phone}\u0000${t}`
    if (seen.has(key)) continue
    seen.add(key)
    const m = index.get(DateTime.fromMillis(t, {zone}).toFormat('yyyy-LL'))
    if (!m) continue
    if (e.kind === 'subscribe') m.subscriptions++
    else m.cessations++
  }

  return months
}

const DAY_MS = 86_400_000

export function computeStats(input: {
  broadcasts?: readonly BroadcastFigures[]
  events?: Iterable<RegistryEvent>
  now: Date
  requests: readonly RequestRecord[]
  subscribers: readonly Subscriber[]
}): Stats {
  const {now, requests, subscribers} = input
  const counts = countByStatus(subscribers)
  const byStatus = Object.fromEntries([...REQUEST_STATUSES.map(s => [s, 0]), ['total', requests.length]]) as Stats['requests']
  let oldest: RequestRecord | undefined
  for (const r of requests) {
    byStatus[r.status]++
    if (r.status === 'pending' && (!oldest || Date.parse(r.receivedAt) < Date.parse(oldest.receivedAt))) oldest = r
  }

  const events = [...registryEvents(subscribers), ...(input.events ?? [])]
  return {
    broadcasts: (input.broadcasts ?? []).map(b => ({...b, deliveryRate: b.recipients > 0 ? Math.round((b.delivered / b.recipients) * 1000) / 1000 : null})),
    months: monthlyCounts(events, now),
    pending: {
      count: byStatus.pending,
      oldestAgeDays: oldest ? Math.max(0, Math.floor((now.getTime() - Date.parse(oldest.receivedAt)) / DAY_MS)) : null,
      oldestId: oldest?.id ?? null,
      oldestReceivedAt: oldest?.receivedAt ?? null,
    },
    requests: byStatus,
    subscribers: {...counts, total: subscribers.length},
  }
}

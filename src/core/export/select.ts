import {type AuditEntry} from '../audit.js'
import {CervenoError} from '../errors.js'
import {type Subscriber} from '../registry/types.js'
import {REQUEST_STATUSES, type RequestRecord} from '../requests/types.js'
import {atOrAfter} from './since.js'

export type ExportWhat = 'audit' | 'broadcast' | 'requests' | 'subscribers'
export type ExportFormat = 'csv' | 'excel' | 'vcf' | 'xlsx'

export const SUBSCRIBER_FILTERS = ['active', 'ceased', 'all'] as const
export const REQUEST_FILTERS = [...REQUEST_STATUSES, 'all'] as const
/** Outcomes of a broadcast (sent, failed, uncertain, pending) and delivery statuses (delivered, read). */
export const RECIPIENT_FILTERS = ['sent', 'delivered', 'read', 'failed', 'uncertain', 'pending', 'all'] as const

export interface Selection {
  since?: Date
  status?: string
}

function checkStatus(status: string | undefined, allowed: readonly string[], what: ExportWhat): void {
  if (status !== undefined && !allowed.includes(status)) {
    throw new CervenoError('EXPORT_OPTION_INVALID', {
      allowed: allowed.join(', '), reason: 'status', value: status, what,
    })
  }
}

/** Subscribers with the status asked for; with `since`, those subscribed or ceased on or after that day. */
export function selectSubscribers(list: readonly Subscriber[], s: Selection): Subscriber[] {
  checkStatus(s.status, SUBSCRIBER_FILTERS, 'subscribers')
  return list.filter(x =>
    (s.status === undefined || s.status === 'all' || x.status === s.status)
      && (!s.since || atOrAfter(x.subscribedAt, s.since) || atOrAfter(x.ceasedAt, s.since)))
}

/** Requests oldest first; with `since`, those received or decided on or after that day. */
export function selectRequests(list: readonly RequestRecord[], s: Selection): RequestRecord[] {
  checkStatus(s.status, REQUEST_FILTERS, 'requests')
  return list
  .filter(r =>
    (s.status === undefined || s.status === 'all' || r.status === s.status)
        && (!s.since || atOrAfter(r.receivedAt, s.since) || atOrAfter(r.decidedAt, s.since)))
  .sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || (a.id < b.id ? -1 : 1))
}

export function selectAudit(entries: Iterable<AuditEntry>, s: Selection): AuditEntry[] {
  if (s.status !== undefined) throw new CervenoError('EXPORT_OPTION_INVALID', {reason: 'status', value: s.status, what: 'audit'})
  const out: AuditEntry[] = []
  for (const e of entries) if (!s.since || atOrAfter(e.ts, s.since)) out.push(e)
  return out
}

/** Recipients of a delivery report with the outcome or delivery status asked for (`delivered` includes read). */
export function selectRecipients<T extends {delivery: null | string; outcome: string}>(list: readonly T[], s: Selection): T[] {
  if (s.since) throw new CervenoError('EXPORT_OPTION_INVALID', {reason: 'since', what: 'broadcast'})
  checkStatus(s.status, RECIPIENT_FILTERS, 'broadcast')
  const st = s.status
  return list.filter(r => {
    if (st === undefined || st === 'all') return true
    if (st === 'delivered') return r.delivery === 'delivered' || r.delivery === 'read'
    if (st === 'read') return r.delivery === 'read'
    if (st === 'failed') return r.outcome === 'failed' || r.delivery === 'failed'
    if (st === 'sent') return r.outcome === 'sent' && r.delivery !== 'failed'
    return r.outcome === st
  })
}

import {type RequestAction} from './match.js'

export type RequestStatus = 'approved' | 'discarded' | 'pending' | 'rejected' | 'superseded'
export const REQUEST_STATUSES: readonly RequestStatus[] = ['pending', 'approved', 'rejected', 'discarded', 'superseded']

/** Where a request's phone came from (chat-formats.md §9). */
export type PhoneSource = 'author' | 'clerk' | 'option' | 'title' | 'webhook'

/** One extracted request (richieste.csv). */
export interface RequestRecord {
  action: RequestAction
  /** Display name of the author in the export, or the webhook profile name. */
  author?: string
  decidedAt?: string
  decidedBy?: string
  id: string
  importedAt: string
  name: null | string
  phone: null | string
  phoneSource?: PhoneSource
  /** The citizen's own message, as received: the proof of the request and of consent. */
  rawText: string
  reason?: string
  receivedAt: string
  /** file:line for chat exports, wamid for webhooks. */
  source: string
  status: RequestStatus
  /** For webhook users without a phone (BSUID / username). */
  userId?: string
}

/** The `--json` shape of a request (DESIGN §2). */
export interface RequestJson {
  action: RequestAction
  decidedAt?: string
  decidedBy?: string
  id: string
  name: null | string
  phone: null | string
  reason?: string
  receivedAt: string
  source: string
  status: RequestStatus
}

export function toRequestJson(r: RequestRecord): RequestJson {
  const out: RequestJson = {
    action: r.action,
    id: r.id,
    name: r.name,
    phone: r.phone,
    receivedAt: r.receivedAt,
    source: r.source,
    status: r.status,
  }
  if (r.decidedAt) out.decidedAt = r.decidedAt
  if (r.decidedBy) out.decidedBy = r.decidedBy
  if (r.reason) out.reason = r.reason
  return out
}

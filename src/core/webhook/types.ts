import type {RequestAction} from '../requests/match.js'

/** What the caller knows about the payload being read. */
export interface WebhookContext {
  /** Region for phone normalisation (config), e.g. `IT`. */
  defaultCountry: string
  /** The request keyword from config, e.g. `Servizio Info`. */
  keyword: string
  /**
   * The latest acceptable timestamp, in Unix seconds: one day after the import. Without it only the store's own
   * limit (year 9999) applies.
   */
  latestSeconds?: number
  /** Where the payload came from (file, file:line, ...): copied into each request. */
  source: string
}

/**
 * Why a payload was refused as a whole (validation at the boundary): `timestamp` = a message or status timestamp
 * that is not seconds since 1970 between 2009 and one day after the import. `value` is a short preview.
 */
export interface PayloadProblem {
  code: 'timestamp'
  value: string
}

/** Message types that can carry a request. */
export type RequestMessageType = 'button' | 'interactive' | 'text'

/** A subscription request found in an inbound message. */
export interface WebhookRequest {
  action: RequestAction
  /** For button/interactive replies: the wamid of the outbound message that carried the button. */
  contextWamid: null | string
  messageType: RequestMessageType
  name: null | string
  /** E.164 with `+`, from `from` / `contacts[].wa_id`; null when withheld or not a number. */
  phone: null | string
  /** metadata.phone_number_id: which of the comune's numbers received it. */
  phoneNumberId: null | string
  /** contacts[].profile.name: informational, never used as the subscriber's name. */
  profileName: null | string
  /** The text the rule was applied to. */
  rawText: string
  /** ISO 8601 with the Rome offset; null when the timestamp is missing or invalid. */
  receivedAt: null | string
  source: string
  /** What identifies the user besides the phone: BSUID, else username, else a `from` that is not a phone. */
  userId: null | string
  /** The user's WhatsApp username (display only: users can change it). */
  username: null | string
  /** The digits Meta sent as wa_id/from, kept verbatim: replies go to this, not to a re-normalised number. */
  waId: null | string
  /** Message id; null only in malformed payloads. */
  wamid: null | string
}

/** An inbound message that is not a request but mentions the keyword (shown with --show-ignored). */
export interface NearMiss {
  phone: null | string
  profileName: null | string
  receivedAt: null | string
  source: string
  text: string
  type: string
  userId: null | string
  wamid: null | string
}

/** An error object from `statuses[].errors`, `messages[].errors` or `value.errors`. */
export interface WebhookErrorDetail {
  code: null | number
  details: null | string
  title: null | string
}

/** A system-level error (`value.errors`) or an inbound message Meta could not handle (`messages[].errors`). */
export interface WebhookIssue extends WebhookErrorDetail {
  scope: 'message' | 'system'
  source: string
  /** The inbound message id for scope `message`. */
  wamid: null | string
}

/** The statuses Meta sends; any other string is passed through. */
export type KnownStatus = 'delivered' | 'failed' | 'played' | 'read' | 'sent'

/** One delivery receipt (`value.statuses[]`). */
export interface StatusEvent {
  /** ISO 8601 with the Rome offset; null when the timestamp is missing or invalid. */
  at: null | string
  bizOpaque?: string
  errors: WebhookErrorDetail[]
  /** wa_id of the recipient (digits), as sent. */
  recipientId: null | string
  /** BSUID of the recipient, when Meta sends one. */
  recipientUserId: null | string
  /** Lower-cased as sent: `sent`, `delivered`, `read`, `failed`, `played` or anything newer. */
  status: string
  wamid: string
}

/** What one payload yielded, and what it ignored. */
export interface WebhookExtraction {
  counts: ExtractionCounts
  issues: WebhookIssue[]
  nearMisses: NearMiss[]
  /** When not empty the payload is refused: it yields no request, status or near miss. */
  problems: PayloadProblem[]
  requests: WebhookRequest[]
  statuses: StatusEvent[]
}

export interface ExtractionCounts {
  changes: number
  entries: number
  /** Changes with another `field` (or none): see ignoredFields. */
  ignoredChanges: number
  /** Ignored changes by `field`. */
  ignoredFields: Record<string, number>
  /** Inbound messages that are not requests: see ignoredTypes. */
  ignoredMessages: number
  ignoredPayloads: number
  /** Ignored messages by `type` (a text that is not a request counts under `text`). */
  ignoredTypes: Record<string, number>
  /** Elements that are not objects, or lack an id/status they cannot do without. */
  malformed: number
  /** Inbound message objects seen. */
  messages: number
  nearMisses: number
  /** 1 when the payload was a WhatsApp envelope, else 0 (and ignoredPayloads is 1). */
  payloads: number
  requests: number
  statuses: number
}

/** The furthest delivery state known for one outbound message. */
export interface DeliveryState {
  /** The code of the first `failed` event, when it had one. */
  errorCode: null | number
  errors: WebhookErrorDetail[]
  recipientId: null | string
  /** The earliest time each status was reported (`played` is recorded as `read`); null when its event had no time. */
  seen: Partial<Record<'delivered' | 'failed' | 'read' | 'sent', null | string>>
  /** `sent` < `delivered` < `read`; `failed` is terminal. An unknown status only while nothing known was seen. */
  status: string
  wamid: string
}

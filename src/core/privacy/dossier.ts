import {type AuditEntry} from '../audit.js'
import {type Subscriber} from '../registry/types.js'
import {type RequestRecord} from '../requests/types.js'

/** One broadcast the citizen was a recipient of, with what became of the message. */
export interface ReceivedBroadcast {
  delivery: null | string
  errorCode: null | number
  id: string
  outcome: string
  startedAt: string
  test: boolean
  /** What the citizen received (or was meant to). */
  text: string
  wamid: null | string
}

/** `privacy export <phone> --json`: everything the data folder holds about one number (GDPR art. 15). */
export interface PrivacyDossier {
  audit: AuditEntry[]
  broadcasts: ReceivedBroadcast[]
  generatedAt: string
  phone: string
  /** Every field of each request, the citizen's own text included. */
  requests: RequestRecord[]
  /** Every field of the registry row, consent and privacy-notice version included; null when not registered. */
  subscriber: null | Subscriber
}

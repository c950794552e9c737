export type SubscriberStatus = 'active' | 'ceased'

/** One citizen in the registry (iscritti.csv). */
export interface Subscriber {
  approvedBy: string
  ceasedAt?: string
  ceasedBy?: string
  /** How consent was given: a WhatsApp message (request id) or in person at the counter. */
  consent: 'in-person' | 'message'
  name: string
  phone: string
  /** Version (date) of the privacy notice in force when consent was given. */
  privacyNotice: string
  requestId?: string
  status: SubscriberStatus
  subscribedAt: string
  updatedAt: string
}

/** The `--json` shape of a subscriber (DESIGN §2). */
export interface SubscriberJson {
  approvedBy: string
  ceasedAt?: string
  name: string
  phone: string
  requestId?: string
  status: SubscriberStatus
  subscribedAt: string
}

export function toSubscriberJson(s: Subscriber): SubscriberJson {
  const out: SubscriberJson = {
    approvedBy: s.approvedBy,
    name: s.name,
    phone: s.phone,
    status: s.status,
    subscribedAt: s.subscribedAt,
  }
  if (s.ceasedAt) out.ceasedAt = s.ceasedAt
  if (s.requestId) out.requestId = s.requestId
  return out
}

/** Pure helpers for planning a broadcast: run ids, estimates, the daily budget, the request shown by --dry-run. */
import {type OutgoingMessage} from './payload.js'

/** `YYYYMMDD-HHMMSS-xxxx` from a Rome-time ISO string and a random hex suffix: sortable, short, typable. */
export function makeRunId(romeIso: string, suffixHex: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(romeIso)
  if (!m) throw new RangeError(`not an ISO time: ${romeIso}`)
  return `${m[1]}${m[2]}${m[3]}-${m[4]}${m[5]}${m[6]}-${suffixHex.toLowerCase().slice(0, 4).padStart(4, '0')}`
}

export const RUN_ID = /^\d{8}-\d{6}-[0-9a-f]{4}$/

/** Time the pacing alone needs: the last of n starts at `rate` per second. */
export function estimateDurationMs(recipients: number, rate: number): number {
  if (recipients <= 0) return 0
  return Math.ceil((recipients / rate) * 1000)
}

/**
 * Requests in flight at most: enough to keep `rate` going with up to two seconds of server latency
 * (rate × latency is what is needed), never fewer than 16 nor more than 1000 sockets.
 */
export function maxInFlightFor(rate: number): number {
  return Math.max(16, Math.min(1000, Math.ceil(rate * 2)))
}

export interface MessagingBudget {
  /** True when this run alone would go past what is left. */
  exceeds: boolean
  /** Unique users the portfolio may reach with business-initiated messages in a moving 24 h (config). */
  limit: number
  remaining: number
  /** Distinct numbers that received a message from this tool in the last 24 h. */
  usedLast24h: number
}

export function messagingBudget(limit: number, usedLast24h: number, recipients: number): MessagingBudget {
  const remaining = Math.max(0, limit - usedLast24h)
  return {
    exceeds: recipients > remaining, limit, remaining, usedLast24h,
  }
}

export interface RequestPreview {
  body: OutgoingMessage
  headers: Record<string, string>
  method: 'POST'
  url: string
}

/** Exactly what goes on the wire for one recipient, with the token replaced. */
export function requestPreview(url: string, body: OutgoingMessage): RequestPreview {
  // Wire order, for the reader.
  /* eslint-disable perfectionist/sort-objects */
  return {
    method: 'POST',
    url,
    headers: {Authorization: 'Bearer [REDACTED]', 'Content-Type': 'application/json', Accept: 'application/json'},
    body,
  }
  /* eslint-enable perfectionist/sort-objects */
}

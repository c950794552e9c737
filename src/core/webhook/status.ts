/**
 * Delivery receipts arrive at least once, unordered and duplicated (cloud-api.md §5.5):
 * a state only moves forward, and `failed` is terminal.
 */
import type {DeliveryState, StatusEvent, WebhookErrorDetail} from './types.js'

type Tracked = keyof DeliveryState['seen']

const RANK: Record<Tracked, number> = {
  delivered: 2,
  failed: 4,
  read: 3,
  sent: 1,
}

/** The tracked status an event stands for (`played`, a voice note listened to, is a read); null if unknown. */
export function trackedStatus(status: string): null | Tracked {
  const s = status.toLowerCase()
  if (s === 'played') return 'read'
  return Object.hasOwn(RANK, s) ? (s as Tracked) : null
}

function rank(status: string): number {
  const t = trackedStatus(status)
  return t === null ? 0 : RANK[t]
}

function firstCode(errors: WebhookErrorDetail[]): null | number {
  for (const e of errors) if (e.code !== null) return e.code
  return null
}

/** True when `a` is a time strictly before `b` (a missing `b` counts as later than any time). */
function earlier(a: null | string, b: null | string | undefined): boolean {
  if (a === null) return false
  if (b === null || b === undefined) return true
  const ta = Date.parse(a)
  const tb = Date.parse(b)
  return Number.isFinite(ta) && (!Number.isFinite(tb) || ta < tb)
}

/**
 * Applies one status event to the state of its message. The furthest status wins
 * (sent < delivered < read < failed, failed terminal with its first error); each tracked status keeps the
 * earliest time reported for it, so an older event arriving late may add its time but never moves the status.
 * Returns `current` itself when nothing changed (duplicates, stale events, another message's event).
 */
export function mergeStatus(current: DeliveryState | undefined, event: StatusEvent): DeliveryState {
  const tracked = trackedStatus(event.status)
  if (current === undefined) {
    const failed = tracked === 'failed'
    return {
      errorCode: failed ? firstCode(event.errors) : null,
      errors: failed ? event.errors : [],
      recipientId: event.recipientId,
      seen: tracked === null ? {} : {[tracked]: event.at},
      status: tracked ?? event.status,
      wamid: event.wamid,
    }
  }

  if (current.wamid !== event.wamid || tracked === null) return current
  let next = current
  if (!Object.hasOwn(current.seen, tracked) || earlier(event.at, current.seen[tracked])) {
    next = {...next, seen: {...next.seen, [tracked]: event.at}}
  }

  if (current.status !== 'failed' && RANK[tracked] > rank(current.status)) {
    next = {...next, status: tracked}
    if (tracked === 'failed') next = {...next, errorCode: firstCode(event.errors), errors: event.errors}
  }

  if (next.recipientId === null && event.recipientId !== null) next = {...next, recipientId: event.recipientId}
  return next
}

/** Folds events into per-wamid states (pass `states` to continue across payloads and files). */
export function foldStatuses(
  events: Iterable<StatusEvent>,
  states: Map<string, DeliveryState> = new Map(),
): Map<string, DeliveryState> {
  for (const e of events) {
    const before = states.get(e.wamid)
    const after = mergeStatus(before, e)
    if (after !== before) states.set(e.wamid, after)
  }

  return states
}

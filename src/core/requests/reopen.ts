import {CervenoError} from '../errors.js'
import {type Subscriber} from '../registry/types.js'
import {type ReviewState} from './decide.js'
import {type RequestRecord} from './types.js'

/** What an approval did to the registry, as its audit lines recorded it. */
export interface SubscriberTrail {
  after: Subscriber
  before?: Subscriber
}

/** What undoing one decision changed: the audit trail of the reopen is built from this. */
export interface ReopenEffect {
  /** Older requests of the same phone that this decision had settled, back to pending. */
  reopened: {after: RequestRecord; before: RequestRecord}[]
  request: {after: RequestRecord; before: RequestRecord}
  /** The registry row put back as it was before the approval; `after` absent = the row the approval added, removed. */
  subscriber?: {after?: Subscriber; before: Subscriber}
}

function undecided(r: RequestRecord): RequestRecord {
  const {decidedAt: _a, decidedBy: _b, reason: _r, ...rest} = r
  return {...rest, status: 'pending'}
}

const sameRow = (a: Subscriber, b: Subscriber) =>
  a.status === b.status && a.updatedAt === b.updatedAt && a.name === b.name && (a.requestId ?? '') === (b.requestId ?? '')

const laterThan = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && Date.parse(a) > Date.parse(b)

/**
 * Undoes one decision (DESIGN §2 `review --reopen`): the request goes back to pending, and so do the
 * older requests its decision superseded; an approval's registry change is reverted from its audit trail.
 * Refuses (REOPEN_BLOCKED) when something decided later depends on it. Mutates state.
 */
export function reopenDecision(state: ReviewState, id: string, trail: SubscriberTrail | undefined): ReopenEffect {
  const at = state.requestIndex.get(id)
  if (at === undefined) throw new CervenoError('UNKNOWN_REQUEST', {id})
  const before = state.requests[at]
  if (before.status === 'pending') throw new CervenoError('NOT_DECIDED', {id})
  if (before.status === 'superseded') throw new CervenoError('REOPEN_BLOCKED', {by: before.reason, id, why: 'superseded'})
  if (before.phone !== null) {
    const later = state.requests.find(r => r.id !== id && r.phone === before.phone && r.status !== 'pending'
      && !(r.status === 'superseded' && r.reason === id) && laterThan(r.decidedAt, before.decidedAt))
    if (later) throw new CervenoError('REOPEN_BLOCKED', {by: later.id, id, why: 'later'})
  }

  let subscriber: ReopenEffect['subscriber']
  if (before.status === 'approved') {
    const si = before.phone === null ? undefined : state.subscriberIndex.get(before.phone)
    if (!trail || si === undefined) throw new CervenoError('REOPEN_BLOCKED', {id, why: 'noTrail'})
    const current = state.subscribers[si]
    if (!sameRow(current, trail.after)) throw new CervenoError('REOPEN_BLOCKED', {id, why: 'changed'})
    if (trail.before) {
      state.subscribers[si] = trail.before
    } else {
      state.subscribers.splice(si, 1)
      state.subscriberIndex.clear()
      for (const [i, s] of state.subscribers.entries()) state.subscriberIndex.set(s.phone, i)
    }

    subscriber = {after: trail.before, before: current}
  }

  const after = undecided(before)
  state.requests[at] = after
  const reopened: ReopenEffect['reopened'] = []
  for (const [i, r] of state.requests.entries()) {
    if (r.status !== 'superseded' || r.reason !== id || r.decidedAt !== before.decidedAt) continue
    reopened.push({after: undecided(r), before: r})
    state.requests[i] = undecided(r)
  }

  if (before.phone !== null) {
    const ids = [after, ...reopened.map(x => x.after)].map(r => r.id)
    const set = state.pendingByPhone.get(before.phone) ?? new Set<string>()
    for (const x of ids) set.add(x)
    state.pendingByPhone.set(before.phone, set)
  }

  return {reopened, request: {after, before}, subscriber}
}

import {CervenoError} from '../errors.js'
import {activate, cease, normalizeName} from '../registry/registry.js'
import {type Subscriber} from '../registry/types.js'
import {checkName, NAME_MAX_CHARS, storedField} from '../safe-text.js'
import {type RequestRecord} from './types.js'

/** The clerk's verdict on one request (DESIGN §5). Defer is not a decision: nothing changes. */
export type Decision
  = | {id: string; kind: 'approve'}
    | {id: string; kind: 'discard'}
    | {id: string; kind: 'reject'; reason: string}

export interface ReviewState {
  /** Pending request ids per phone: keeps the superseding rule O(1) per decision. */
  pendingByPhone: Map<string, Set<string>>
  requestIndex: Map<string, number>
  requests: RequestRecord[]
  subscriberIndex: Map<string, number>
  subscribers: Subscriber[]
}

export interface DecisionContext {
  now: string
  operator: string
  privacyNotice: string
}

/** What one decision changed: the audit trail is built from this. */
export interface DecisionEffect {
  decision: Decision
  request: {after: RequestRecord; before: RequestRecord}
  subscriber?: {after: Subscriber; before?: Subscriber; kind: 'added' | 'ceased' | 'reactivated' | 'renamed'}
  superseded: {before: RequestRecord; by: string}[]
}

export function buildReviewState(requests: RequestRecord[], subscribers: Subscriber[]): ReviewState {
  const requestIndex = new Map<string, number>()
  const pendingByPhone = new Map<string, Set<string>>()
  for (const [i, r] of requests.entries()) {
    requestIndex.set(r.id, i)
    if (r.status === 'pending' && r.phone !== null) addPending(pendingByPhone, r.phone, r.id)
  }

  const subscriberIndex = new Map<string, number>()
  for (const [i, s] of subscribers.entries()) subscriberIndex.set(s.phone, i)
  return {
    pendingByPhone, requestIndex, requests, subscriberIndex, subscribers,
  }
}

function addPending(map: Map<string, Set<string>>, phone: string, id: string): void {
  const set = map.get(phone)
  if (set) set.add(id)
  else map.set(phone, new Set([id]))
}

/** Earlier pending requests from the same phone, for the clerk's view. */
export function otherRequestsOf(state: ReviewState, request: RequestRecord): RequestRecord[] {
  if (request.phone === null) return []
  const ids = state.pendingByPhone.get(request.phone) ?? new Set()
  return [...ids].filter(id => id !== request.id).map(id => state.requests[state.requestIndex.get(id)!])
}

export function findPending(state: ReviewState, id: string): RequestRecord {
  const at = state.requestIndex.get(id)
  if (at === undefined) throw new CervenoError('UNKNOWN_REQUEST', {id})
  const r = state.requests[at]
  if (r.status !== 'pending') throw new CervenoError('ALREADY_DECIDED', {id, status: r.status})
  return r
}

/** The citizen's standing, for the clerk and for OFF requests from non-subscribers. */
export function subscriberFor(state: ReviewState, phone: null | string): Subscriber | undefined {
  if (phone === null) return undefined
  const at = state.subscriberIndex.get(phone)
  return at === undefined ? undefined : state.subscribers[at]
}

/** Corrects name and/or phone of a pending request before deciding it. */
export function correctRequest(state: ReviewState, id: string, fix: {name?: string; phone?: string}): {after: RequestRecord; before: RequestRecord} {
  const before = findPending(state, id)
  const after: RequestRecord = {...before}
  if (fix.name !== undefined) after.name = normalizeName(fix.name)
  if (fix.phone !== undefined) {
    if (before.phone !== null) state.pendingByPhone.get(before.phone)?.delete(id)
    after.phone = fix.phone
    after.phoneSource = 'clerk'
    addPending(state.pendingByPhone, fix.phone, id)
  }

  state.requests[state.requestIndex.get(id)!] = after
  return {after, before}
}

/**
 * Applies one decision: ON approved → active (new, reactivated, or renamed when already active);
 * OFF approved → ceased; an OFF from someone not active cannot be approved (offer discard).
 * Deciding a request settles older pending requests of the same phone. Mutates state.
 */
export function applyDecision(state: ReviewState, decision: Decision, ctx: DecisionContext): DecisionEffect {
  const before = findPending(state, decision.id)
  const at = state.requestIndex.get(decision.id)!
  let subscriber: DecisionEffect['subscriber']
  const decided = {decidedAt: ctx.now, decidedBy: ctx.operator}
  let after: RequestRecord
  switch (decision.kind) {
  case 'approve': {
    if (before.phone === null) throw new CervenoError('PHONE_REQUIRED', {id: before.id})
    if (before.action === 'ON') {
      // A name edited by hand into richieste.csv is checked like one typed: iscritti.csv never stores a formula.
      const checked = before.name === null ? null : checkName(before.name)
      if (!checked?.ok) throw new CervenoError('NAME_INVALID', {id: before.id, max: NAME_MAX_CHARS, problem: checked?.problem ?? 'empty'})
      const r = activate(
        state.subscribers,
        state.subscriberIndex,
        {
          consent: 'message', name: checked.name, now: ctx.now, operator: ctx.operator, phone: before.phone, privacyNotice: ctx.privacyNotice, requestId: before.id,
        },
        {allowRename: true},
      )
      subscriber = {after: r.after, before: r.before, kind: r.kind}
    } else {
      const r = cease(state.subscribers, state.subscriberIndex, {
        now: ctx.now, operator: ctx.operator, phone: before.phone, requestId: before.id,
      })
      subscriber = {after: r.after, before: r.before, kind: 'ceased'}
    }

    after = {...before, ...decided, status: 'approved'}
    break
  }

  case 'discard': {
    after = {...before, ...decided, status: 'discarded'}
    break
  }

  case 'reject': {
    // Typed by the clerk, stored in richieste.csv and exported: cleaned like any stored field.
    const reason = storedField(decision.reason).trim()
    if (reason === '') throw new CervenoError('USAGE', {detail: 'reason'})
    after = {
      ...before, ...decided, reason, status: 'rejected',
    }
    break
  }
  }

  state.requests[at] = after
  // Older pending requests of the same phone are settled by this decision.
  const superseded: DecisionEffect['superseded'] = []
  if (before.phone !== null) {
    const pending = state.pendingByPhone.get(before.phone)!
    pending.delete(before.id)
    const when = Date.parse(before.receivedAt)
    for (const id of pending) {
      const i = state.requestIndex.get(id)!
      if (Date.parse(state.requests[i].receivedAt) > when) continue
      pending.delete(id)
      superseded.push({before: state.requests[i], by: before.id})
      state.requests[i] = {
        ...state.requests[i], ...decided, reason: before.id, status: 'superseded',
      }
    }
  }

  return {
    decision, request: {after, before}, subscriber, superseded,
  }
}

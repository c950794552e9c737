import {CervenoError} from '../errors.js'
import {checkName, NAME_MAX_CHARS} from '../safe-text.js'
import {type Subscriber, type SubscriberStatus} from './types.js'

/**
 * Trims and collapses whitespace and removes control characters; otherwise the name stays exactly as typed.
 * NAME_INVALID when it is empty, too long or starts like a formula (safe-text.ts checkName).
 */
export function normalizeName(raw: string): string {
  const checked = checkName(raw)
  if (!checked.ok) throw new CervenoError('NAME_INVALID', {max: NAME_MAX_CHARS, problem: checked.problem})
  return checked.name
}

export function indexByPhone(list: readonly Subscriber[]): Map<string, number> {
  const index = new Map<string, number>()
  for (const [i, s] of list.entries()) index.set(s.phone, i)
  return index
}

export interface Activation {
  consent: Subscriber['consent']
  name: string
  now: string
  operator: string
  phone: string
  privacyNotice: string
  requestId?: string
}

export type ActivationResult
  = | {after: Subscriber; before: Subscriber; kind: 'reactivated' | 'renamed'}
    | {after: Subscriber; before: undefined; kind: 'added'}

/**
 * What activating a citizen does to their row: new, reactivated after cessation (subscription date and consent
 * renewed), or, when already active, a name update. `before` is their current row, if any.
 */
export function activation(before: Subscriber | undefined, a: Activation, opts: {allowRename: boolean}): ActivationResult {
  const fresh: Subscriber = {
    approvedBy: a.operator,
    consent: a.consent,
    name: a.name,
    phone: a.phone,
    privacyNotice: a.privacyNotice,
    requestId: a.requestId,
    status: 'active',
    subscribedAt: a.now,
    updatedAt: a.now,
  }
  if (before === undefined) return {after: fresh, before: undefined, kind: 'added'}
  if (before.status === 'active') {
    if (!opts.allowRename) throw new CervenoError('ALREADY_ACTIVE', {phone: a.phone})
    const after = {
      ...before, name: a.name, requestId: a.requestId ?? before.requestId, updatedAt: a.now,
    }
    return {after, before, kind: 'renamed'}
  }

  return {after: {...annotations(before), ...fresh}, before, kind: 'reactivated'}
}

/** What other layers attached to a row under symbols (the CSV's columns added by the clerk): kept when it is remade. */
function annotations(row: object): Record<symbol, unknown> {
  return Object.fromEntries(Object.getOwnPropertySymbols(row).map(k => [k, (row as Record<symbol, unknown>)[k]]))
}

/** activation() applied to `list` in place, keeping `index` true. */
export function activate(
  list: Subscriber[],
  index: Map<string, number>,
  a: Activation,
  opts: {allowRename: boolean},
): ActivationResult {
  const at = index.get(a.phone)
  const result = activation(at === undefined ? undefined : list[at], a, opts)
  if (at === undefined) {
    index.set(a.phone, list.length)
    list.push(result.after)
  } else {
    list[at] = result.after
  }

  return result
}

/** Marks an active citizen ceased (never deletes: erasure is a privacy command). */
export function cease(
  list: Subscriber[],
  index: Map<string, number>,
  c: {now: string; operator: string; phone: string; requestId?: string},
): {after: Subscriber; before: Subscriber} {
  const at = index.get(c.phone)
  if (at === undefined || list[at].status !== 'active') throw new CervenoError('NOT_SUBSCRIBED', {phone: c.phone})
  const before = list[at]
  const after: Subscriber = {
    ...before, ceasedAt: c.now, ceasedBy: c.operator, status: 'ceased', updatedAt: c.now,
  }
  if (c.requestId) after.requestId = c.requestId
  list[at] = after
  return {after, before}
}

export interface SubscriberFilter {
  search?: string
  status: 'all' | SubscriberStatus
}

export const fold = (s: string) => s.normalize('NFD').replaceAll(/\p{M}/gu, '').toLowerCase()

/** Case- and accent-insensitive search on name and phone digits. */
export function filterSubscribers(list: readonly Subscriber[], f: SubscriberFilter): Subscriber[] {
  const needle = f.search ? fold(f.search.trim()) : ''
  const digits = f.search ? f.search.replaceAll(/\D/g, '') : ''
  return list.filter(s => {
    if (f.status !== 'all' && s.status !== f.status) return false
    if (!needle) return true
    return fold(s.name).includes(needle) || (digits.length >= 3 && s.phone.includes(digits))
  })
}

export function countByStatus(list: readonly Subscriber[]): Record<SubscriberStatus, number> {
  const counts: Record<SubscriberStatus, number> = {active: 0, ceased: 0}
  for (const s of list) counts[s.status]++
  return counts
}

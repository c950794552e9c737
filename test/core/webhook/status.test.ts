import fc from 'fast-check'
import {strict as assert} from 'node:assert'

import {
  type DeliveryState, foldStatuses, mergeStatus, type StatusEvent, trackedStatus,
} from '../../../src/core/webhook/index.js'

const W = 'wamid.HBgMMzkzNDcxMTUwMjAxFQIAERgSQUFBQUFBQUFBQUFBAA=='
const at = (hms: string): string => `2026-03-16T${hms}+01:00`

function ev(status: string, time: null | string, more: Partial<StatusEvent> = {}): StatusEvent {
  return {
    at: time, errors: [], recipientId: '393471150201', recipientUserId: null, status, wamid: W, ...more,
  }
}

const undeliverable = [{code: 131_026, details: 'Message Undeliverable.', title: 'Message undeliverable'}]

function fold(events: StatusEvent[]): DeliveryState | undefined {
  let state: DeliveryState | undefined
  for (const e of events) state = mergeStatus(state, e)
  return state
}

describe('mergeStatus', () => {
  it('starts a state from the first event', () => {
    assert.deepEqual(mergeStatus(undefined, ev('sent', at('08:00:03'))), {
      errorCode: null,
      errors: [],
      recipientId: '393471150201',
      seen: {sent: at('08:00:03')},
      status: 'sent',
      wamid: W,
    })
  })

  it('moves forward sent → delivered → read, keeping each first time', () => {
    const s = fold([ev('sent', at('08:00:03')), ev('delivered', at('08:00:41')), ev('read', at('08:12:09'))])
    assert.equal(s?.status, 'read')
    assert.deepEqual(s?.seen, {delivered: at('08:00:41'), read: at('08:12:09'), sent: at('08:00:03')})
  })

  it('returns the same state for a duplicate', () => {
    const s = fold([ev('sent', at('08:00:03')), ev('delivered', at('08:00:41'))])!
    assert.equal(mergeStatus(s, ev('delivered', at('08:00:41'))), s)
    assert.equal(mergeStatus(s, ev('sent', at('08:00:03'))), s)
  })

  it('never moves back on an older event arriving late', () => {
    const s = fold([ev('sent', at('08:00:03')), ev('read', at('08:12:09'))])!
    const late = mergeStatus(s, ev('delivered', at('08:00:41')))
    assert.equal(late.status, 'read')
    // its time is still worth keeping: the receipt says when the phone got it
    assert.equal(late.seen.delivered, at('08:00:41'))
    assert.equal(mergeStatus(late, ev('delivered', at('08:00:41'))), late)
  })

  it('keeps the earliest time when the same status is reported twice with different times', () => {
    const s = fold([ev('delivered', at('08:05:00')), ev('delivered', at('08:00:41'))])
    assert.equal(s?.seen.delivered, at('08:00:41'))
    const later = fold([ev('delivered', at('08:00:41')), ev('delivered', at('08:05:00'))])
    assert.equal(later?.seen.delivered, at('08:00:41'))
  })

  it('compares instants, not strings, across offsets', () => {
    // The autumn fold: 02:30+02:00 is 00:30Z, 02:10+01:00 is 01:10Z. As text the second sorts first.
    const summer = '2026-10-25T02:30:00+02:00'
    const winter = '2026-10-25T02:10:00+01:00'
    assert.equal(fold([ev('read', winter), ev('read', summer)])?.seen.read, summer)
    assert.equal(fold([ev('read', summer), ev('read', winter)])?.seen.read, summer)
  })

  it('makes failed terminal, with its error code', () => {
    const s = fold([ev('sent', at('08:00:04')), ev('failed', at('08:00:06'), {errors: undeliverable}), ev('delivered', at('08:31:50')), ev('read', at('08:40:00'))])
    assert.equal(s?.status, 'failed')
    assert.equal(s?.errorCode, 131_026)
    assert.deepEqual(s?.errors, undeliverable)
  })

  it('fails over a read message too (failed is the furthest state)', () => {
    const s = fold([ev('read', at('08:12:09')), ev('failed', at('08:13:00'), {errors: undeliverable})])
    assert.equal(s?.status, 'failed')
  })

  it('keeps the first failure when another one arrives', () => {
    const other = [{code: 131_049, details: 'ecosystem', title: 'Not delivered'}]
    const s = fold([ev('failed', at('08:00:06'), {errors: undeliverable}), ev('failed', at('08:00:07'), {errors: other})])
    assert.equal(s?.errorCode, 131_026)
  })

  it('takes a failed event without errors[] with a null code', () => {
    assert.equal(fold([ev('failed', at('08:00:06'))])?.errorCode, null)
  })

  it('counts played (a voice note) as read', () => {
    const s = fold([ev('delivered', at('08:00:05')), ev('played', at('08:31:50'))])
    assert.equal(s?.status, 'read')
    assert.deepEqual(s?.seen, {delivered: at('08:00:05'), read: at('08:31:50')})
    assert.equal(trackedStatus('PLAYED'), 'read')
  })

  it('keeps an unknown status only until a known one arrives, and ignores it afterwards', () => {
    const s = mergeStatus(undefined, ev('warning', at('08:00:05')))
    assert.equal(s.status, 'warning')
    assert.deepEqual(s.seen, {})
    const t = mergeStatus(s, ev('sent', at('08:00:04')))
    assert.equal(t.status, 'sent')
    assert.equal(mergeStatus(t, ev('deleted', at('09:00:00'))), t)
  })

  it('ignores an event of another message', () => {
    const s = mergeStatus(undefined, ev('sent', at('08:00:03')))
    assert.equal(mergeStatus(s, {...ev('read', at('08:10:00')), wamid: 'wamid.other'}), s)
  })

  it('fills a time that was unknown, and a missing recipient', () => {
    const s = mergeStatus(undefined, ev('sent', null, {recipientId: null}))
    assert.deepEqual(s.seen, {sent: null})
    const t = mergeStatus(s, ev('sent', at('08:00:03')))
    assert.deepEqual(t.seen, {sent: at('08:00:03')})
    assert.equal(t.recipientId, '393471150201')
    assert.equal(mergeStatus(t, ev('sent', null)), t)
  })

  it('does not change the state it was given', () => {
    const s = mergeStatus(undefined, ev('sent', at('08:00:03')))
    const copy = structuredClone(s)
    mergeStatus(s, ev('read', at('08:12:09')))
    mergeStatus(s, ev('failed', at('08:12:09'), {errors: undeliverable}))
    assert.deepEqual(s, copy)
  })

  it('folds many messages by wamid', () => {
    const states = foldStatuses([ev('sent', at('08:00:00')), {...ev('read', at('08:01:00')), wamid: 'w2'}, ev('delivered', at('08:00:30'))])
    assert.equal(states.size, 2)
    assert.equal(states.get(W)?.status, 'delivered')
    assert.equal(states.get('w2')?.status, 'read')
  })

  const RANK: Record<string, number> = {
    delivered: 2, failed: 4, played: 3, read: 3, sent: 1,
  }
  const statusArb = fc.constantFrom('sent', 'delivered', 'read', 'played', 'failed', 'warning')
  const eventArb = fc.record({
    minute: fc.option(fc.integer({max: 59, min: 0}), {nil: null}),
    status: statusArb,
  })

  it('ends in the same status and times whatever the order and the duplicates (property)', () => {
    const specsArb = fc.array(eventArb, {maxLength: 12, minLength: 1})
    const withOrder = specsArb.chain(specs =>
      fc.tuple(fc.constant(specs), fc.shuffledSubarray([...specs.keys()], {maxLength: specs.length, minLength: specs.length})))
    fc.assert(fc.property(withOrder, ([specs, order]) => {
      const events = specs.map(s =>
        ev(s.status, s.minute === null ? null : at(`08:${String(s.minute).padStart(2, '0')}:00`), s.status === 'failed' ? {errors: undeliverable} : {}))
      const a = fold(events)!
      const b = fold(order.map(i => events[i]))!
      const c = fold(events.flatMap(e => [e, e]))!
      assert.deepEqual(c, a)
      if (events.some(e => RANK[e.status] !== undefined)) {
        assert.equal(RANK[a.status], Math.max(...events.map(e => RANK[e.status] ?? 0)))
        assert.equal(b.status, a.status)
        assert.deepEqual(b.seen, a.seen)
        assert.equal(b.errorCode, a.errorCode)
      }
    }))
  })
})

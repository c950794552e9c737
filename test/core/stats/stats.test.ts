import {strict as assert} from 'node:assert'

import {type Subscriber} from '../../../src/core/registry/types.js'
import {type RequestRecord} from '../../../src/core/requests/types.js'
import {bar} from '../../../src/core/stats/chart.js'
import {computeStats, monthlyCounts} from '../../../src/core/stats/stats.js'

const sub = (phone: string, subscribedAt: string, ceasedAt?: string): Subscriber => ({
  approvedBy: 'x', ceasedAt, consent: 'message', name: phone, phone, privacyNotice: '2021-12-21', status: ceasedAt ? 'ceased' : 'active', subscribedAt, updatedAt: subscribedAt,
})
const req = (id: string, status: RequestRecord['status'], receivedAt: string): RequestRecord => ({
  action: 'ON', id, importedAt: receivedAt, name: null, phone: null, rawText: '', receivedAt, source: 's', status,
})

describe('stats', () => {
  const now = new Date('2026-03-15T12:00:00+01:00')

  it('counts by status, the oldest pending request and its age in days', () => {
    const s = computeStats({
      now,
      requests: [req('a', 'pending', '2026-03-10T09:00:00+01:00'), req('b', 'pending', '2026-03-12T09:00:00+01:00'), req('c', 'approved', '2026-01-01T09:00:00+01:00'), req('d', 'rejected', '2026-01-01T09:00:00+01:00')],
      subscribers: [sub('+1', '2026-01-05T10:00:00+01:00'), sub('+2', '2025-06-05T10:00:00+02:00', '2026-02-01T10:00:00+01:00')],
    })
    assert.deepEqual(s.subscribers, {active: 1, ceased: 1, total: 2})
    assert.deepEqual(s.requests, {
      approved: 1, discarded: 0, pending: 2, rejected: 1, superseded: 0, total: 4,
    })
    assert.deepEqual(s.pending, {
      count: 2, oldestAgeDays: 5, oldestId: 'a', oldestReceivedAt: '2026-03-10T09:00:00+01:00',
    })
  })

  it('12 months, oldest first, in Rome time; the same event from registry and audit counts once', () => {
    const months = monthlyCounts(
      [
        {at: '2026-03-01T00:30:00+01:00', kind: 'subscribe', phone: '+1'},
        {at: '2026-02-28T23:30:00Z', kind: 'subscribe', phone: '+1'},
        {at: '2025-04-30T23:00:00Z', kind: 'cease', phone: '+2'},
        {at: '2025-03-31T21:00:00Z', kind: 'cease', phone: '+3'},
        {at: '2025-01-01T10:00:00+01:00', kind: 'subscribe', phone: '+4'},
      ],
      now,
    )
    assert.equal(months.length, 12)
    assert.equal(months[0].month, '2025-04')
    assert.equal(months[11].month, '2026-03')
    assert.deepEqual(months[11], {cessations: 0, month: '2026-03', subscriptions: 1})
    assert.deepEqual(months[1], {cessations: 1, month: '2025-05', subscriptions: 0})
    assert.equal(months.reduce((n, m) => n + m.subscriptions + m.cessations, 0), 2)
  })

  it('delivery rate = delivered / recipients', () => {
    const s = computeStats({
      broadcasts: [{
        delivered: 2, failed: 1, id: 'r', read: 1, recipients: 3, sent: 2, startedAt: 'x',
      }], now, requests: [], subscribers: [],
    })
    assert.equal(s.broadcasts[0].deliveryRate, 0.667)
  })

  it('bars scale to the largest value and never hide a non-zero one', () => {
    assert.equal(bar(10, 10, 30).length, 30)
    assert.equal(bar(1, 1000, 30).length, 1)
    assert.equal(bar(0, 10, 30), '')
  })
})

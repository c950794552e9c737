import {strict as assert} from 'node:assert'

import {
  personRecords, personTarget, planPurge, retentionCutoff,
} from '../../../src/core/privacy/target.js'
import {type Subscriber} from '../../../src/core/registry/types.js'
import {type RequestRecord} from '../../../src/core/requests/types.js'

const sub = (phone: string, status: 'active' | 'ceased', ceasedAt?: string): Subscriber => ({
  approvedBy: 'x', ceasedAt, consent: 'message', name: `N ${phone}`, phone, privacyNotice: '2021-12-21', status, subscribedAt: '2020-01-01T10:00:00+01:00', updatedAt: '2020-01-01T10:00:00+01:00',
})
const req = (id: string, phone: null | string, status: RequestRecord['status'], at: string, extra: Partial<RequestRecord> = {}): RequestRecord => ({
  action: 'ON', decidedAt: status === 'pending' ? undefined : at, id, importedAt: at, name: `R ${id}`, phone, rawText: 'Servizio Info ON', receivedAt: at, source: `wamid.${id}`, status, ...extra,
})

describe('privacy targets', () => {
  it('a person: registry row, own requests and those from the same user id before the number was known', () => {
    const reqs = [req('a1', '+39a', 'approved', '2024-01-01T10:00:00+01:00', {userId: 'IT.u1'}), req('a0', null, 'superseded', '2023-01-01T10:00:00+01:00', {userId: 'IT.u1'}), req('b1', '+39b', 'pending', '2024-01-01T10:00:00+01:00')]
    const p = personRecords('+39a', [sub('+39a', 'active'), sub('+39b', 'active')], reqs)
    assert.deepEqual(p.requests.map(r => r.id), ['a1', 'a0'])
    const t = personTarget(p)
    assert.deepEqual(t.phones, ['+39a'])
    assert.deepEqual(new Set(t.ids), new Set(['a0', 'a1', 'IT.u1', 'wamid.a0', 'wamid.a1']))
    assert.ok(t.names.includes('N +39a'))
  })

  it('retention: ceased and closed requests older than the cutoff go; active, pending and recent stay', () => {
    const now = new Date('2026-03-15T12:00:00+01:00')
    const cutoff = retentionCutoff(now, 24)
    assert.equal(cutoff.toISOString(), '2024-03-15T11:00:00.000Z')
    const old = '2023-05-01T10:00:00+02:00'
    const recent = '2025-05-01T10:00:00+02:00'
    const subs = [sub('+39old', 'ceased', old), sub('+39recent', 'ceased', recent), sub('+39active', 'active'), sub('+39asking', 'ceased', old)]
    const reqs = [
      req('r1', '+39active', 'rejected', old),
      req('r2', '+39active', 'approved', old),
      req('r3', '+39asking', 'pending', recent),
      req('r4', '+39stranger', 'discarded', old),
      req('r5', '+39stranger2', 'rejected', old),
      req('r6', '+39stranger2', 'rejected', recent),
      req('r7', '+39old', 'approved', old),
      req('r8', null, 'superseded', old),
    ]
    const plan = planPurge(subs, reqs, cutoff)
    assert.deepEqual(plan.citizens.map(c => c.phone), ['+39old'])
    assert.deepEqual(plan.numbers, ['+39stranger'])
    assert.deepEqual(plan.requests.map(r => r.id).sort(), ['r1', 'r4', 'r5', 'r7', 'r8'])
    assert.deepEqual(plan.singleRequests.map(r => r.id).sort(), ['r1', 'r5', 'r8'])
  })
})

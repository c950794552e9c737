import {strict as assert} from 'node:assert'

import {selectRequests, selectSubscribers} from '../../../src/core/export/select.js'
import {dayStamp, parseDay} from '../../../src/core/export/since.js'
import {type Subscriber} from '../../../src/core/registry/types.js'
import {type RequestRecord} from '../../../src/core/requests/types.js'

describe('export filters', () => {
  it('accepts 2025-03-14 and 14/03/2025 as the start of that day in Rome', () => {
    const iso = parseDay('2025-03-14')!.toISOString()
    assert.equal(iso, '2025-03-13T23:00:00.000Z')
    for (const v of ['14/03/2025', '14-03-2025', '14.03.2025', ' 14/3/2025 ']) assert.equal(parseDay(v)?.toISOString(), iso, v)
    assert.equal(parseDay('2025-07-01')!.toISOString(), '2025-06-30T22:00:00.000Z')
  })

  it('refuses what is not a day', () => {
    for (const v of ['31/02/2025', '2025-13-01', '03/14/2025', 'ieri', '', '2025-03']) assert.equal(parseDay(v), null, v)
  })

  it('names files by the day in Rome', () => {
    assert.equal(dayStamp(new Date('2025-03-13T23:30:00Z')), '2025-03-14')
  })

  it('--since keeps rows with any date on or after the day; --status is checked per table', () => {
    const sub = (phone: string, subscribedAt: string, ceasedAt?: string): Subscriber => ({
      approvedBy: 'x', ceasedAt, consent: 'message', name: phone, phone, privacyNotice: '2021-12-21', status: ceasedAt ? 'ceased' : 'active', subscribedAt, updatedAt: subscribedAt,
    })
    const list = [sub('+39a', '2025-01-10T10:00:00+01:00'), sub('+39b', '2025-01-10T10:00:00+01:00', '2025-03-20T10:00:00+01:00'), sub('+39c', '2025-03-14T00:00:00+01:00')]
    const since = parseDay('14/03/2025')!
    assert.deepEqual(selectSubscribers(list, {since}).map(s => s.phone), ['+39b', '+39c'])
    assert.deepEqual(selectSubscribers(list, {status: 'ceased'}).map(s => s.phone), ['+39b'])
    assert.throws(() => selectSubscribers(list, {status: 'approved'}), {code: 'EXPORT_OPTION_INVALID'})
    const req = (id: string, receivedAt: string, status: RequestRecord['status']): RequestRecord => ({
      action: 'ON', id, importedAt: receivedAt, name: null, phone: null, rawText: '', receivedAt, source: 's', status,
    })
    const reqs = [req('b', '2025-03-15T10:00:00+01:00', 'pending'), req('a', '2025-03-01T10:00:00+01:00', 'rejected')]
    assert.deepEqual(selectRequests(reqs, {}).map(r => r.id), ['a', 'b'])
    assert.deepEqual(selectRequests(reqs, {since}).map(r => r.id), ['b'])
    assert.deepEqual(selectRequests(reqs, {status: 'rejected'}).map(r => r.id), ['a'])
    assert.throws(() => selectRequests(reqs, {status: 'active'}), {code: 'EXPORT_OPTION_INVALID'})
  })
})

import {strict as assert} from 'node:assert'

import {
  dedupeByWamid, dedupeStatuses, inboundKey, SeenKeys, statusKey,
} from '../../../src/core/webhook/index.js'

describe('webhook dedupe', () => {
  it('keeps the first inbound message of each wamid, in order', () => {
    const items = [
      {n: 1, wamid: 'wamid.A'},
      {n: 2, wamid: 'wamid.B'},
      {n: 3, wamid: 'wamid.A'},
      {n: 4, wamid: null},
      {n: 5, wamid: null},
    ]
    assert.deepEqual(dedupeByWamid(items).map(i => i.n), [1, 2, 4, 5])
  })

  it('dedupes statuses by (wamid, status), not by wamid alone', () => {
    const events = [
      {n: 1, status: 'sent', wamid: 'wamid.A'},
      {n: 2, status: 'delivered', wamid: 'wamid.A'},
      {n: 3, status: 'sent', wamid: 'wamid.A'},
      {n: 4, status: 'sent', wamid: 'wamid.B'},
      {n: 5, status: 'SENT', wamid: 'wamid.A'},
    ]
    assert.deepEqual(dedupeStatuses(events).map(e => e.n), [1, 2, 4])
  })

  it('shares one SeenKeys across calls (payloads, files)', () => {
    const seen = new SeenKeys()
    assert.equal(dedupeByWamid([{wamid: 'wamid.A'}], seen).length, 1)
    assert.equal(dedupeByWamid([{wamid: 'wamid.A'}, {wamid: 'wamid.C'}], seen).length, 1)
    assert.equal(seen.size, 2)
  })

  it('keeps message keys and status keys apart', () => {
    assert.notEqual(inboundKey('wamid.A'), statusKey({status: '', wamid: 'wamid.A'}))
    assert.notEqual(statusKey({status: 'b\u0000c', wamid: 'a'}), statusKey({status: 'c', wamid: 'a\u0000b'}))
  })
})

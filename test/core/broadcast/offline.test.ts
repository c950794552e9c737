import {strict as assert} from 'node:assert'

import {ConnectionWatch, isConnectionFailure, isTlsFailure} from '../../../src/core/broadcast/offline.js'

describe('core/broadcast/offline: "no connection to WhatsApp"', () => {
  it('connection failures are refused, DNS, unreachable, timeouts and TLS; answers from Meta are not', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'ECONNRESET', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID']) {
      assert.ok(isConnectionFailure({kind: 'network', transportCode: code}), code)
    }

    assert.ok(isConnectionFailure({kind: 'timeout', transportCode: 'ECONNABORTED'}))
    assert.ok(!isConnectionFailure({kind: 'response'}))
    assert.ok(!isConnectionFailure({kind: 'aborted', transportCode: 'ERR_CANCELED'}))
    assert.ok(!isConnectionFailure({kind: 'network', transportCode: 'ERR_BAD_REQUEST'}))
    assert.ok(isTlsFailure('DEPTH_ZERO_SELF_SIGNED_CERT'))
    assert.ok(!isTlsFailure('ECONNREFUSED'))
    assert.ok(!isTlsFailure())
  })

  it('stops after three failures in a row with no recent success; a recent success means the network works', () => {
    const w = new ConnectionWatch({failures: 3, recentSuccessMs: 30_000})
    assert.deepEqual([w.failure(0, 'ECONNREFUSED'), w.failure(10, 'ECONNREFUSED'), w.failure(20, 'ECONNREFUSED')], [false, false, true])
    assert.equal(w.code, 'ECONNREFUSED')

    const flaky = new ConnectionWatch({failures: 3, recentSuccessMs: 30_000})
    flaky.success(1000)
    assert.deepEqual([flaky.failure(2000, 'ECONNRESET'), flaky.failure(3000, 'ECONNRESET'), flaky.failure(4000, 'ECONNRESET')], [false, false, false])
    // Long after the last success, the run of failures counts.
    assert.equal(flaky.failure(40_000, 'ECONNRESET'), true)
    flaky.success(41_000)
    assert.equal(flaky.failure(100_000, 'ETIMEDOUT'), false, 'a success resets the count')
  })
})

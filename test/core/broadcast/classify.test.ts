import {strict as assert} from 'node:assert'

import {
  classifyApiError,
  classifyTransportError,
  type ErrorClass,
  type FatalHint,
  KNOWN_ERROR_CODES,
  parseRetryAfter,
} from '../../../src/core/broadcast/index.js'

// cloud-api.md §3.3, as the brief splits it. [code, class, fatal hint, typical HTTP status]
const TABLE: Array<[number, ErrorClass, FatalHint | undefined, number]> = [
  [4, 'throttle', undefined, 400],
  [80_007, 'throttle', undefined, 400],
  [130_429, 'throttle', undefined, 400],
  [131_056, 'pair-throttle', undefined, 400],
  [131_000, 'retry', undefined, 500],
  [131_016, 'retry', undefined, 503],
  [133_004, 'retry', undefined, 503],
  [2, 'retry', undefined, 503],
  [131_057, 'retry', undefined, 400],
  [1, 'retry', undefined, 400],
  [131_026, 'permanent', undefined, 400],
  [131_049, 'permanent', undefined, 400],
  [131_050, 'permanent', undefined, 400],
  [130_472, 'permanent', undefined, 400],
  [131_047, 'permanent', undefined, 400],
  [131_021, 'permanent', undefined, 400],
  [131_030, 'permanent', undefined, 400],
  [130_497, 'permanent', undefined, 400],
  [0, 'fatal', 'token', 401],
  [190, 'fatal', 'token', 401],
  [3, 'fatal', 'permissions', 500],
  [10, 'fatal', 'permissions', 403],
  [200, 'fatal', 'permissions', 403],
  [250, 'fatal', 'permissions', 403],
  [299, 'fatal', 'permissions', 403],
  [131_048, 'fatal', 'account', 400],
  [131_051, 'fatal', 'payload', 400],
  [132_000, 'fatal', 'template', 400],
  [132_001, 'fatal', 'template', 404],
  [132_005, 'fatal', 'template', 400],
  [132_007, 'fatal', 'template', 400],
  [132_012, 'fatal', 'template', 400],
  [132_015, 'fatal', 'template', 400],
  [132_016, 'fatal', 'template', 400],
  [131_064, 'fatal', 'account', 400],
  [100, 'fatal', 'payload', 400],
  [131_008, 'fatal', 'payload', 400],
  [368, 'fatal', 'account', 403],
  [131_031, 'fatal', 'account', 403],
  [131_042, 'fatal', 'payment', 400],
  [131_045, 'fatal', 'registration', 400],
  [133_010, 'fatal', 'registration', 400],
]

describe('broadcast/classify', () => {
  describe('by Graph error code', () => {
    for (const [code, expected, hint, httpStatus] of TABLE) {
      it(`${code} → ${expected}${hint ? ` (${hint})` : ''}`, () => {
        for (const status of [httpStatus, undefined]) {
          const result = classifyApiError({code, httpStatus: status})
          assert.equal(result.class, expected, `HTTP ${status}`)
          assert.equal(result.fatalHint, hint)
        }
      })
    }

    it('the code wins over the HTTP status', () => {
      assert.equal(classifyApiError({code: 131_026, httpStatus: 500}).class, 'permanent')
      assert.equal(classifyApiError({code: 190, httpStatus: 400}).class, 'fatal')
      assert.equal(classifyApiError({code: 131_056, httpStatus: 429}).class, 'pair-throttle')
    })

    it('every code of the table is known', () => {
      for (const [code] of TABLE) assert.ok(KNOWN_ERROR_CODES.includes(code), String(code))
      assert.ok(KNOWN_ERROR_CODES.includes(131_009))
    })

    it('code 1 is retried only a little, 131000 a few times, 131057 after a minute', () => {
      assert.equal(classifyApiError({code: 1}).maxRetries, 2)
      assert.equal(classifyApiError({code: 131_000}).maxRetries, 3)
      assert.ok(classifyApiError({code: 131_057}).minWaitMs! >= 60_000)
      assert.ok(classifyApiError({code: 131_056}).minWaitMs! >= 6000)
      assert.ok(classifyApiError({code: 4}).minWaitMs! >= 60_000)
    })

    it('131009 is permanent only when the details blame the number', () => {
      const blamed = [
        'The recipient phone number is not valid.',
        "Invalid parameter 'to'",
        'wa_id is not valid',
        'Recipient is not a valid WhatsApp user',
      ]
      for (const details of blamed) {
        assert.equal(classifyApiError({code: 131_009, details, httpStatus: 400}).class, 'permanent', details)
      }

      const notBlamed = ['Parameter value is not valid', 'Unable to process the template header image', undefined]
      for (const details of notBlamed) {
        const result = classifyApiError({code: 131_009, details, httpStatus: 400})
        assert.equal(result.class, 'fatal', String(details))
        assert.equal(result.fatalHint, 'payload')
      }
    })

    it('100 with subcode 33 points at the endpoint (wrong phone number id)', () => {
      assert.deepEqual(classifyApiError({code: 100, httpStatus: 400, subcode: 33}), {
        class: 'fatal',
        fatalHint: 'endpoint',
        rule: 'code:100:33',
      })
    })

    it('names the matched rule', () => {
      assert.equal(classifyApiError({code: 131_026, httpStatus: 400}).rule, 'code:131026')
      assert.equal(classifyApiError({code: 250}).rule, 'code:200-299')
    })
  })

  describe('by HTTP status when the code is missing or unknown', () => {
    it('any 429 is a global throttle', () => {
      assert.equal(classifyApiError({httpStatus: 429}).class, 'throttle')
      assert.equal(classifyApiError({code: 987_654, httpStatus: 429}).class, 'throttle')
    })

    it('5xx without a code is retried', () => {
      for (const httpStatus of [500, 502, 503]) {
        assert.equal(classifyApiError({httpStatus}).class, 'retry', String(httpStatus))
      }
    })

    it('504 without a code is uncertain: the origin may have processed it', () => {
      assert.equal(classifyApiError({httpStatus: 504}).class, 'uncertain')
    })

    it('unknown 4xx is fatal', () => {
      assert.deepEqual(classifyApiError({code: 987_654, httpStatus: 400}), {
        class: 'fatal',
        fatalHint: 'unknown',
        rule: 'http:4xx:unknown-code',
      })
      assert.equal(classifyApiError({httpStatus: 401}).fatalHint, 'token')
      assert.equal(classifyApiError({httpStatus: 403}).fatalHint, 'permissions')
      assert.equal(classifyApiError({httpStatus: 404}).fatalHint, 'endpoint')
      assert.equal(classifyApiError({httpStatus: 302}).fatalHint, 'endpoint')
      assert.equal(classifyApiError({httpStatus: 418}).class, 'fatal')
    })

    it('an unknown asynchronous code (no HTTP status) is fatal, unknown', () => {
      assert.deepEqual(classifyApiError({code: 987_654}), {class: 'fatal', fatalHint: 'unknown', rule: 'unknown-code'})
      assert.equal(classifyApiError({}).class, 'fatal')
    })
  })

  describe('transport failures', () => {
    it('after the body may have reached the server: uncertain, never retried blindly', () => {
      const result = classifyTransportError({bodyMayHaveReachedServer: true})
      assert.equal(result.class, 'uncertain')
      assert.equal(result.maxRetries, undefined)
    })

    it('before sending (connection refused): retry', () => {
      assert.equal(classifyTransportError({bodyMayHaveReachedServer: false}).class, 'retry')
    })
  })

  describe('parseRetryAfter', () => {
    const now = Date.parse('2026-03-01T10:00:00Z')

    it('reads delta seconds', () => {
      assert.equal(parseRetryAfter('2', now), 2000)
      assert.equal(parseRetryAfter(' 0 ', now), 0)
      assert.equal(parseRetryAfter('1.5', now), 1500)
    })

    it('reads an HTTP date relative to now', () => {
      assert.equal(parseRetryAfter('Sun, 01 Mar 2026 10:00:30 GMT', now), 30_000)
      assert.equal(parseRetryAfter('Sun, 01 Mar 2026 09:00:00 GMT', now), 0)
    })

    it('ignores garbage and caps at one hour', () => {
      assert.equal(parseRetryAfter(undefined, now), undefined)
      assert.equal(parseRetryAfter('', now), undefined)
      assert.equal(parseRetryAfter('soon', now), undefined)
      assert.equal(parseRetryAfter('-5', now), undefined)
      assert.equal(parseRetryAfter('999999', now), 3_600_000)
    })
  })
})

/**
 * What a Cloud API failure means for a broadcast run (cloud-api.md §3.3, §7.4). Table-driven: branch on the
 * Graph error code first (Meta: don't build logic on HTTP statuses), fall back on the HTTP status.
 */

export type ErrorClass
  /** Stop the run: every further send would fail the same way. */
  = | 'fatal'
  /** Too many messages to this recipient; retry it later, others unaffected. */
    | 'pair-throttle'
  /** Not delivered to this recipient (or undeliverable): record, do not retry in this run. */
    | 'permanent'
  /** Rejected, so nothing was sent; retry this recipient later (limited attempts). */
    | 'retry'
  /** Rejected, so nothing was sent; slow the whole run down (or pause) and retry later. */
    | 'throttle'
  /** The request may have reached Meta: never resend blindly, reconcile with status webhooks. */
    | 'uncertain'

/** Why a run was stopped, one key per family; the CLI maps each to an Italian explanation. */
export type FatalHint
  = | 'account'
    | 'endpoint'
    | 'payload'
    | 'payment'
    | 'permissions'
    | 'registration'
    | 'template'
    | 'token'
    | 'unknown'

export interface ErrorClassification {
  class: ErrorClass
  /** Only for class 'fatal'. */
  fatalHint?: FatalHint
  /** For 'retry': how many retries this cause deserves at most (the engine may use fewer). */
  maxRetries?: number
  /** Shortest sensible wait before the next attempt (or, for 'throttle', before any send). */
  minWaitMs?: number
  /** Which table row matched, e.g. 'code:131026', 'http:429', 'transport:after-send'. Stable, for journals. */
  rule: string
}

export interface ApiErrorFacts {
  /** Graph `error.code` (or `errors[].code` of a failed status webhook). */
  code?: number
  /** `error.error_data.details`. */
  details?: string
  /** Absent for webhook (asynchronous) errors. */
  httpStatus?: number
  subcode?: number
}

type Row = Omit<ErrorClassification, 'rule'>

const throttle = (minWaitMs: number): Row => ({class: 'throttle', minWaitMs})
const retry = (maxRetries: number, minWaitMs = 1000): Row => ({class: 'retry', maxRetries, minWaitMs})
const permanent: Row = {class: 'permanent'}
const fatal = (fatalHint: FatalHint): Row => ({class: 'fatal', fatalHint})

/** cloud-api.md §3.3, grouped by what the run does. */
const TABLE: Array<[codes: number[], row: Row]> = [
  // Global slow-down: app / WABA call limits (minutes), throughput (seconds).
  [[4, 80_007], throttle(60_000)],
  [[130_429], throttle(1000)],
  // Pair rate limit: Meta asks for >= 6 s, then 4^X s.
  [[131_056], {class: 'pair-throttle', minWaitMs: 6000}],
  // Transient on Meta's side: the request was rejected, so nothing was sent.
  [[131_000], retry(3)],
  [[131_016, 133_004, 2], retry(5, 5000)],
  [[131_057], retry(3, 60_000)],
  [[1], retry(2)],
  // Permanent for this recipient.
  [[131_026, 131_049, 131_050, 130_472, 131_047, 131_021, 131_030, 130_497], permanent],
  // Fatal: would hit every recipient.
  [[0, 190], fatal('token')],
  [[3, 10], fatal('permissions')],
  [[131_048, 368, 131_031, 131_064], fatal('account')],
  [[131_051, 100, 131_008], fatal('payload')],
  [[132_000, 132_001, 132_005, 132_007, 132_012, 132_015, 132_016], fatal('template')],
  [[131_042], fatal('payment')],
  [[131_045, 133_010], fatal('registration')],
]

const BY_CODE = new Map<number, Row>(TABLE.flatMap(([codes, row]) => codes.map(code => [code, row] as const)))

/** Every Graph code the table knows (for tests and documentation). */
export const KNOWN_ERROR_CODES: readonly number[] = [...BY_CODE.keys(), 131_009, ...range(200, 299)]

function range(from: number, to: number): number[] {
  return Array.from({length: to - from + 1}, (_, i) => from + i)
}

// 131009 covers bad phone numbers too: only then is it this recipient's problem.
const BLAMES_NUMBER = /phone|recipient|wa_?id|['"`]to['"`]|\bto\b (?:field|parameter)|\b(?:field|parameter) ['"`]?to\b/i

/** Classifies an error answer of the Cloud API (synchronous) or a `failed` status's error (asynchronous). */
export function classifyApiError(facts: ApiErrorFacts): ErrorClassification {
  return byCode(facts) ?? byStatus(facts)
}

function byCode({code, details, subcode}: ApiErrorFacts): ErrorClassification | undefined {
  if (code === undefined) return undefined
  // "Object with ID … does not exist": a wrong phone number id, or a token that cannot see it.
  if (code === 100 && subcode === 33) return withRule(fatal('endpoint'), 'code:100:33')
  const row = BY_CODE.get(code)
  if (row) return withRule(row, `code:${code}`)
  if (code >= 200 && code <= 299) return withRule(fatal('permissions'), 'code:200-299')
  if (code === 131_009) {
    return details !== undefined && BLAMES_NUMBER.test(details)
      ? withRule(permanent, 'code:131009:number')
      : withRule(fatal('payload'), 'code:131009')
  }

  return undefined
}

/** Unknown or missing code: the HTTP status is all there is. */
function byStatus({code, httpStatus}: ApiErrorFacts): ErrorClassification {
  const suffix = code === undefined ? '' : ':unknown-code'
  if (httpStatus === undefined) return withRule(fatal('unknown'), code === undefined ? 'unknown' : 'unknown-code')
  if (httpStatus === 429) return withRule(throttle(1000), 'http:429')
  // A gateway timeout says nothing about whether the origin processed the request.
  if (httpStatus === 504 && code === undefined) return {class: 'uncertain', rule: 'http:504'}
  if (httpStatus >= 500) return withRule(retry(3), `http:5xx${suffix}`)
  if (httpStatus === 401) return withRule(fatal('token'), `http:401${suffix}`)
  if (httpStatus === 403) return withRule(fatal('permissions'), `http:403${suffix}`)
  if (httpStatus === 404 && code === undefined) return withRule(fatal('endpoint'), 'http:404')
  if (httpStatus >= 300 && httpStatus < 400) return withRule(fatal('endpoint'), 'http:3xx')
  return withRule(fatal('unknown'), `http:${httpStatus >= 400 ? '4xx' : httpStatus}${suffix}`)
}

/**
 * A request that got no HTTP answer. Only a failure before the body could reach the server
 * (connection refused, DNS, body not fully written) is safe to retry; anything later is 'uncertain'.
 */
export function classifyTransportError(facts: {bodyMayHaveReachedServer: boolean}): ErrorClassification {
  return facts.bodyMayHaveReachedServer
    ? {class: 'uncertain', rule: 'transport:after-send'}
    : withRule(retry(5, 2000), 'transport:before-send')
}

function withRule(row: Row, rule: string): ErrorClassification {
  return {...row, rule}
}

/**
 * Parses a Retry-After header (delta seconds or an HTTP date) into milliseconds from `nowMs`.
 * Returns undefined when absent or unreadable; never negative; capped at one hour.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  if (text === '') return undefined
  let ms: number
  if (/^\d+(?:\.\d+)?$/.test(text)) {
    ms = Number(text) * 1000
  } else {
    // Only an HTTP date (it names a weekday or month); Date.parse would read '-5' as a year.
    if (!/[a-z]{3}/i.test(text)) return undefined
    const at = Date.parse(text)
    if (Number.isNaN(at)) return undefined
    ms = at - nowMs
  }

  return Math.min(Math.max(0, Math.round(ms)), 3_600_000)
}

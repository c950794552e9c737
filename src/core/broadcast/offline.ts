/**
 * "No connection to WhatsApp": requests that fail before any answer for reasons of the network (refused,
 * DNS, unreachable, timeout, TLS) while nothing has succeeded recently. Then every further request fails the
 * same way, and retrying each recipient for minutes only looks frozen: the run stops, resumable, instead.
 */

const CONNECTION_CODES = new Set([
  'EADDRNOTAVAIL',
  'EAI_AGAIN',
  'ECONNABORTED',
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'ENETDOWN',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'EPROTO',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
])

/** TLS failures: Node's certificate codes and OpenSSL's ERR_SSL_… / ERR_TLS_…. */
const TLS = /^(?:ERR_SSL_|ERR_TLS_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_)/

/** A failed TLS handshake: the request body was never decrypted by the server, so it was not sent. */
export function isTlsFailure(transportCode?: string): boolean {
  return transportCode !== undefined && TLS.test(transportCode)
}

export interface TransportFacts {
  kind: string
  transportCode?: string
}

/** A failure of the connection itself (no HTTP answer), as opposed to an answer from Meta. */
export function isConnectionFailure(f: TransportFacts): boolean {
  if (f.kind !== 'network' && f.kind !== 'timeout') return false
  if (f.kind === 'timeout') return true
  return f.transportCode !== undefined && (CONNECTION_CODES.has(f.transportCode) || isTlsFailure(f.transportCode))
}

export const OFFLINE = {
  /** Connection failures in a row (no success between) that stop the run. */
  failures: 3,
  /** A success more recent than this means the network works: failures are retried as usual. */
  recentSuccessMs: 30_000,
} as const

/** Counts connection failures since the last success; says when the run should stop. Time is passed in. */
export class ConnectionWatch {
  private lastCode: string | undefined
  private lastSuccessMs: number | undefined
  private run = 0

  constructor(private readonly limits: {failures: number; recentSuccessMs: number} = OFFLINE) {}

  get code(): string | undefined {
    return this.lastCode
  }

  /** A connection failure; true when the run should stop now. */
  failure(nowMs: number, code: string | undefined): boolean {
    this.run++
    this.lastCode = code ?? this.lastCode
    const recent = this.lastSuccessMs !== undefined && nowMs - this.lastSuccessMs < this.limits.recentSuccessMs
    return this.run >= this.limits.failures && !recent
  }

  success(nowMs: number): void {
    this.run = 0
    this.lastSuccessMs = nowMs
  }
}

/**
 * The Cloud API webhook receiver (DESIGN §9, cloud-api.md §5.4-5.5): verify, append, sync, answer.
 * - GET PATH: the subscription handshake (hub.mode, hub.verify_token, hub.challenge), no signature asked.
 * - POST PATH: X-Hub-Signature-256 = sha256=HMAC-SHA256(app secret, raw body bytes), compared in constant time
 *   over the bytes as received (Meta signs its own escaped-unicode serialisation: never re-serialise). Then the
 *   body must be a JSON object; it is appended to the inbox as it came (line breaks, which JSON only allows
 *   between tokens, become spaces) and 200 goes out once the line is synced.
 * - GET /healthz: counts only. Other paths 404, other methods 405.
 * Nothing a request carries is ever logged.
 */
import {isUtf8} from 'node:buffer'
import {createHash, createHmac, timingSafeEqual} from 'node:crypto'
import http from 'node:http'
import {type AddressInfo} from 'node:net'

import {CervenoError} from '../core/errors.js'
import {type InboxWriter} from './inbox-writer.js'

export const MAX_BODY_BYTES = 3 * 1024 * 1024

export type RejectReason = 'method' | 'notFound' | 'notJson' | 'signature' | 'tooLarge' | 'verify'

export interface ReceiverStats {
  /** Payloads that could not be written (500: Meta retries them). */
  failed: number
  inboxBytes: number
  lastReceivedAt: null | string
  received: number
  rejected: Record<RejectReason, number>
  startedAt: string
  /** fdatasync calls: below `received` when concurrent requests share a sync. */
  syncs: number
  verified: number
}

export interface WebhookServerOptions {
  appSecret: string
  /** Whole-request deadline (headers and body), ms. */
  bodyTimeoutMs?: number
  headersTimeoutMs?: number
  host: string
  inbox: InboxWriter
  maxBodyBytes?: number
  /** Told the errno code of a failed write (never anything from the request). */
  onWriteError?: (code: string) => void
  path: string
  port: number
  verifyToken: string
}

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i

const digest = (s: string) => createHash('sha256').update(s).digest()

/** Constant-time equality of two secrets of any length (digests are compared, so lengths do not leak). */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b))
}

function isJsonObject(body: Buffer): boolean {
  if (!isUtf8(body)) return false
  try {
    const value: unknown = JSON.parse(body.toString('utf8'))
    return typeof value === 'object' && value !== null && !Array.isArray(value)
  } catch {
    return false
  }
}

/** The body as one line: JSON allows CR and LF only as whitespace between tokens, so spaces do the same. */
function asLine(body: Buffer): Buffer {
  if (!body.includes(0x0A) && !body.includes(0x0D)) return body
  const line = Buffer.from(body)
  for (let i = 0; i < line.length; i++) if (line[i] === 0x0A || line[i] === 0x0D) line[i] = 0x20
  return line
}

export class WebhookServer {
  readonly stats: ReceiverStats
  private readonly key: Buffer
  private readonly maxBody: number
  private readonly server: http.Server
  private stopping = false

  constructor(private readonly options: WebhookServerOptions) {
    this.key = Buffer.from(options.appSecret, 'utf8')
    this.maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES
    this.stats = {
      failed: 0,
      inboxBytes: options.inbox.bytes,
      lastReceivedAt: null,
      received: 0,
      rejected: {
        method: 0, notFound: 0, notJson: 0, signature: 0, tooLarge: 0, verify: 0,
      },
      startedAt: new Date().toISOString(),
      syncs: 0,
      verified: 0,
    }
    const requestTimeout = options.bodyTimeoutMs ?? 30_000
    this.server = http.createServer({
      connectionsCheckingInterval: Math.min(1000, requestTimeout),
      headersTimeout: Math.min(options.headersTimeoutMs ?? 10_000, requestTimeout),
      keepAliveTimeout: 5000,
      requestTimeout,
    }, (req, res) => this.handle(req, res))
  }

  /** Listens; resolves with the address really bound (port 0 picks a free one). PORT_UNAVAILABLE when it cannot. */
  async listen(): Promise<{host: string; port: number}> {
    const {host, port} = this.options
    await new Promise<void>((resolve, reject) => {
      const failed = (error: NodeJS.ErrnoException) => reject(new CervenoError('PORT_UNAVAILABLE', {host, port, reason: error.code ?? 'EIO'}))
      this.server.once('error', failed)
      this.server.listen(port, host, () => {
        this.server.off('error', failed)
        resolve()
      })
    })
    const address = this.server.address() as AddressInfo
    return {host: address.address, port: address.port}
  }

  /** Stops accepting, lets the requests in flight be answered (after their sync), then resolves. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true
    const closed = new Promise<void>(resolve => {
      this.server.close(() => resolve())
    })
    const idle = setInterval(() => this.server.closeIdleConnections(), 25)
    const force = setTimeout(() => this.server.closeAllConnections(), graceMs)
    this.server.closeIdleConnections()
    try {
      await closed
    } finally {
      clearInterval(idle)
      clearTimeout(force)
    }
  }

  private answer(res: http.ServerResponse, status: number, body = '', type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}): void {
    if (this.stopping) res.setHeader('Connection', 'close')
    res.writeHead(status, {'Content-Length': Buffer.byteLength(body), 'Content-Type': type, ...extra})
    res.end(body)
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const pathname = q === -1 ? url : url.slice(0, q)
    if (pathname === this.options.path) {
      if (req.method === 'POST') this.receive(req, res)
      else if (req.method === 'GET') this.handshake(q === -1 ? '' : url.slice(q + 1), res)
      else this.reject(res, 'method', 405, {Allow: 'GET, POST'})
    } else if (pathname === '/healthz') {
      if (req.method === 'GET') this.answer(res, 200, JSON.stringify(this.stats), 'application/json')
      else this.reject(res, 'method', 405, {Allow: 'GET'})
    } else {
      this.reject(res, 'notFound', 404)
    }
  }

  private handshake(query: string, res: http.ServerResponse): void {
    const params = new URLSearchParams(query)
    const challenge = params.get('hub.challenge')
    const ok = params.get('hub.mode') === 'subscribe' && challenge !== null
      && sameSecret(params.get('hub.verify_token') ?? '', this.options.verifyToken)
    if (!ok) {
      this.reject(res, 'verify', 403)
      return
    }

    this.stats.verified++
    this.answer(res, 200, challenge)
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse): void {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > this.maxBody) {
      this.tooLarge(req, res)
      return
    }

    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (chunk: Buffer) => {
      if (over) return
      size += chunk.length
      if (size > this.maxBody) {
        over = true
        chunks.length = 0
        this.tooLarge(req, res)
      } else chunks.push(chunk)
    })
    req.on('error', () => {}) // an aborted upload: nothing stored, nothing to answer
    req.on('end', () => {
      if (!over) this.store(req, res, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size))
    })
  }

  private reject(res: http.ServerResponse, reason: RejectReason, status: number, extra: Record<string, string> = {}): void {
    this.stats.rejected[reason]++
    this.answer(res, status, '', undefined, extra)
  }

  /** Whether the signature header is the HMAC of these exact bytes. */
  private signedBy(header: string | string[] | undefined, body: Buffer): boolean {
    const match = typeof header === 'string' ? SIGNATURE.exec(header.trim()) : null
    if (match === null) return false
    const expected = createHmac('sha256', this.key).update(body).digest()
    return timingSafeEqual(Buffer.from(match[1], 'hex'), expected)
  }

  private store(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
    if (!this.signedBy(req.headers['x-hub-signature-256'], body)) {
      this.reject(res, 'signature', 401)
      return
    }

    if (!isJsonObject(body)) {
      this.reject(res, 'notJson', 400)
      return
    }

    const at = new Date()
    this.options.inbox.append(asLine(body), at).then(() => {
      this.stats.received++
      this.stats.lastReceivedAt = at.toISOString()
      this.stats.inboxBytes = this.options.inbox.bytes
      this.stats.syncs = this.options.inbox.syncs
      this.answer(res, 200, 'EVENT_RECEIVED')
    }, (error: NodeJS.ErrnoException) => {
      this.stats.failed++
      this.options.onWriteError?.(String(error.code ?? 'EIO'))
      this.answer(res, 500)
    })
  }

  private tooLarge(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.stats.rejected.tooLarge++
    // The rest of the body is read and dropped (the request timeout bounds it), then 413, and the connection is not
    // reused. Answered before the body is in, the socket closes under a client still writing (EPIPE, no answer).
    res.setHeader('Connection', 'close')
    if (req.complete) this.answer(res, 413)
    else req.once('end', () => this.answer(res, 413))
    req.resume()
  }
}

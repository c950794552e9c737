/**
 * The WhatsApp Cloud API client: one POST per message, keep-alive sockets, errors classified for the
 * broadcast engine. Axios errors carry the request config (and so the Authorization header): none of them
 * leaves this module; callers only ever see a WhatsAppApiError built from safe fields.
 */
import type {AxiosInstance, AxiosResponse} from 'axios'

import http from 'node:http'
import https from 'node:https'

import {
  classifyApiError,
  classifyTransportError,
  type ErrorClass,
  type ErrorClassification,
  type FatalHint,
  parseRetryAfter,
} from '../core/broadcast/classify.js'
import {isTlsFailure} from '../core/broadcast/offline.js'
import {type OutgoingMessage} from '../core/broadcast/payload.js'
import {CervenoError} from '../core/errors.js'

export interface CloudApiClientOptions {
  /** e.g. https://graph.facebook.com; plain http only for a loopback host (tests). */
  baseUrl: string
  /** Simultaneous connections per host. Default 64. */
  maxSockets?: number
  /** Numeric id of the business phone number (not the number itself). */
  phoneNumberId: string
  /** Until the response headers arrive. Default 20000. */
  timeoutMs?: number
  token: string
  /** Graph API version such as v24.0. */
  version: string
}

export interface SendResult {
  /** What Meta echoed as `contacts[0].input`. */
  input: string
  /** Template pacing: accepted, held_for_quality_assessment, paused (template sends only). */
  messageStatus?: string
  /** May differ from the number sent; match webhooks on it. */
  waId: string
  /** Store it with the wa_id: status webhooks carry it as statuses[].id. */
  wamid: string
}

export interface CloudApiClient {
  /** Destroys the keep-alive sockets (in-flight requests fail). */
  close(): void
  /** Reads the business number's fields (`GET /{phone-number-id}?fields=…`, cloud-api.md §9.1). */
  getPhoneNumber(fields: readonly string[]): Promise<Record<string, unknown>>
  /**
   * Reads the definitions of the templates called `name`, one per language, as Meta returns them
   * (`GET /{waba-id}/message_templates?name=…&fields=…`, cloud-api.md §9.2); the caller validates each one.
   */
  getTemplates(wabaId: string, name: string): Promise<unknown[]>
  send(body: OutgoingMessage, options?: {signal?: AbortSignal}): Promise<SendResult>
  /** POST /{phone-number-id}/media (multipart, cloud-api.md §9.3): the id to put in a media header. */
  uploadMedia(file: MediaUpload, options?: {signal?: AbortSignal}): Promise<{id: string}>
  /** The messages endpoint, without credentials. */
  readonly url: string
  /** Loads the HTTP library now (it is loaded lazily), so that the first paced sends are not held back. */
  warmUp(): Promise<void>
}

export interface MediaUpload {
  bytes: Uint8Array
  /** The file's base name (a document keeps it for the citizen). */
  fileName: string
  mime: string
}

/** A media upload may take a while: up to 100 MB. */
const UPLOAD_TIMEOUT_MS = 600_000
const UPLOAD_MAX_BYTES = 110 * 1024 * 1024

/** How a request failed: an HTTP answer, no answer in time, a connection problem, or the caller's abort. */
export type ApiErrorKind = 'aborted' | 'network' | 'response' | 'timeout'

interface ApiErrorFields {
  /** False only when the request provably never reached the server (then a retry cannot duplicate). */
  bodyMayHaveReachedServer: boolean
  classification: ErrorClassification
  code?: number
  details?: string
  fbtraceId?: string
  httpStatus?: number
  kind: ApiErrorKind
  retryAfterMs?: number
  subcode?: number
  /** Meta's `error.message`, e.g. "(#131026) Message undeliverable". */
  title?: string
  /** ECONNRESET, ECONNREFUSED, ETIMEDOUT … for transport failures. */
  transportCode?: string
}

/** Holds only safe fields by construction: no request, no headers, no cause. */
export class WhatsAppApiError extends Error {
  readonly bodyMayHaveReachedServer: boolean
  readonly class: ErrorClass
  declare readonly code?: number
  declare readonly details?: string
  declare readonly fatalHint?: FatalHint
  declare readonly fbtraceId?: string
  declare readonly httpStatus?: number
  readonly kind: ApiErrorKind
  declare readonly maxRetries?: number
  declare readonly minWaitMs?: number
  declare readonly retryAfterMs?: number
  /** The classification rule that matched (stable, for journals). */
  readonly rule: string
  declare readonly subcode?: number
  declare readonly title?: string
  declare readonly transportCode?: string

  constructor(fields: ApiErrorFields) {
    super(describe(fields))
    this.name = 'WhatsAppApiError'
    this.kind = fields.kind
    this.class = fields.classification.class
    this.rule = fields.classification.rule
    this.bodyMayHaveReachedServer = fields.bodyMayHaveReachedServer
    const optional = {
      code: fields.code,
      details: fields.details,
      fatalHint: fields.classification.fatalHint,
      fbtraceId: fields.fbtraceId,
      httpStatus: fields.httpStatus,
      maxRetries: fields.classification.maxRetries,
      minWaitMs: fields.classification.minWaitMs,
      retryAfterMs: fields.retryAfterMs,
      subcode: fields.subcode,
      title: fields.title,
      transportCode: fields.transportCode,
    }
    for (const [key, value] of Object.entries(optional)) {
      if (value !== undefined) Object.defineProperty(this, key, {enumerable: true, value})
    }
  }

  /** Plain data for --json output and journals. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {message: this.message, name: this.name}
    for (const [key, value] of Object.entries(this)) if (value !== undefined) out[key] = value
    return out
  }
}

export function isWhatsAppApiError(error: unknown): error is WhatsAppApiError {
  return error instanceof WhatsAppApiError
}

function describe(f: ApiErrorFields): string {
  const parts = [`WhatsApp Cloud API ${f.kind} error`]
  if (f.code !== undefined) parts.push(`code ${f.code}`)
  if (f.httpStatus !== undefined) parts.push(`HTTP ${f.httpStatus}`)
  if (f.transportCode !== undefined) parts.push(f.transportCode)
  parts.push(`class ${f.classification.class}`)
  const head = parts.join(', ')
  const text = [f.title, f.details].filter(Boolean).join(' - ')
  return text === '' ? head : `${head}: ${text}`
}

const REDACTED = '[REDACTED]'

/** Removes the token (raw and URL-encoded) and anything shaped like a bearer token or access_token parameter. */
export function redactSecrets(text: string, ...secrets: Array<string | undefined>): string {
  let out = text
  for (const secret of secrets) {
    if (!secret) continue
    out = out.split(secret).join(REDACTED)
    const encoded = encodeURIComponent(secret)
    if (encoded !== secret) out = out.split(encoded).join(REDACTED)
  }

  return out
  .replaceAll(/(bearer\s+)[^\s"',;]+/gi, `$1${REDACTED}`)
  .replaceAll(/(access_token=)[^&\s"',;]+/gi, `$1${REDACTED}`)
}

// Failures before the connection exists: the request cannot have been sent.
const BEFORE_CONNECT = new Set([
  'EADDRNOTAVAIL',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
])

const TEMPLATE_FIELDS = 'name,status,category,language,components,parameter_format'

const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost'])
const IDLE_SOCKET_MS = 4000

/** Checks the configuration and prepares the agents; axios itself is loaded on the first send. */
export function createCloudApiClient(options: CloudApiClientOptions): CloudApiClient {
  const {token} = options
  const url = messagesUrl(options)
  // eslint-disable-next-line no-control-regex -- a token with control characters is a paste error
  if (token.trim() === '' || /[\s\u0000-\u001F\u007F]/.test(token)) {
    throw new CervenoError('CONFIG_INVALID', {key: 'WHATSAPP_TOKEN', problem: 'format'})
  }

  const loopback = LOOPBACK.has(new URL(url).hostname)
  const maxSockets = options.maxSockets ?? 64
  // Idle sockets are closed before a server's usual 5 s keep-alive timeout: reusing one the server is closing
  // fails with ECONNRESET after the body was written, an uncertain outcome. (Node only honours the server's
  // Keep-Alive hint when the agent has a timeout of its own.)
  const agentOptions = {
    keepAlive: true, maxFreeSockets: maxSockets, maxSockets, scheduling: 'lifo' as const, timeout: IDLE_SOCKET_MS,
  }
  const httpAgent = new http.Agent(agentOptions)
  const httpsAgent = new https.Agent(agentOptions)
  let instance: Promise<AxiosInstance> | undefined

  const load = async (): Promise<AxiosInstance> => {
    const {default: axios} = await import('axios')
    return axios.create({
      decompress: true,
      headers: {Accept: 'application/json', 'Content-Type': 'application/json', 'User-Agent': 'cerveno-info'},
      httpAgent,
      httpsAgent,
      maxBodyLength: 1_000_000,
      maxContentLength: 1_000_000,
      // No redirect is ever followed: the token must go nowhere but the configured host.
      maxRedirects: 0,
      // A loopback test server must not be reached through an environment proxy.
      ...(loopback ? {proxy: false as const} : {}),
      responseType: 'text',
      timeout: options.timeoutMs ?? 20_000,
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
      transitional: {clarifyTimeoutError: true},
      validateStatus: () => true,
    })
  }

  const loaded = (): Promise<AxiosInstance> => {
    instance ??= load().catch((error: unknown) => {
      instance = undefined
      throw error
    })
    return instance
  }

  // Reads only: GET, no body, the same error type as sends (a read is never retried by itself).
  const root = url.replace(/\/[^/]+\/messages$/, '')
  const read = async (target: string, query: Record<string, string>): Promise<unknown> => {
    let response: AxiosResponse<string>
    try {
      const client = await loaded()
      response = await client.get<string>(`${target}?${new URLSearchParams(query).toString()}`, {
        headers: {Authorization: `Bearer ${token}`},
      })
    } catch (error) {
      throw transportError(error, token)
    }

    if (response.status >= 200 && response.status < 300) return parseJson(response.data)
    throw responseError(response, token)
  }

  return {
    close() {
      httpAgent.destroy()
      httpsAgent.destroy()
    },
    async getPhoneNumber(fields) {
      const json = await read(`${root}/${options.phoneNumberId}`, {fields: fields.join(',')})
      return obj(json) ?? {}
    },
    async getTemplates(wabaId, name) {
      if (!/^\d{1,30}$/.test(wabaId)) throw new CervenoError('CONFIG_INVALID', {key: 'WHATSAPP_BUSINESS_ACCOUNT_ID', problem: 'format'})
      const json = await read(`${root}/${wabaId}/message_templates`, {fields: TEMPLATE_FIELDS, limit: '100', name})
      const data = obj(json)?.data
      return Array.isArray(data) ? data : []
    },
    async send(body, sendOptions = {}) {
      let response: AxiosResponse<string>
      try {
        const client = await loaded()
        response = await client.post<string>(url, JSON.stringify(body), {
          headers: {Authorization: `Bearer ${token}`},
          signal: sendOptions.signal,
        })
      } catch (error) {
        throw transportError(error, token)
      }

      return interpret(response, token)
    },
    async uploadMedia(file, uploadOptions = {}) {
      // Global in Node 20 without a flag (marked stable in 21); axios streams it with its boundary.
      // eslint-disable-next-line n/no-unsupported-features/node-builtins
      const form = new FormData()
      form.append('messaging_product', 'whatsapp')
      form.append('type', file.mime)
      form.append('file', new Blob([file.bytes], {type: file.mime}), file.fileName)
      let response: AxiosResponse<string>
      try {
        const client = await loaded()
        response = await client.post<string>(url.replace(/\/messages$/, '/media'), form, {
          // The adapter sets multipart/form-data with its boundary for a FormData body.
          headers: {Authorization: `Bearer ${token}`, 'Content-Type': null},
          maxBodyLength: UPLOAD_MAX_BYTES,
          signal: uploadOptions.signal,
          timeout: UPLOAD_TIMEOUT_MS,
        })
      } catch (error) {
        throw transportError(error, token)
      }

      return interpretUpload(response, token)
    },
    url,
    async warmUp() {
      await loaded()
    },
  }
}

function messagesUrl({baseUrl, phoneNumberId, version}: CloudApiClientOptions): string {
  let base: URL
  try {
    base = new URL(baseUrl)
  } catch {
    throw new CervenoError('CONFIG_INVALID', {key: 'WHATSAPP_API_URL', problem: 'format'})
  }

  if (base.username || base.password || base.search || base.hash || !/^https?:$/.test(base.protocol)) {
    throw new CervenoError('CONFIG_INVALID', {key: 'WHATSAPP_API_URL', problem: 'format'})
  }

  // The token travels in a header: never in clear text over the network.
  if (base.protocol === 'http:' && !LOOPBACK.has(base.hostname)) {
    throw new CervenoError('CONFIG_INVALID', {key: 'WHATSAPP_API_URL', problem: 'insecure'})
  }

  if (!/^v\d+\.\d+$/.test(version)) {
    throw new CervenoError('CONFIG_INVALID', {key: 'WHATSAPP_API_VERSION', problem: 'format'})
  }

  if (!/^\d{1,30}$/.test(phoneNumberId)) {
    throw new CervenoError('CONFIG_INVALID', {key: 'WHATSAPP_PHONE_NUMBER_ID', problem: 'format'})
  }

  return `${base.origin}${base.pathname.replace(/\/+$/, '')}/${version}/${phoneNumberId}/messages`
}

function interpretUpload(response: AxiosResponse<string>, token: string): {id: string} {
  const {status} = response
  if (status >= 200 && status < 300) {
    const id = str(obj(parseJson(response.data))?.id)
    if (id !== undefined && /^[\w.-]{1,128}$/.test(id)) return {id}
    throw new WhatsAppApiError({
      bodyMayHaveReachedServer: true,
      classification: {class: 'uncertain', rule: 'response:malformed-success'},
      details: 'upload response without a media id',
      httpStatus: status,
      kind: 'response',
    })
  }

  throw responseError(response, token)
}

function interpret(response: AxiosResponse<string>, token: string): SendResult {
  const {status} = response
  const json = parseJson(response.data)
  if (status >= 200 && status < 300) {
    const contact = at(json, 'contacts', 0)
    const message = at(json, 'messages', 0)
    const wamid = str(message?.id)
    if (wamid !== undefined) {
      const result: SendResult = {input: str(contact?.input) ?? '', waId: str(contact?.wa_id) ?? '', wamid}
      const messageStatus = str(message?.message_status)
      if (messageStatus !== undefined) result.messageStatus = messageStatus
      return result
    }

    // Accepted or not, we cannot tell: resending could duplicate the notice.
    throw new WhatsAppApiError({
      bodyMayHaveReachedServer: true,
      classification: {class: 'uncertain', rule: 'response:malformed-success'},
      details: 'success response without messages[0].id',
      httpStatus: status,
      kind: 'response',
    })
  }

  throw responseError(response, token)
}

/** The WhatsAppApiError of a non-2xx answer: Meta's code, details and trace id, never the request. */
function responseError(response: AxiosResponse<string>, token: string): WhatsAppApiError {
  const {status} = response
  const json = parseJson(response.data)
  const header = (name: string): string | undefined => {
    const value: unknown = response.headers[name]
    return typeof value === 'string' ? value : undefined
  }

  const error = obj(obj(json)?.error)
  const code = num(error?.code)
  const details = safeText(str(obj(error?.error_data)?.details), token)
  const retryAfterMs = parseRetryAfter(header('retry-after'), Date.now())
  return new WhatsAppApiError({
    bodyMayHaveReachedServer: true,
    classification: classifyApiError({
      code, details, httpStatus: status, subcode: num(error?.error_subcode),
    }),
    code,
    details,
    fbtraceId: safeText(str(error?.fbtrace_id) ?? header('x-fb-trace-id'), token),
    httpStatus: status,
    kind: 'response',
    retryAfterMs,
    subcode: num(error?.error_subcode),
    title: safeText(str(error?.message), token),
  })
}

function transportError(error: unknown, token: string): WhatsAppApiError {
  if (error instanceof WhatsAppApiError) return error
  const e = obj(error)
  const transportCode = str(e?.code)
  const request = e?.request as http.ClientRequest | undefined
  const aborted = transportCode === 'ERR_CANCELED' || e?.name === 'CanceledError'
  const timedOut = transportCode === 'ETIMEDOUT'
  // The body can only have been processed if it was completely handed to the socket.
  const bodyMayHaveReachedServer
    = request !== undefined && !BEFORE_CONNECT.has(transportCode ?? '') && !isTlsFailure(transportCode) && request.writableFinished !== false
  return new WhatsAppApiError({
    bodyMayHaveReachedServer,
    classification: classifyTransportError({bodyMayHaveReachedServer}),
    details: safeText(str(e?.message) ?? 'request failed', token),
    kind: aborted ? 'aborted' : (timedOut ? 'timeout' : 'network'),
    transportCode,
  })
}

function safeText(text: string | undefined, token: string): string | undefined {
  return text === undefined ? undefined : redactSecrets(text, token).slice(0, 1000)
}

type Json = Record<string, unknown>

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return text
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function obj(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined
}

function at(json: unknown, key: string, index: number): Json | undefined {
  const list = obj(json)?.[key]
  return Array.isArray(list) ? obj(list[index]) : undefined
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

/**
 * A stand-in for the WhatsApp Cloud API: a real HTTP server on 127.0.0.1 (port 0) that records every request
 * and answers like Meta (cloud-api.md §1, §3), with scriptable failures. It also produces the status webhooks
 * Meta would have posted for what it accepted (cloud-api.md §5.3).
 */
import {randomBytes} from 'node:crypto'
import http from 'node:http'
import {type AddressInfo, type Socket} from 'node:net'
import {performance} from 'node:perf_hooks'

import {isInvalidParameter} from '../../src/core/broadcast/payload.js'
import {FakeMediaStore, type FakeUpload, headerMismatch} from './fake-media.js'

export const FAKE_TOKEN = 'fake-token-for-tests-0001'
export const FAKE_PHONE_NUMBER_ID = '106540352242922'
export const FAKE_VERSION = 'v24.0'
export const FAKE_DISPLAY_NUMBER = '390364000000'
export const FAKE_WABA_ID = '102290129340398'

/** The number's fields as a healthy, verified number answers them (cloud-api.md §9.1). */
export const FAKE_PHONE_NUMBER_FIELDS: Readonly<Record<string, unknown>> = {
  code_verification_status: 'VERIFIED',
  display_phone_number: '+39 0364 000000',
  id: FAKE_PHONE_NUMBER_ID,
  name_status: 'APPROVED',
  quality_rating: 'GREEN',
  status: 'CONNECTED',
  throughput: {level: 'STANDARD'},
  verified_name: 'Comune di Cerveno',
  whatsapp_business_manager_messaging_limit: 'TIER_2K',
}

/** A template definition as message_templates returns it; `overrides` replace whole fields. */
export function fakeTemplate(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    category: 'UTILITY',
    components: [
      {format: 'TEXT', text: 'Comune di Cerveno', type: 'HEADER'},
      {text: 'Avviso ai cittadini iscritti: {{1}}', type: 'BODY'},
      {text: 'Servizio Info - rispondere STOP per non ricevere più avvisi', type: 'FOOTER'},
    ],
    id: '1234567890',
    language: 'it',
    name: 'avviso_servizio_info',
    parameter_format: 'POSITIONAL',
    status: 'APPROVED',
    ...overrides,
  }
}

export interface FakeResponse {
  body?: unknown
  headers?: Record<string, string>
  status: number
}

/** What a hook may decide for one request: an answer, or hanging up without one. */
export type FakeAction = 'drop' | FakeResponse

export type RequestOutcome
  = | {code?: number; kind: 'error'; status: number}
    | {kind: 'accepted'; status: 200; /** Set when a failed status webhook follows. */ undeliverableCode?: number; waId: string; wamid: string;}
    | {kind: 'custom'; status: number}
    | {kind: 'dropped'}
    | {kind: 'pending'}

export interface RecordedRequest {
  /** The Authorization header as received. */
  authorization?: string
  /** Parsed JSON, or undefined when the body was not JSON. */
  body: unknown
  /** Media uploads only: the raw multipart body (other requests keep rawBody). */
  bytes?: Buffer
  /** Which TCP connection carried it (1-based): equal numbers mean a reused keep-alive socket. */
  connection: number
  /** Media uploads only: the request's Content-Type (multipart with its boundary). */
  contentType?: string
  method: string
  /** 1-based arrival number, counting every request. */
  n: number
  outcome: RequestOutcome
  path: string
  rawBody: string
  /** Date.now() when the request headers arrived. */
  receivedAt: number
  /** performance.now() when the request headers arrived (monotonic, fractional ms). */
  receivedAtMs: number
  /** body.to without '+', when present. */
  to?: string
}

export interface FakeCloudApiOptions {
  /** Bearer tokens the server accepts. Default [FAKE_TOKEN]. */
  acceptedTokens?: string[]
  /** Hang up without answering (socket destroyed after the body was read) on these request numbers. */
  dropRequests?: number[]
  /** Runs first; a returned action replaces every other rule for that request. */
  hook?: (request: RecordedRequest, n: number) => FakeAction | undefined
  /** Delay before answering (or dropping), in ms. */
  latencyMs?: ((request: RecordedRequest, n: number) => number) | number
  /** Synchronous per-recipient rejection (HTTP 400), 131026 by default. Numbers with or without '+'. */
  permanent?: {code?: number; recipients: string[]}
  /** GET /{phone-number-id}?fields=…: the number's fields (default FAKE_PHONE_NUMBER_FIELDS); only those asked are answered. */
  phoneNumber?: Record<string, unknown>
  /** Default FAKE_PHONE_NUMBER_ID. */
  phoneNumberId?: string
  /** An error answer (e.g. graphError(401, 190, …)) instead of the read of the number or of the templates. */
  readErrors?: {phoneNumber?: FakeResponse; templates?: FakeResponse}
  /**
   * GET /{waba-id}/message_templates?name=…: the WABA's template definitions (default [fakeTemplate()]). A send
   * of one of them whose body parameters do not match its placeholders gets 132000, as Meta answers.
   */
  templateDefinitions?: Array<Record<string, unknown>>
  /** When set, other template name/language pairs get 132001. */
  templates?: Array<{language: string; name: string}>
  /** HTTP 429 + 130429 (by default) for request numbers and/or a seeded fraction of requests. */
  throttle?: {
    code?: number
    fraction?: number
    httpStatus?: number
    requests?: number[]
    /** Retry-After header value in seconds; omitted when null. Default 1. */
    retryAfterSeconds?: null | number
    seed?: number
  }
  /** After this many successes with `token` (default the first accepted), that token gets 190 / HTTP 401. */
  tokenExpiry?: {afterSuccesses: number; token?: string}
  /** 5xx (131000 → 500, 131016 → 503) for the first `attempts` (default 1) requests to each recipient. */
  transient?: {attempts?: number; code?: 131_000 | 131_016; recipients: string[]}
  /** Accepted with 200, then a failed status webhook (131026 by default) from statusWebhooksFor. */
  undeliverable?: {code?: number; recipients: string[]}
  /** Check bodies like Meta does (parameter rules, lengths). Default true. */
  validate?: boolean
  /** Default: any vNN.N. */
  version?: string
  /** Default FAKE_WABA_ID. */
  wabaId?: string
  /** The wa_id Meta reports for a `to` (default the digits themselves). */
  waIdFor?: (to: string) => string
}

export interface FakeCloudApi {
  /** Requests answered 200 with a wamid. */
  accepted(): RecordedRequest[]
  /** http://127.0.0.1:port — the WHATSAPP_API_URL for tests. */
  readonly baseUrl: string
  /** Options for createCloudApiClient pointing here (token FAKE_TOKEN unless overridden). */
  clientOptions(overrides?: {timeoutMs?: number; token?: string}): {
    baseUrl: string
    phoneNumberId: string
    timeoutMs?: number
    token: string
    version: string
  }
  /** Shuts down promptly: pending answers are abandoned, keep-alive sockets destroyed. */
  close(): Promise<void>
  /** Changes the behaviour from now on (merged into the options). */
  configure(patch: Partial<FakeCloudApiOptions>): void
  readonly port: number
  readonly requests: RecordedRequest[]
  statusWebhooks(options?: StatusWebhookOptions): WebhookEnvelope[]
  /** Media uploads accepted (POST /{phone-number-id}/media), in order. */
  readonly uploads: FakeUpload[]
}

const digits = (phone: string): string => phone.replace(/^\+/, '')

export async function startFakeCloudApi(initial: FakeCloudApiOptions = {}): Promise<FakeCloudApi> {
  let options: FakeCloudApiOptions = {...initial}
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  const connectionIds = new WeakMap<Socket, number>()
  const timers = new Set<NodeJS.Timeout>()
  const attemptsByRecipient = new Map<string, number>()
  const successesByToken = new Map<string, number>()
  let random = mulberry32(initial.throttle?.seed ?? 1)
  let counter = 0
  let closedSockets = 0
  const media = new FakeMediaStore()

  const server = http.createServer((req, res) => {
    const n = ++counter
    const receivedAt = Date.now()
    const receivedAtMs = performance.now()
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const bytes = Buffer.concat(chunks)
      const isMedia = /\/media$/.test(req.url ?? '')
      const rawBody = isMedia ? '' : bytes.toString('utf8')
      const body = parseJson(rawBody)
      const to = typeof obj(body)?.to === 'string' ? digits(obj(body)!.to as string) : undefined
      const recorded: RecordedRequest = {
        authorization: req.headers.authorization,
        body,
        ...(isMedia ? {bytes, contentType: req.headers['content-type']} : {}),
        connection: connectionIds.get(req.socket) ?? 0,
        method: req.method ?? '',
        n,
        outcome: {kind: 'pending'},
        path: req.url ?? '',
        rawBody,
        receivedAt,
        receivedAtMs,
        to,
      }
      requests.push(recorded)
      const action = decide(recorded)
      const latency = typeof options.latencyMs === 'function' ? options.latencyMs(recorded, n) : (options.latencyMs ?? 0)
      const respond = () => {
        if (action === 'drop') {
          recorded.outcome = {kind: 'dropped'}
          req.socket.destroy()
          return
        }

        const payload = JSON.stringify(action.response.body ?? {})
        recorded.outcome = action.outcome
        res.writeHead(action.response.status, {
          'Content-Length': Buffer.byteLength(payload),
          'Content-Type': 'application/json',
          ...action.response.headers,
        })
        res.end(payload)
      }

      if (latency > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer)
          respond()
        }, latency)
        timers.add(timer)
      } else {
        respond()
      }
    })
  })

  type Decision = 'drop' | {outcome: RequestOutcome; response: FakeResponse}

  function decide(request: RecordedRequest): Decision {
    const hooked = options.hook?.(request, request.n)
    if (hooked === 'drop') return 'drop'
    if (hooked) return {outcome: {kind: 'custom', status: hooked.status}, response: hooked}
    if (options.dropRequests?.includes(request.n)) return 'drop'
    if (request.method === 'GET') return read(request)

    const failure = authFailure(request) ?? (request.bytes === undefined && options.validate !== false ? invalidBody(request) : undefined)
    if (failure) return asError(failure)
    if (request.bytes !== undefined) {
      const answer = media.handle({bytes: request.bytes, contentType: request.contentType, n: request.n}, graphError)
      return answer.status === 200 ? {outcome: {kind: 'custom', status: 200}, response: answer} : asError(answer)
    }

    const {throttle} = options
    if (throttle) {
      const hit
        = throttle.requests?.includes(request.n) || (throttle.fraction !== undefined && random() < throttle.fraction)
      if (hit) {
        const retryAfter = throttle.retryAfterSeconds === undefined ? 1 : throttle.retryAfterSeconds
        const response = graphError(
          throttle.httpStatus ?? 429,
          throttle.code ?? 130_429,
          'Rate limit hit',
          'Cloud API message throughput has been reached.',
        )
        if (retryAfter !== null) response.headers = {'Retry-After': String(retryAfter)}
        return asError(response)
      }
    }

    const to = request.to!
    const {transient} = options
    if (transient?.recipients.some(r => digits(r) === to)) {
      const attempt = (attemptsByRecipient.get(to) ?? 0) + 1
      attemptsByRecipient.set(to, attempt)
      if (attempt <= (transient.attempts ?? 1)) {
        return transient.code === 131_016
          ? asError(graphError(503, 131_016, 'Service unavailable', 'A service is temporarily unavailable.'))
          : asError(graphError(500, 131_000, 'Something went wrong', 'Something went wrong.'))
      }
    }

    const {permanent} = options
    if (permanent?.recipients.some(r => digits(r) === to)) {
      const code = permanent.code ?? 131_026
      return asError(graphError(400, code, titleFor(code), detailsFor(code)))
    }

    const token = bearer(request.authorization)!
    successesByToken.set(token, (successesByToken.get(token) ?? 0) + 1)
    const wamid = `wamid.${Buffer.from(`${to}.${request.n}.${randomBytes(6).toString('hex')}`).toString('base64')}`
    const waId = options.waIdFor?.(to) ?? to
    const message: Record<string, string> = {id: wamid}
    if (obj(request.body)?.type === 'template') message.message_status = 'accepted'
    const undeliverable = options.undeliverable?.recipients.some(r => digits(r) === to)
      ? (options.undeliverable.code ?? 131_026)
      : undefined
    return {
      outcome: {
        kind: 'accepted', status: 200, undeliverableCode: undeliverable, waId, wamid,
      },
      response: {
        body: {
          contacts: [{input: obj(request.body)!.to, wa_id: waId}],
          messages: [message],
          messaging_product: 'whatsapp',
        },
        status: 200,
      },
    }
  }

  /** The reads of cloud-api.md §9: the number's fields and the WABA's templates. */
  function read(request: RecordedRequest): Decision {
    const refused = tokenFailure(request)
    if (refused) return asError(refused)
    const url = new URL(request.path, 'http://fake')
    const [, version, id, edge, extra] = url.pathname.split('/')
    const versionOk = options.version === undefined ? /^v\d+\.\d+$/.test(version ?? '') : version === options.version
    const answer = (body: unknown) => ({outcome: {kind: 'custom' as const, status: 200}, response: {body, status: 200}})
    if (versionOk && id === (options.phoneNumberId ?? FAKE_PHONE_NUMBER_ID) && edge === undefined) {
      if (options.readErrors?.phoneNumber) return asError(options.readErrors.phoneNumber)
      const fields = options.phoneNumber ?? FAKE_PHONE_NUMBER_FIELDS
      const asked = (url.searchParams.get('fields') ?? '').split(',').filter(Boolean)
      return answer(Object.fromEntries([['id', id], ...asked.filter(f => f in fields).map(f => [f, fields[f]])]))
    }

    if (versionOk && id === (options.wabaId ?? FAKE_WABA_ID) && edge === 'message_templates' && extra === undefined) {
      if (options.readErrors?.templates) return asError(options.readErrors.templates)
      const name = url.searchParams.get('name')
      const all = options.templateDefinitions ?? [fakeTemplate()]
      // Meta matches the name as a prefix filter; the tests only need "same name".
      const data = all.filter(t => name === null || t.name === name)
      return answer({data, paging: {cursors: {after: 'QVFIUa', before: 'QVFIUb'}}})
    }

    return asError(graphError(
      400,
      100,
      `Unsupported get request. Object with ID '${id ?? ''}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`,
      undefined,
      33,
      'GraphMethodException',
    ))
  }

  function tokenFailure(request: RecordedRequest): FakeResponse | undefined {
    const token = bearer(request.authorization)
    const accepted = options.acceptedTokens ?? [FAKE_TOKEN]
    if (token === undefined || !accepted.includes(token)) {
      return graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token', undefined, undefined, 'OAuthException')
    }

    return undefined
  }

  function authFailure(request: RecordedRequest): FakeResponse | undefined {
    const refused = tokenFailure(request)
    if (refused) return refused
    const token = bearer(request.authorization)!
    const accepted = options.acceptedTokens ?? [FAKE_TOKEN]

    const expiry = options.tokenExpiry
    if (expiry && token === (expiry.token ?? accepted[0]) && (successesByToken.get(token) ?? 0) >= expiry.afterSuccesses) {
      return graphError(
        401,
        190,
        'Error validating access token: Session has expired.',
        undefined,
        463,
        'OAuthException',
      )
    }

    const version = options.version === undefined ? String.raw`v\d+\.\d+` : escapeRegExp(options.version)
    const path = new RegExp(`^/${version}/${escapeRegExp(options.phoneNumberId ?? FAKE_PHONE_NUMBER_ID)}/(messages|media)$`)
    if (request.method !== 'POST' || !path.test(request.path)) {
      const id = request.path.split('/')[2] ?? ''
      return graphError(
        400,
        100,
        `Unsupported post request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`,
        undefined,
        33,
        'GraphMethodException',
      )
    }

    return undefined
  }

  function invalidBody(request: RecordedRequest): FakeResponse | undefined {
    const body = obj(request.body)
    if (!body) return graphError(400, 100, 'Invalid parameter', 'Request body is not valid JSON.')
    if (body.messaging_product !== 'whatsapp') {
      return graphError(400, 100, 'Invalid parameter', 'The parameter messaging_product is required.')
    }

    if (request.to === undefined || !/^\d{8,15}$/.test(request.to)) {
      return graphError(400, 131_009, 'Parameter value is not valid', 'The recipient phone number is not valid.')
    }

    if (body.type === 'text') {
      const text = obj(body.text)?.body
      if (typeof text !== 'string' || text.trim() === '' || text.length > 4096) {
        return graphError(400, 100, 'Invalid parameter', 'text.body must be 1 to 4096 characters.')
      }

      return undefined
    }

    if (body.type === 'template') return invalidTemplate(obj(body.template))
    return graphError(400, 131_051, 'Unsupported message type', 'Message type is not currently supported.')
  }

  function invalidTemplate(template: Json | undefined): FakeResponse | undefined {
    const name = template?.name
    const language = obj(template?.language)?.code
    if (typeof name !== 'string' || typeof language !== 'string') {
      return graphError(400, 131_008, 'Required parameter is missing', 'template.name and template.language.code are required.')
    }

    if (options.templates && !options.templates.some(t => t.name === name && t.language === language)) {
      return graphError(404, 132_001, 'Template name does not exist in the translation', `template name (${name}) does not exist in ${language}`)
    }

    const components = Array.isArray(template?.components) ? template.components : []
    const mismatch = parameterCountMismatch(name, language, components)
      ?? headerMismatch(options.templateDefinitions?.find(t => t.name === name && t.language === language), components, graphError)
    if (mismatch) return mismatch

    for (const component of components) {
      const parameters = obj(component)?.parameters
      for (const parameter of Array.isArray(parameters) ? parameters : []) {
        const type = obj(parameter)?.type
        if (type === 'image' || type === 'document') {
          const bad = media.checkParameter(obj(parameter)!, graphError)
          if (bad) return bad
          continue
        }

        const text = obj(parameter)?.text
        if (typeof text !== 'string' || isInvalidParameter(text)) {
          return graphError(
            400,
            100,
            'Invalid parameter',
            'Param text cannot have new-line/tab characters or more than 4 consecutive spaces',
          )
        }

        if (text.length > 1024) {
          return graphError(400, 132_005, 'Translated text too long', 'Translated text is too long.')
        }
      }
    }

    return undefined
  }

  /** 132000 when the body's parameters differ in number from the placeholders of a known definition. */
  function parameterCountMismatch(name: string, language: string, components: unknown[]): FakeResponse | undefined {
    const definition = options.templateDefinitions?.find(t => t.name === name && t.language === language)
    if (!definition) return undefined
    const bodyText = (definition.components as Json[]).find(c => c.type === 'BODY')?.text
    const placeholders = new Set(String(bodyText ?? '').match(/{{\s*\w+\s*}}/g) ?? []).size
    const body = components.map(c => obj(c)).find(c => c?.type === 'body')
    const sent = Array.isArray(body?.parameters) ? body.parameters.length : 0
    if (sent === placeholders) return undefined
    return graphError(400, 132_000, 'Number of parameters does not match the expected number of params', `body: number of localizable_params (${sent}) does not match the expected number of params (${placeholders})`)
  }

  server.on('connection', socket => {
    sockets.add(socket)
    connectionIds.set(socket, sockets.size + closedSockets)
    socket.on('close', () => {
      sockets.delete(socket)
      closedSockets++
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const {port} = server.address() as AddressInfo
  const baseUrl = `http://127.0.0.1:${port}`

  return {
    accepted: () => requests.filter(r => r.outcome.kind === 'accepted'),
    baseUrl,
    clientOptions: (overrides = {}) => ({
      baseUrl,
      phoneNumberId: options.phoneNumberId ?? FAKE_PHONE_NUMBER_ID,
      token: overrides.token ?? FAKE_TOKEN,
      version: options.version ?? FAKE_VERSION,
      ...(overrides.timeoutMs === undefined ? {} : {timeoutMs: overrides.timeoutMs}),
    }),
    async close() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      const closed = new Promise<void>(resolve => {
        server.close(() => resolve())
      })
      for (const socket of sockets) socket.destroy()
      await closed
    },
    configure(patch) {
      options = {...options, ...patch}
      if (patch.throttle?.seed !== undefined) random = mulberry32(patch.throttle.seed)
    },
    port,
    requests,
    statusWebhooks: webhookOptions => statusWebhooksFor(requests, webhookOptions),
    uploads: media.uploads,
  }
}

function asError(response: FakeResponse): {outcome: RequestOutcome; response: FakeResponse} {
  const code = obj(obj(response.body)?.error)?.code
  return {outcome: {code: typeof code === 'number' ? code : undefined, kind: 'error', status: response.status}, response}
}

/** The error envelope of cloud-api.md §3.1. */
export function graphError(
  status: number,
  code: number,
  title: string,
  details?: string,
  subcode?: number,
  type = 'OAuthException',
): FakeResponse {
  const error: Json = {
    code,
    fbtrace_id: `A${randomBytes(8).toString('base64url')}`,
    message: `(#${code}) ${title}`,
    type,
  }
  if (details !== undefined) error.error_data = {details, messaging_product: 'whatsapp'}
  if (subcode !== undefined) error.error_subcode = subcode
  return {body: {error}, status}
}

function titleFor(code: number): string {
  const titles: Record<number, string> = {
    130_472: "User's number is part of an experiment",
    131_026: 'Message undeliverable',
    131_049: 'This message was not delivered to maintain healthy ecosystem engagement.',
    131_050: 'User has stopped marketing messages',
  }
  return titles[code] ?? 'Message failed'
}

function detailsFor(code: number): string {
  return code === 131_026 ? 'Message Undeliverable.' : titleFor(code)
}

export interface StatusWebhookOptions {
  /** Emit `read` after `delivered` (default true). */
  read?: boolean
  /** Statuses per envelope (default 1: one POST per status). */
  statusesPerEnvelope?: number
}

export interface WebhookEnvelope {
  entry: Array<{changes: Array<{field: 'messages'; value: Json}>; id: string}>
  object: 'whatsapp_business_account'
}

/**
 * The status notifications Meta would post for the accepted requests, in time order per message: sent,
 * delivered, read; or a single failed (with errors[]) for undeliverable recipients. Timestamps are string
 * seconds a few seconds after the request; `biz_opaque_callback_data` is echoed when the request carried it.
 */
export function statusWebhooksFor(
  recorded: readonly RecordedRequest[],
  options: StatusWebhookOptions = {},
): WebhookEnvelope[] {
  const byPhoneNumberId = new Map<string, Json[]>()
  for (const request of recorded) {
    if (request.outcome.kind !== 'accepted') continue
    const {undeliverableCode, waId, wamid} = request.outcome
    const phoneNumberId = request.path.split('/')[2] ?? FAKE_PHONE_NUMBER_ID
    const base = Math.floor(request.receivedAt / 1000)
    const callback = obj(request.body)?.biz_opaque_callback_data
    const status = (name: string, offset: number, extra: Json = {}): Json => ({
      id: wamid,
      recipient_id: waId,
      status: name,
      timestamp: String(base + offset),
      ...(typeof callback === 'string' ? {biz_opaque_callback_data: callback} : {}),
      ...extra,
    })
    const list = byPhoneNumberId.get(phoneNumberId) ?? []
    byPhoneNumberId.set(phoneNumberId, list)
    if (undeliverableCode === undefined) {
      const pricing = {
        billable: true, category: 'utility', pricing_model: 'PMP', type: 'regular',
      }
      list.push(status('sent', 1, {pricing}), status('delivered', 2))
      if (options.read !== false) list.push(status('read', 3))
    } else {
      const title = titleFor(undeliverableCode)
      list.push(status('failed', 1, {
        errors: [
          {
            code: undeliverableCode,
            error_data: {details: detailsFor(undeliverableCode)},
            href: '/documentation/business-messaging/whatsapp/support/error-codes',
            message: title,
            title,
          },
        ],
      }))
    }
  }

  const size = Math.max(1, options.statusesPerEnvelope ?? 1)
  const envelopes: WebhookEnvelope[] = []
  for (const [phoneNumberId, statuses] of byPhoneNumberId) {
    for (let i = 0; i < statuses.length; i += size) {
      envelopes.push({
        entry: [
          {
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: {display_phone_number: FAKE_DISPLAY_NUMBER, phone_number_id: phoneNumberId},
                  statuses: statuses.slice(i, i + size),
                },
              },
            ],
            id: FAKE_WABA_ID,
          },
        ],
        object: 'whatsapp_business_account',
      })
    }
  }

  return envelopes
}

type Json = Record<string, unknown>

function obj(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function bearer(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer (\S+)$/)
  return match?.[1]
}

function escapeRegExp(s: string): string {
  return s.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)
}

/** Small seeded PRNG so throttled fractions are reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D_2B_79_F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

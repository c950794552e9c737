import {strict as assert} from 'node:assert'
import http from 'node:http'
import {type AddressInfo} from 'node:net'
import {inspect} from 'node:util'

import {buildTemplateMessage, buildTextMessage, classifyApiError} from '../../src/core/broadcast/index.js'
import {CervenoError} from '../../src/core/errors.js'
import {
  type CloudApiClient,
  createCloudApiClient,
  redactSecrets,
  WhatsAppApiError,
} from '../../src/io/cloud-api.js'
import {
  FAKE_PHONE_NUMBER_ID,
  FAKE_TOKEN,
  type FakeCloudApi,
  type FakeCloudApiOptions,
  graphError,
  startFakeCloudApi,
} from '../helpers/fake-cloud-api.js'

const TEMPLATE = {language: 'it', name: 'avviso_servizio'}
const NOTICE = 'Domani chiusura di Via Roma\ndalle 8 alle 14'
const message = (phone: string, callbackData?: string) =>
  buildTemplateMessage(phone, TEMPLATE, NOTICE, callbackData ? {callbackData} : {})

/** Everything a log, a --json output or a crash report could show of an error. */
function assertTokenAbsent(error: unknown, token: string): void {
  assert.ok(error instanceof WhatsAppApiError, `not a WhatsAppApiError: ${String(error)}`)
  const views = {
    inspect: inspect(error, {depth: Number.POSITIVE_INFINITY, showHidden: true}),
    json: JSON.stringify(error),
    keys: JSON.stringify(Object.getOwnPropertyNames(error).map(k => [k, String((error as never)[k])])),
    message: error.message,
    stack: error.stack ?? '',
    string: String(error),
  }
  for (const [view, text] of Object.entries(views)) assert.ok(!text.includes(token), `token in ${view}: ${text}`)
  assert.equal((error as {cause?: unknown}).cause, undefined)
  assert.equal((error as {config?: unknown}).config, undefined)
  assert.equal((error as {request?: unknown}).request, undefined)
}

async function rejection(promise: Promise<unknown>): Promise<WhatsAppApiError> {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof WhatsAppApiError, `unexpected ${inspect(error)}`)
    return error
  }

  assert.fail('expected a rejection')
}

describe('io/cloud-api', () => {
  let fake: FakeCloudApi
  let client: CloudApiClient | undefined

  async function setup(options: FakeCloudApiOptions = {}, overrides: {timeoutMs?: number; token?: string} = {}) {
    fake = await startFakeCloudApi(options)
    client = createCloudApiClient({maxSockets: 8, ...fake.clientOptions(overrides)})
    return client
  }

  afterEach(async () => {
    client?.close()
    client = undefined
    await fake?.close()
  })

  it('sends the exact body with the bearer token and returns the success shape', async () => {
    const api = await setup()
    const body = message('+393471234567', 'attempt-1')
    const result = await api.send(body)
    assert.match(result.wamid, /^wamid\.\S+$/)
    assert.deepEqual(
      {input: result.input, messageStatus: result.messageStatus, waId: result.waId},
      {input: '393471234567', messageStatus: 'accepted', waId: '393471234567'},
    )
    assert.equal(fake.requests.length, 1)
    const [recorded] = fake.requests
    assert.equal(recorded.method, 'POST')
    assert.equal(recorded.path, `/v24.0/${FAKE_PHONE_NUMBER_ID}/messages`)
    assert.equal(recorded.authorization, `Bearer ${FAKE_TOKEN}`)
    assert.deepEqual(recorded.body, body)
    assert.equal(api.url, `${fake.baseUrl}/v24.0/${FAKE_PHONE_NUMBER_ID}/messages`)
  })

  it('reports the wa_id Meta gives, which may differ from the input', async () => {
    const api = await setup({waIdFor: to => to.replace(/^52/, '521')})
    const result = await api.send(buildTextMessage('+525512345678', 'Hola'))
    assert.deepEqual([result.input, result.waId, result.messageStatus], ['525512345678', '5215512345678', undefined])
  })

  it('reuses keep-alive connections', async () => {
    const api = await setup()
    for (let i = 0; i < 5; i++) await api.send(message(`+39347123456${i}`))
    assert.equal(new Set(fake.requests.map(r => r.connection)).size, 1)
  })

  it('many concurrent sends: every recipient exactly once, at most maxSockets connections', async () => {
    const api = await setup({latencyMs: 5})
    const phones = Array.from({length: 200}, (_, i) => `+39347${String(i).padStart(7, '0')}`)
    const results = await Promise.all(phones.map(p => api.send(message(p))))
    assert.equal(new Set(results.map(r => r.wamid)).size, 200)
    assert.deepEqual(
      fake.requests.map(r => r.to).sort(),
      phones.map(p => p.slice(1)).sort(),
    )
    assert.ok(new Set(fake.requests.map(r => r.connection)).size <= 8)
  })

  it('maps 131026 to a permanent error with Meta’s details and trace id', async () => {
    const api = await setup({permanent: {recipients: ['+393470000002']}})
    await api.send(message('+393470000001'))
    const error = await rejection(api.send(message('+393470000002')))
    assert.equal(error.kind, 'response')
    assert.equal(error.httpStatus, 400)
    assert.equal(error.code, 131_026)
    assert.equal(error.class, 'permanent')
    assert.equal(error.details, 'Message Undeliverable.')
    assert.match(error.title!, /^\(#131026\)/)
    assert.match(error.fbtraceId!, /^A/)
    assert.equal(error.rule, 'code:131026')
    assert.match(error.message, /131026/)
  })

  it('maps HTTP 429 / 130429 to throttle and reads Retry-After', async () => {
    const api = await setup({throttle: {requests: [2], retryAfterSeconds: 3}})
    await api.send(message('+393470000001'))
    const error = await rejection(api.send(message('+393470000002')))
    assert.deepEqual([error.kind, error.httpStatus, error.code, error.class], ['response', 429, 130_429, 'throttle'])
    assert.equal(error.retryAfterMs, 3000)
    await api.send(message('+393470000002'))
  })

  it('throttles a seeded fraction of requests reproducibly', async () => {
    const api = await setup({throttle: {fraction: 0.3, retryAfterSeconds: null, seed: 42}})
    const outcomes = await Promise.allSettled(Array.from({length: 50}, (_, i) => api.send(message(`+39347000${String(i).padStart(4, '0')}`))))
    const throttled = outcomes.filter(o => o.status === 'rejected')
    assert.ok(throttled.length > 5 && throttled.length < 30, `${throttled.length}`)
    for (const o of throttled) {
      const error = (o as PromiseRejectedResult).reason as WhatsAppApiError
      assert.equal(error.class, 'throttle')
      assert.equal(error.retryAfterMs, undefined)
    }
  })

  it('5xx for the first attempts of a recipient is retry, then it goes through', async () => {
    const api = await setup({transient: {attempts: 2, code: 131_016, recipients: ['+393470000003']}})
    for (let i = 0; i < 2; i++) {
      const error = await rejection(api.send(message('+393470000003')))
      assert.deepEqual([error.httpStatus, error.code, error.class], [503, 131_016, 'retry'])
    }

    await api.send(message('+393470000003'))
    assert.equal(fake.accepted().length, 1)
  })

  it('a timeout after the body was sent is uncertain (the fake did receive it)', async () => {
    const api = await setup({latencyMs: 5000}, {timeoutMs: 150})
    const error = await rejection(api.send(message('+393470000004')))
    assert.equal(error.kind, 'timeout')
    assert.equal(error.class, 'uncertain')
    assert.equal(error.bodyMayHaveReachedServer, true)
    assert.equal(fake.requests.length, 1)
    assert.equal(fake.requests[0].to, '393470000004')
  })

  it('a dropped connection is uncertain', async () => {
    const api = await setup({dropRequests: [2]})
    await api.send(message('+393470000001'))
    const error = await rejection(api.send(message('+393470000005')))
    assert.equal(error.kind, 'network')
    assert.equal(error.class, 'uncertain')
    assert.equal(fake.requests[1].outcome.kind, 'dropped')
    await api.send(message('+393470000006'))
  })

  it('a refused connection is retry: nothing was sent', async () => {
    const closed = http.createServer()
    await new Promise<void>(resolve => {
      closed.listen(0, '127.0.0.1', () => resolve())
    })
    const {port} = closed.address() as AddressInfo
    await new Promise(resolve => {
      closed.close(resolve)
    })
    fake = await startFakeCloudApi()
    client = createCloudApiClient({...fake.clientOptions(), baseUrl: `http://127.0.0.1:${port}`})
    const error = await rejection(client.send(message('+393470000001')))
    assert.deepEqual([error.kind, error.transportCode, error.class], ['network', 'ECONNREFUSED', 'retry'])
    assert.equal(error.bodyMayHaveReachedServer, false)
  })

  it('aborting in flight is uncertain; aborting before the send is retry and sends nothing', async () => {
    const api = await setup({latencyMs: 5000})
    const controller = new AbortController()
    const pending = api.send(message('+393470000001'), {signal: controller.signal})
    while (fake.requests.length === 0) await new Promise(resolve => setTimeout(resolve, 5))
    controller.abort()
    const error = await rejection(pending)
    assert.deepEqual([error.kind, error.class], ['aborted', 'uncertain'])

    const early = await rejection(api.send(message('+393470000002'), {signal: AbortSignal.abort()}))
    assert.deepEqual([early.kind, early.class], ['aborted', 'retry'])
    assert.equal(fake.requests.length, 1)
  })

  it('token expiry: 190 / HTTP 401 is fatal (token); a new accepted token goes on', async () => {
    const newToken = 'fake-token-for-tests-0002'
    const api = await setup({acceptedTokens: [FAKE_TOKEN, newToken], tokenExpiry: {afterSuccesses: 2}})
    await api.send(message('+393470000001'))
    await api.send(message('+393470000002'))
    const error = await rejection(api.send(message('+393470000003')))
    assert.deepEqual([error.httpStatus, error.code, error.subcode, error.class, error.fatalHint], [401, 190, 463, 'fatal', 'token'])
    assertTokenAbsent(error, FAKE_TOKEN)

    const renewed = createCloudApiClient(fake.clientOptions({token: newToken}))
    try {
      await renewed.send(message('+393470000003'))
    } finally {
      renewed.close()
    }

    assert.deepEqual(
      fake.accepted().map(r => r.to),
      ['393470000001', '393470000002', '393470000003'],
    )
  })

  it('a wrong phone number id is fatal, endpoint', async () => {
    fake = await startFakeCloudApi()
    client = createCloudApiClient({...fake.clientOptions(), phoneNumberId: '999'})
    const error = await rejection(client.send(message('+393470000001')))
    assert.deepEqual([error.code, error.subcode, error.class, error.fatalHint], [100, 33, 'fatal', 'endpoint'])
  })

  it('the fake rejects what Meta rejects: a parameter with a newline is fatal, payload', async () => {
    const api = await setup()
    const body = message('+393470000001')
    const parameter = body.template.components[0].parameters[0] as {text: string}
    parameter.text = 'riga 1\nriga 2'
    const error = await rejection(api.send(body))
    assert.deepEqual([error.httpStatus, error.code, error.class, error.fatalHint], [400, 100, 'fatal', 'payload'])
    assert.match(error.details!, /new-line/)
  })

  it('an unknown template is fatal, template', async () => {
    const api = await setup({templates: [{language: 'it', name: 'altro'}]})
    const error = await rejection(api.send(message('+393470000001')))
    assert.deepEqual([error.httpStatus, error.code, error.fatalHint], [404, 132_001, 'template'])
  })

  it('never follows a redirect', async () => {
    const api = await setup({
      hook: (_request, n) => (n === 1 ? {headers: {Location: 'http://127.0.0.2:9/steal'}, status: 302} : undefined),
    })
    const error = await rejection(api.send(message('+393470000001')))
    assert.deepEqual([error.httpStatus, error.class, error.fatalHint], [302, 'fatal', 'endpoint'])
    assert.equal(fake.requests.length, 1)
  })

  it('a 200 without a wamid is uncertain', async () => {
    const api = await setup({hook: () => ({body: {messaging_product: 'whatsapp'}, status: 200})})
    const error = await rejection(api.send(message('+393470000001')))
    assert.deepEqual([error.kind, error.class], ['response', 'uncertain'])
  })

  it('a non-JSON 502 from a proxy is retry', async () => {
    const api = await setup({hook: () => ({body: '<html>Bad gateway</html>', status: 502})})
    const error = await rejection(api.send(message('+393470000001')))
    assert.deepEqual([error.httpStatus, error.code, error.class], [502, undefined, 'retry'])
  })

  describe('the token never leaks', () => {
    it('not even when the server echoes it in the error message, details and trace id', async () => {
      const echo = (request: {authorization?: string}) => {
        const response = graphError(400, 190, `Bad token ${request.authorization}`, `token=${FAKE_TOKEN}`);
        (response.body as {error: {fbtrace_id: string}}).error.fbtrace_id = FAKE_TOKEN
        return response
      }

      const api = await setup({hook: echo})
      const error = await rejection(api.send(message('+393470000001')))
      assertTokenAbsent(error, FAKE_TOKEN)
      assert.match(error.title!, /\[REDACTED\]/)
    })

    it('in any kind of failure', async () => {
      const api = await setup({dropRequests: [2], latencyMs: (_r, n) => (n === 3 ? 3000 : 0), permanent: {recipients: ['+393470000001']}})
      const errors = [
        await rejection(api.send(message('+393470000001'))),
        await rejection(api.send(message('+393470000002'))),
      ]
      const short = createCloudApiClient(fake.clientOptions({timeoutMs: 100}))
      try {
        errors.push(await rejection(short.send(message('+393470000003'))))
      } finally {
        short.close()
      }

      const wrong = createCloudApiClient(fake.clientOptions({token: 'not-accepted-secret-token-77'}))
      try {
        const unauthorised = await rejection(wrong.send(message('+393470000004')))
        assert.equal(unauthorised.fatalHint, 'token')
        assertTokenAbsent(unauthorised, 'not-accepted-secret-token-77')
      } finally {
        wrong.close()
      }

      assert.deepEqual(
        errors.map(e => e.kind),
        ['response', 'network', 'timeout'],
      )
      for (const error of errors) assertTokenAbsent(error, FAKE_TOKEN)
    })

    it('the client object itself does not expose it', async () => {
      const api = await setup()
      assert.ok(!inspect(api, {depth: 5, showHidden: true}).includes(FAKE_TOKEN))
      assert.ok(!JSON.stringify(api).includes(FAKE_TOKEN))
    })
  })

  describe('configuration', () => {
    const base = {
      baseUrl: 'https://graph.facebook.com', phoneNumberId: '106540352242922', token: 'x', version: 'v24.0',
    }
    const problem = (options: typeof base) => {
      try {
        createCloudApiClient(options).close()
      } catch (error) {
        assert.ok(error instanceof CervenoError)
        assert.equal(error.code, 'CONFIG_INVALID')
        return `${error.params.key}:${error.params.problem}`
      }

      return 'ok'
    }

    it('builds the messages URL from base, version and phone number id', () => {
      const api = createCloudApiClient({...base, baseUrl: 'https://graph.facebook.com/'})
      assert.equal(api.url, 'https://graph.facebook.com/v24.0/106540352242922/messages')
      api.close()
    })

    it('refuses plain http except on loopback, and malformed settings', () => {
      assert.equal(problem(base), 'ok')
      assert.equal(problem({...base, baseUrl: 'http://127.0.0.1:8080'}), 'ok')
      assert.equal(problem({...base, baseUrl: 'http://graph.facebook.com'}), 'WHATSAPP_API_URL:insecure')
      assert.equal(problem({...base, baseUrl: 'graph.facebook.com'}), 'WHATSAPP_API_URL:format')
      assert.equal(problem({...base, baseUrl: 'https://user:pw@graph.facebook.com'}), 'WHATSAPP_API_URL:format')
      assert.equal(problem({...base, version: '24'}), 'WHATSAPP_API_VERSION:format')
      assert.equal(problem({...base, phoneNumberId: '+39 0364'}), 'WHATSAPP_PHONE_NUMBER_ID:format')
      assert.equal(problem({...base, token: ''}), 'WHATSAPP_TOKEN:format')
      assert.equal(problem({...base, token: 'abc\r\nX-Evil: 1'}), 'WHATSAPP_TOKEN:format')
    })
  })

  describe('redactSecrets', () => {
    it('removes the token raw and URL-encoded, bearer values and access_token parameters', () => {
      const token = 'EAAB/x+y=z'
      const text = `a ${token} b ${encodeURIComponent(token)} Authorization: Bearer other-secret ?access_token=zzz&x=1`
      const out = redactSecrets(text, token)
      assert.equal(out, 'a [REDACTED] b [REDACTED] Authorization: Bearer [REDACTED] ?access_token=[REDACTED]&x=1')
      assert.equal(redactSecrets('nothing here', undefined, ''), 'nothing here')
    })
  })

  describe('status webhooks of the fake', () => {
    it('sent, delivered, read for accepted messages; failed with errors[] for undeliverable ones', async () => {
      const api = await setup({undeliverable: {recipients: ['+393470000002']}})
      const first = await api.send(message('+393470000001', 'attempt-a'))
      const second = await api.send(message('+393470000002', 'attempt-b'))
      const envelopes = fake.statusWebhooks()
      const statuses = envelopes.flatMap(e =>
        e.entry.flatMap(entry => entry.changes.flatMap(c => c.value.statuses as Array<Record<string, unknown>>)))
      assert.deepEqual(
        statuses.map(s => [s.id, s.status, s.recipient_id, s.biz_opaque_callback_data]),
        [
          [first.wamid, 'sent', '393470000001', 'attempt-a'],
          [first.wamid, 'delivered', '393470000001', 'attempt-a'],
          [first.wamid, 'read', '393470000001', 'attempt-a'],
          [second.wamid, 'failed', '393470000002', 'attempt-b'],
        ],
      )
      const failed = statuses[3].errors as Array<{code: number}>
      assert.equal(failed[0].code, 131_026)
      assert.equal(classifyApiError({code: failed[0].code}).class, 'permanent')
      assert.equal(envelopes[0].object, 'whatsapp_business_account')
      assert.equal(envelopes[0].entry[0].changes[0].field, 'messages')
      for (const s of statuses) assert.match(s.timestamp as string, /^\d{10}$/)
      assert.equal(fake.statusWebhooks({read: false, statusesPerEnvelope: 10}).length, 1)
    })
  })

  it('close() returns promptly with a slow answer pending', async () => {
    const api = await setup({latencyMs: 60_000})
    const pending = api.send(message('+393470000001')).catch((error: unknown) => error)
    while (fake.requests.length === 0) await new Promise(resolve => setTimeout(resolve, 5))
    await fake.close()
    const error = await pending
    assert.ok(error instanceof WhatsAppApiError)
    assert.equal(error.class, 'uncertain')
  })
})

import {strict as assert} from 'node:assert'
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {loadTemplate, readCachedTemplate, templateCachePath} from '../../src/app/template.js'
import {createCloudApiClient, WhatsAppApiError} from '../../src/io/cloud-api.js'
import {DataFolder} from '../../src/io/data-folder.js'
import {tempDir} from '../helpers/cli.js'
import {
  FAKE_PHONE_NUMBER_ID, FAKE_TOKEN, FAKE_VERSION, FAKE_WABA_ID, type FakeCloudApi, fakeTemplate, graphError, startFakeCloudApi,
} from '../helpers/fake-cloud-api.js'

const DAY = 24 * 60 * 60 * 1000

describe('template definition: read from the Cloud API and cached in the data folder', () => {
  let fake: FakeCloudApi
  let folder: DataFolder
  let cleanup: () => void
  let dir: string

  beforeEach(async () => {
    fake = await startFakeCloudApi();
    ({cleanup, dir} = tempDir())
    folder = new DataFolder(path.join(dir, 'dati'))
    await folder.init(new Date('2026-03-01T10:00:00Z'), 'test')
  })

  afterEach(async () => {
    await fake.close()
    cleanup()
  })

  // null = absent (a default parameter would replace undefined)
  const settings = (token: null | string = FAKE_TOKEN, wabaId: null | string = FAKE_WABA_ID) => ({
    api: {
      baseUrl: fake.baseUrl, phoneNumberId: FAKE_PHONE_NUMBER_ID, token: token ?? undefined, version: FAKE_VERSION,
    },
    wabaId: wabaId ?? undefined,
  })
  const options = (now: Date, maxAgeMs = DAY) => ({
    language: 'it', maxAgeMs, name: 'avviso_servizio_info', now,
  })

  it('the client reads the number\'s fields and the templates with GET and the token, nothing else', async () => {
    const client = createCloudApiClient(fake.clientOptions())
    try {
      const number = await client.getPhoneNumber(['status', 'quality_rating', 'whatsapp_business_manager_messaging_limit'])
      assert.deepEqual(number, {
        id: FAKE_PHONE_NUMBER_ID, quality_rating: 'GREEN', status: 'CONNECTED', whatsapp_business_manager_messaging_limit: 'TIER_2K',
      })
      const templates = await client.getTemplates(FAKE_WABA_ID, 'avviso_servizio_info')
      assert.deepEqual(templates, [fakeTemplate()])
      await assert.rejects(client.getTemplates('12a', 'x'), {code: 'CONFIG_INVALID'})
    } finally {
      client.close()
    }

    assert.deepEqual(fake.requests.map(r => r.method), ['GET', 'GET'])
    const url = new URL(fake.requests[1].path, 'http://x')
    assert.equal(url.pathname, `/${FAKE_VERSION}/${FAKE_WABA_ID}/message_templates`)
    assert.equal(url.searchParams.get('name'), 'avviso_servizio_info')
    assert.match(url.searchParams.get('fields')!, /^name,status,category,language,components/)
    assert.ok(fake.requests.every(r => r.authorization === `Bearer ${FAKE_TOKEN}`))
  })

  it('a refused token (190) is a WhatsAppApiError that does not carry the token', async () => {
    const token = 'EAAG-secret-token-for-this-test'
    const client = createCloudApiClient(fake.clientOptions({token}))
    fake.configure({readErrors: {templates: graphError(400, 132_001, `no template for ${token}`)}})
    try {
      const refused = await client.getPhoneNumber(['status']).catch((error: unknown) => error)
      assert.ok(refused instanceof WhatsAppApiError)
      assert.equal(refused.code, 190)
      assert.equal(refused.httpStatus, 401)
      fake.configure({acceptedTokens: [token]})
      const quoted = await client.getTemplates(FAKE_WABA_ID, 'x').catch((error: unknown) => error)
      assert.ok(quoted instanceof WhatsAppApiError)
      assert.equal(quoted.code, 132_001)
      for (const e of [refused, quoted]) {
        assert.ok(!JSON.stringify(e.toJSON()).includes(token))
        assert.ok(!String(e.stack).includes(token))
      }
    } finally {
      client.close()
    }
  })

  it('fetches once, caches with the fetch time, then uses the cache until it is a day old', async () => {
    const t0 = new Date('2026-03-02T08:00:00Z')
    const first = await loadTemplate(folder, settings(), options(t0))
    assert.equal(first?.source, 'api')
    assert.deepEqual(first?.definition, fakeTemplate())
    assert.deepEqual(first?.languages, ['it'])
    const cached = JSON.parse(readFileSync(path.join(folder.dir, templateCachePath('avviso_servizio_info', 'it')), 'utf8')) as Record<string, unknown>
    assert.equal(cached.fetchedAt, t0.toISOString())
    assert.ok(!JSON.stringify(cached).includes(FAKE_TOKEN))
    assert.equal(fake.requests.length, 1)

    const again = await loadTemplate(folder, settings(), options(new Date(t0.getTime() + DAY)))
    assert.equal(again?.source, 'cache')
    assert.equal(again?.fetchedAt.toISOString(), t0.toISOString())
    assert.equal(fake.requests.length, 1, 'a day-old cache is used as it is')

    fake.configure({templateDefinitions: [fakeTemplate({status: 'PAUSED'})]})
    const later = new Date(t0.getTime() + DAY + 1)
    const refreshed = await loadTemplate(folder, settings(), options(later))
    assert.equal(refreshed?.source, 'api')
    assert.equal(refreshed?.definition?.status, 'PAUSED')
    assert.equal(fake.requests.length, 2)
    assert.equal((await readCachedTemplate(folder, 'avviso_servizio_info', 'it'))?.fetchedAt.toISOString(), later.toISOString())
  })

  it('without credentials: the cache however old, or nothing, and no request; offline never connects', async () => {
    assert.equal(await loadTemplate(folder, settings(null), options(new Date())), undefined)
    assert.equal(await loadTemplate(folder, settings(FAKE_TOKEN, null), options(new Date())), undefined)
    assert.equal(await loadTemplate(folder, settings(), {...options(new Date()), offline: true}), undefined)
    assert.equal(fake.requests.length, 0)

    await loadTemplate(folder, settings(), options(new Date('2026-01-01T00:00:00Z')))
    const stale = await loadTemplate(folder, settings(null), options(new Date('2026-06-01T00:00:00Z')))
    assert.equal(stale?.source, 'cache')
    const offline = await loadTemplate(folder, settings(), {...options(new Date('2026-06-01T00:00:00Z')), offline: true})
    assert.equal(offline?.source, 'cache')
    assert.equal(fake.requests.length, 1)
  })

  it('a name missing in the configured language is null with the languages Meta has, and is not cached', async () => {
    fake.configure({templateDefinitions: [fakeTemplate({language: 'en_US'}), fakeTemplate({language: 'it_IT'}), fakeTemplate({name: 'altro'})]})
    const loaded = await loadTemplate(folder, settings(), options(new Date()))
    assert.equal(loaded?.definition, null)
    assert.deepEqual(loaded?.languages, ['en_US', 'it_IT'])
    assert.equal(await readCachedTemplate(folder, 'avviso_servizio_info', 'it'), undefined)
  })

  it('a cache file that is not a definition is ignored', async () => {
    await folder.mutate({now: new Date(), operator: 'test'}, async tx => {
      tx.writeFile(templateCachePath('avviso_servizio_info', 'it'), '{"schemaVersion":1,"fetchedAt":"2026-03-01T00:00:00Z","definition":{"name":"x"}}')
    })
    assert.equal(await readCachedTemplate(folder, 'avviso_servizio_info', 'it'), undefined)
    assert.equal(templateCachePath('a/b', 'it'), 'cache/modelli/a%2fb.it.json')
  })
})

import {strict as assert} from 'node:assert'

import {freshDataDir, runCli, runJson} from '../helpers/cli.js'
import {
  FAKE_PHONE_NUMBER_ID, FAKE_TOKEN, FAKE_VERSION, type FakeCloudApi, startFakeCloudApi,
} from '../helpers/fake-cloud-api.js'
import {KEY, PtySession} from '../helpers/pty.js'
import {type SecretService, secretServiceUnavailable, startSecretService} from '../helpers/secret-service.js'
import {
  assertSecretAbsent, seedSubscribers, writeNotice,
} from './broadcast.helpers.js'

const STORED_TOKEN = 'EAAG-stored-by-login-0003'

describe('login / logout through a real credential store (Secret Service on a private D-Bus session)', function () {
  this.timeout(120_000)
  let fake: FakeCloudApi
  let dataDir: string
  let root: string
  let cleanup: () => void
  let session: PtySession | undefined
  let store: SecretService | undefined
  const outputs: string[] = []

  beforeEach(async () => {
    ({cleanup, dataDir, root} = await freshDataDir())
    fake = await startFakeCloudApi({acceptedTokens: [FAKE_TOKEN, STORED_TOKEN]})
  })

  afterEach(async () => {
    session?.kill()
    session = undefined
    await store?.stop()
    store = undefined
    await fake.close()
    cleanup()
  })

  /** The endpoint without a token. */
  const endpoint = () => ({WHATSAPP_API_URL: fake.baseUrl, WHATSAPP_API_VERSION: FAKE_VERSION, WHATSAPP_PHONE_NUMBER_ID: FAKE_PHONE_NUMBER_ID})

  it('login asks for the token without showing it, checks it, stores it; broadcast and doctor use it; the environment wins; logout removes it', async function () {
    const why = secretServiceUnavailable()
    if (why) {
      console.log(`      skipped: ${why}`)
      this.skip()
    }

    store = await startSecretService()
    const env = {...endpoint(), ...store.env}
    session = new PtySession(['login'], dataDir, env)
    await session.waitFor('non verrà mostrato')
    session.type(STORED_TOKEN)
    session.press(KEY.enter)
    await session.waitFor('salvato nel portachiavi del sistema')
    assert.equal((await session.exit).exitCode, 0, session.screen)
    assert.match(session.screen, /Token valido per il numero \+39 0364 000000 \(Comune di Cerveno\)/)
    outputs.push(session.screen)
    assert.deepEqual(fake.requests.map(r => [r.method, r.authorization]), [['GET', `Bearer ${STORED_TOKEN}`]])

    seedSubscribers(dataDir, 3)
    const file = writeNotice(root)
    const sent = await runJson<{sent: number}>(['broadcast', '--file', file, '--yes'], dataDir, {env})
    outputs.push(sent.stdout, sent.stderr)
    assert.equal(sent.code, 0, sent.stderr)
    assert.equal(sent.json.sent, 3)
    const posts = fake.requests.filter(r => r.method === 'POST')
    assert.equal(posts.length, 3)
    assert.ok(posts.every(r => r.authorization === `Bearer ${STORED_TOKEN}`))

    const doctor = await runJson<{checks: Array<{details?: {source?: string}; id: string; status: string}>}>(['doctor'], dataDir, {env})
    outputs.push(doctor.stdout, doctor.stderr)
    const tokenCheck = doctor.json.checks.find(c => c.id === 'token')
    assert.equal(tokenCheck?.status, 'ok')
    assert.deepEqual(tokenCheck?.details, {source: 'credential-store'})

    // WHATSAPP_TOKEN in the environment wins over the stored one.
    const before = fake.requests.length
    const envWins = await runJson<{sent: number}>(['broadcast', '--file', file, '--yes', '--to', '+393331234567'], dataDir, {env: {...env, WHATSAPP_TOKEN: FAKE_TOKEN}})
    assert.equal(envWins.code, 0, envWins.stderr)
    assert.deepEqual(fake.requests.slice(before).map(r => r.authorization), [`Bearer ${FAKE_TOKEN}`])

    const out = await runJson<{removed: string[]}>(['logout'], dataDir, {env})
    assert.equal(out.code, 0, out.stderr)
    assert.deepEqual(out.json, {removed: ['WHATSAPP_TOKEN']})
    const again = await runCli(['logout'], dataDir, {env})
    assert.match(again.stdout, /non c'era nulla/)
    const missing = await runJson<{error: {code: string}}>(['broadcast', '--file', file, '--yes'], dataDir, {env})
    assert.equal(missing.code, 6)
    assert.equal(missing.json.error.code, 'CONFIG_MISSING')
    outputs.push(out.stdout, again.stdout, missing.stdout)
    assertSecretAbsent(STORED_TOKEN, dataDir, outputs)
  })

  it('a token WhatsApp refuses is not stored (exit 5), and login --app-secret stores the app secret', async function () {
    const why = secretServiceUnavailable()
    if (why) {
      console.log(`      skipped: ${why}`)
      this.skip()
    }

    store = await startSecretService()
    const env = {...endpoint(), ...store.env}
    const refused = 'EAAG-refused-token-0004'
    session = new PtySession(['login'], dataDir, env)
    await session.waitFor('non verrà mostrato')
    session.type(refused)
    session.press(KEY.enter)
    assert.equal((await session.exit).exitCode, 5, session.screen)
    assert.match(session.screen, /WhatsApp ha rifiutato il token \(codice 190\)/)
    assert.ok(!session.screen.includes(refused))
    const doctor = await runJson<{checks: Array<{id: string; status: string}>}>(['doctor'], dataDir, {env})
    assert.equal(doctor.json.checks.find(c => c.id === 'token')?.status, 'error')

    session = new PtySession(['login', '--app-secret'], dataDir, env)
    await session.waitFor('App Secret')
    session.type('app-secret-value-0005')
    session.press(KEY.enter)
    assert.equal((await session.exit).exitCode, 0, session.screen)
    assert.ok(!session.screen.includes('app-secret-value-0005'))
    const out = await runJson<{removed: string[]}>(['logout'], dataDir, {env})
    assert.deepEqual(out.json, {removed: ['WHATSAPP_APP_SECRET']})
  })

  it('without a credential store, login says so and explains WHATSAPP_TOKEN (exit 6) before asking anything', async () => {
    const r = await runJson<{error: {code: string; message: string}}>(['login'], dataDir, {env: endpoint()})
    assert.equal(r.code, 6)
    assert.equal(r.json.error.code, 'CREDENTIAL_STORE_UNAVAILABLE')
    assert.match(r.json.error.message, /WHATSAPP_TOKEN/)
    const human = await runCli(['logout'], dataDir, {env: endpoint()})
    assert.equal(human.code, 6)
    assert.match(human.stderr, /portachiavi del sistema non è disponibile/)
    assert.equal(fake.requests.length, 0)
  })
})

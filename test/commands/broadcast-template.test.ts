import {strict as assert} from 'node:assert'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {freshDataDir, runCli, runJson} from '../helpers/cli.js'
import {
  FAKE_TOKEN, FAKE_WABA_ID, type FakeCloudApi, fakeTemplate, startFakeCloudApi,
} from '../helpers/fake-cloud-api.js'
import {KEY, PtySession} from '../helpers/pty.js'
import {
  apiEnv, assertSecretAbsent, NOTICE_FLAT, runIds, seedSubscribers, writeNotice,
} from './broadcast.helpers.js'

interface ErrorDoc {
  error: {code: string; message: string}
}

describe('broadcast with the template definition (components, checks before the first send, whole-message preview)', function () {
  this.timeout(120_000)
  let fake: FakeCloudApi
  let dataDir: string
  let root: string
  let cleanup: () => void
  const outputs: string[] = []

  beforeEach(async () => {
    ({cleanup, dataDir, root} = await freshDataDir())
    seedSubscribers(dataDir, 3)
  })

  afterEach(async () => {
    await fake.close()
    cleanup()
  })

  const env = (): NodeJS.ProcessEnv => ({...apiEnv(fake), WHATSAPP_BUSINESS_ACCOUNT_ID: FAKE_WABA_ID})
  const posts = () => fake.requests.filter(r => r.method === 'POST')

  it('the preview of a template with header and footer, character by character, wrapped at the terminal width', async () => {
    fake = await startFakeCloudApi()
    assert.equal((await runCli(['doctor'], dataDir, {env: env()})).code, 0, 'doctor caches the definition')
    const before = fake.requests.length
    const r = await runCli(['broadcast', '--file', writeNotice(root), '--dry-run'], dataDir, {env: {...env(), COLUMNS: '40'}})
    outputs.push(r.stdout, r.stderr)
    assert.equal(r.code, 0, r.stderr)
    assert.equal(fake.requests.length, before, 'a dry run opens no connection: the cached definition is used')
    const lines = r.stdout.split('\n')
    const start = lines.indexOf('Il messaggio come lo leggerà ogni cittadino:')
    assert.ok(start !== -1, r.stdout)
    assert.deepEqual(lines.slice(start + 1, start + 14), [
      '  │ Comune di Cerveno',
      '  │',
      '  │ Avviso ai cittadini iscritti:',
      '  │ COMUNE DI CERVENO - AVVISO. Martedì',
      '  │ 18 marzo dalle 8:30 alle 13:00 sarà',
      "  │ sospesa l'erogazione dell'acqua in",
      '  │ Via Roma e Via Castello per lavori',
      '  │ alla rete idrica.',
      '  │',
      '  │ Servizio Info - rispondere STOP per',
      '  │ non ricevere più avvisi',
      '  265 caratteri.',
      'Nota: gli a capo non arrivano al cittadino; dove una riga non finiva con un segno di punteggiatura è stato aggiunto ". " (1 volta). Controllare il testo qui sopra.',
    ])
    // The preview comes first; the request JSON is not shown without --verbose.
    assert.doesNotMatch(r.stdout, /"messaging_product"/)
    const json = await runJson<{message: unknown; request: {body: {template: {components: unknown}}}}>(['broadcast', '--file', writeNotice(root), '--dry-run'], dataDir, {env: env()})
    assert.deepEqual(json.json.message, {
      body: `Avviso ai cittadini iscritti: ${NOTICE_FLAT}`, buttons: [], footer: 'Servizio Info - rispondere STOP per non ricevere più avvisi', header: 'Comune di Cerveno',
    })
    assert.deepEqual(json.json.request.body.template.components, [{parameters: [{text: NOTICE_FLAT, type: 'text'}], type: 'body'}])
    assertSecretAbsent(FAKE_TOKEN, dataDir, outputs)
  })

  it('sends exactly the components the template needs, other body variables filled from config.json', async () => {
    const definition = fakeTemplate({components: [{text: '{{2}} informa: {{1}}', type: 'BODY'}, {text: 'Servizio Info', type: 'FOOTER'}]})
    fake = await startFakeCloudApi({templateDefinitions: [definition]})
    const config = path.join(dataDir, 'config.json')
    const raw = JSON.parse(readFileSync(config, 'utf8')) as {template: Record<string, unknown>}
    writeFileSync(config, JSON.stringify({...raw, template: {...raw.template, parameters: {2: 'Il Comune di Cerveno'}}}, null, 2), {mode: 0o600})
    const r = await runJson<{sent: number}>(['broadcast', '--file', writeNotice(root), '--yes'], dataDir, {env: env()})
    outputs.push(r.stdout, r.stderr)
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.equal(r.json.sent, 3)
    assert.equal(posts().length, 3)
    for (const p of posts()) {
      assert.deepEqual((p.body as {template: {components: unknown}}).template.components, [
        {parameters: [{text: NOTICE_FLAT, type: 'text'}, {text: 'Il Comune di Cerveno', type: 'text'}], type: 'body'},
      ])
    }

    // The reads came first, then only sends.
    assert.deepEqual(fake.requests.slice(0, 2).map(q => q.method), ['GET', 'GET'])
    const [id] = runIds(dataDir)
    const manifest = JSON.parse(readFileSync(path.join(dataDir, 'invii', id, 'invio.json'), 'utf8')) as {template: {components: unknown}}
    assert.deepEqual(manifest.template.components, (posts()[0].body as {template: {components: unknown}}).template.components)
  })

  it('a notice whose parameter count does not match the template is refused before any request (exit 6)', async () => {
    fake = await startFakeCloudApi({templateDefinitions: [fakeTemplate({components: [{text: '{{1}} - {{2}}', type: 'BODY'}]})]})
    const r = await runJson<ErrorDoc>(['broadcast', '--file', writeNotice(root), '--yes'], dataDir, {env: env()})
    assert.equal(r.code, 6, r.stdout)
    assert.equal(r.json.error.code, 'TEMPLATE_MISMATCH')
    assert.match(r.json.error.message, /2 variabili senza valore/)
    assert.equal(posts().length, 0)
    assert.deepEqual(runIds(dataDir), [])
    // With the definition cached, even the dry run refuses it, without a single request.
    const before = fake.requests.length
    const dry = await runJson<ErrorDoc>(['broadcast', '--file', writeNotice(root), '--dry-run'], dataDir, {env: env()})
    assert.equal(dry.code, 6)
    assert.equal(dry.json.error.code, 'TEMPLATE_MISMATCH')
    assert.equal(fake.requests.length, before)
  })

  it('in a terminal: the whole message and the warnings come before the question; the default answer sends nothing', async () => {
    fake = await startFakeCloudApi({templateDefinitions: [fakeTemplate({category: 'MARKETING'})]})
    const session = new PtySession(['broadcast', '--file', writeNotice(root)], dataDir, env())
    try {
      const shown = await session.waitFor("Inviare l'avviso a 3 destinatari?")
      assert.match(shown, /Il messaggio come lo leggerà ogni cittadino:\r?\n {2}│ Comune di Cerveno\r?\n {2}│\r?\n {2}│ Avviso ai cittadini iscritti: COMUNE DI CERVENO - AVVISO\. Martedì 18 marzo/)
      assert.match(shown, / {2}│ Servizio Info - rispondere STOP per non ricevere più avvisi\r?\n {2}265 caratteri\./)
      assert.match(shown, /⚠ Il modello "avviso_servizio_info" è di categoria MARKETING/)
      assert.equal(posts().length, 0)
      session.press(KEY.enter)
      assert.equal((await session.exit).exitCode, 130)
      assert.equal(posts().length, 0)
    } finally {
      session.kill()
    }
  })

  it('a paused template and a RED number stop the send before confirmation (exit 5); warnings are shown but do not stop it', async () => {
    fake = await startFakeCloudApi({templateDefinitions: [fakeTemplate({status: 'PAUSED'})]})
    const paused = await runCli(['broadcast', '--file', writeNotice(root), '--yes'], dataDir, {env: env()})
    assert.equal(paused.code, 5, paused.stderr)
    assert.match(paused.stderr, /Invio non avviato: Il modello "avviso_servizio_info" è sospeso da Meta/)
    assert.equal(posts().length, 0)

    // Within a day the cached definition is used: fixing the template at Meta is seen only after a new read.
    fake.configure({templateDefinitions: [fakeTemplate({category: 'MARKETING'})]})
    const cached = await runJson<ErrorDoc>(['broadcast', '--file', writeNotice(root), '--yes'], dataDir, {env: env()})
    assert.equal(cached.code, 5)
    assert.equal(cached.json.error.code, 'WHATSAPP_NOT_READY')
    assert.equal(fake.requests.filter(q => q.path.includes('message_templates')).length, 1)
    assert.equal((await runCli(['doctor'], dataDir, {env: env()})).code, 0)

    const marketing = await runCli(['broadcast', '--file', writeNotice(root), '--yes'], dataDir, {env: env()})
    assert.equal(marketing.code, 0, marketing.stderr)
    assert.match(marketing.stdout, /Prima di confermare[^\n]*\n {2}⚠ Il modello "avviso_servizio_info" è di categoria MARKETING/)
    assert.equal(posts().length, 3)

    fake.configure({phoneNumber: {quality_rating: 'RED', status: 'CONNECTED', whatsapp_business_manager_messaging_limit: 'TIER_1K'}})
    const red = await runJson<ErrorDoc>(['broadcast', '--file', writeNotice(root), '--yes'], dataDir, {env: env()})
    assert.equal(red.code, 5)
    assert.match(red.json.error.message, /bassa \(RED\)/)
    assert.equal(posts().length, 3)
  })
})

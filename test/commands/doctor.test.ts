import {strict as assert} from 'node:assert'
import {
  chmodSync, existsSync, readFileSync, writeFileSync,
} from 'node:fs'
import http from 'node:http'
import {type AddressInfo} from 'node:net'
import path from 'node:path'

import {freshDataDir, runCli, runJson} from '../helpers/cli.js'
import {
  FAKE_PHONE_NUMBER_FIELDS, FAKE_TOKEN, FAKE_WABA_ID, type FakeCloudApi, fakeTemplate, startFakeCloudApi,
} from '../helpers/fake-cloud-api.js'
import {apiEnv, assertSecretAbsent, seedSubscribers} from './broadcast.helpers.js'

interface Check {
  details?: Record<string, unknown>
  id: string
  message: string
  status: 'error' | 'ok' | 'warning'
}
interface DoctorDoc {
  checks: Check[]
  ok: boolean
}

const IDS = ['node', 'data-folder', 'config', 'token', 'phone-number', 'quality', 'messaging-limit', 'template', 'webhook']

describe('doctor (CLI against the stand-in Cloud API)', function () {
  this.timeout(120_000)
  let fake: FakeCloudApi
  let dataDir: string
  let cleanup: () => void
  let receiver: http.Server
  let healthHits = 0
  const outputs: string[] = []

  before(async () => {
    receiver = http.createServer((req, res) => {
      if (req.url === '/webhook/healthz') healthHits++
      res.writeHead(req.url === '/webhook/healthz' ? 200 : 404, {'Content-Type': 'application/json'}).end('{"received":0}')
    })
    await new Promise<void>(resolve => {
      receiver.listen(0, '127.0.0.1', resolve)
    })
  })

  after(async () => {
    await new Promise(resolve => {
      receiver.close(resolve)
    })
  })

  beforeEach(async () => {
    ({cleanup, dataDir} = await freshDataDir())
    seedSubscribers(dataDir, 3)
    chmodSync(path.join(dataDir, 'iscritti.csv'), 0o600)
    fake = await startFakeCloudApi()
  })

  afterEach(async () => {
    await fake.close()
    cleanup()
  })

  const env = (): NodeJS.ProcessEnv => ({...apiEnv(fake), WHATSAPP_BUSINESS_ACCOUNT_ID: FAKE_WABA_ID})
  const setConfig = (patch: Record<string, unknown>) => {
    const file = path.join(dataDir, 'config.json')
    writeFileSync(file, JSON.stringify({...JSON.parse(readFileSync(file, 'utf8')), ...patch}, null, 2), {mode: 0o600})
  }

  const doctor = async (e: NodeJS.ProcessEnv = env()) => {
    const r = await runJson<DoctorDoc>(['doctor'], dataDir, {env: e})
    outputs.push(r.stdout, r.stderr)
    const byId = Object.fromEntries(r.json.checks.map(c => [c.id, c]))
    return {...r, byId}
  }

  it('all green: one ✔ line per check, --json shape, exit 0; reads only, caches the template, never shows the token', async () => {
    setConfig({webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook/`})
    const human = await runCli(['doctor'], dataDir, {env: env()})
    outputs.push(human.stdout, human.stderr)
    assert.equal(human.code, 0, human.stdout + human.stderr)
    const lines = human.stdout.trim().split('\n')
    assert.equal(lines.length, 10)
    assert.ok(lines.slice(0, 9).every(l => l.startsWith('✔ ')), human.stdout)
    assert.match(human.stdout, /Numero \+39 0364 000000 \(Comune di Cerveno\) collegato/)
    assert.match(human.stdout, /Modello "avviso_servizio_info" \(it\) approvato, categoria UTILITY/)
    assert.match(human.stdout, /2000 destinatari nelle 24 ore \(TIER_2K\); iscritti attivi: 3/)
    assert.equal(lines[9], "Tutto pronto per l'invio.")

    const r = await doctor()
    assert.equal(r.code, 0)
    assert.deepEqual(Object.keys(r.json).sort(), ['checks', 'ok'])
    assert.equal(r.json.ok, true)
    assert.deepEqual(r.json.checks.map(c => c.id), IDS)
    for (const c of r.json.checks) {
      assert.deepEqual(Object.keys(c).filter(k => k !== 'details').sort(), ['id', 'message', 'status'])
      assert.equal(c.status, 'ok', c.message)
      assert.equal(typeof c.message, 'string')
    }

    assert.equal(healthHits, 2)
    assert.ok(fake.requests.every(q => q.method === 'GET'), 'reads only')
    assert.equal(fake.requests.length, 4)
    assert.ok(existsSync(path.join(dataDir, 'cache', 'modelli', 'avviso_servizio_info.it.json')))
    assertSecretAbsent(FAKE_TOKEN, dataDir, outputs)
  })

  it('no credentials: exit 6, the token ✖, no call to WhatsApp at all', async () => {
    const {WHATSAPP_TOKEN: _t, ...noToken} = env()
    const r = await doctor(noToken)
    assert.equal(r.code, 6)
    assert.equal(r.json.ok, false)
    assert.equal(r.byId.token.status, 'error')
    assert.match(r.byId.token.message, /cerveno-info login/)
    for (const id of ['phone-number', 'quality', 'messaging-limit', 'template']) assert.equal(r.byId[id].status, 'warning', id)
    const {WHATSAPP_PHONE_NUMBER_ID: _p, ...noId} = env()
    const s = await doctor(noId)
    assert.equal(s.code, 6)
    assert.equal(s.byId.config.status, 'error')
    const bad = await doctor({...env(), WHATSAPP_PHONE_NUMBER_ID: '+39 0364 000000'})
    assert.equal(bad.code, 6)
    assert.match(bad.byId.config.message, /solo cifre/)
    assert.equal(fake.requests.length, 0)
  })

  it('each ✖ and ⚠ from the stand-in, with its exit code', async () => {
    const cases: Array<{check: string; code: number; expect: RegExp; patch: Parameters<FakeCloudApi['configure']>[0]; status: string; subscribers?: number}> = [
      {
        check: 'phone-number', code: 5, expect: /rifiutato il token \(codice 190\)/, patch: {acceptedTokens: ['another-token']}, status: 'error',
      },
      {
        check: 'phone-number', code: 5, expect: /non è collegato alla Cloud API \(stato DISCONNECTED\)/, patch: {phoneNumber: {...FAKE_PHONE_NUMBER_FIELDS, status: 'DISCONNECTED'}}, status: 'error',
      },
      {
        check: 'quality', code: 0, expect: /media \(YELLOW\)/, patch: {phoneNumber: {...FAKE_PHONE_NUMBER_FIELDS, quality_rating: 'YELLOW'}}, status: 'warning',
      },
      {
        check: 'quality', code: 5, expect: /bassa \(RED\)/, patch: {phoneNumber: {...FAKE_PHONE_NUMBER_FIELDS, quality_rating: 'RED'}}, status: 'error',
      },
      {
        check: 'messaging-limit', code: 0, expect: /250 destinatari nelle 24 ore \(TIER_250\), ma gli iscritti attivi sono 300/, patch: {phoneNumber: {...FAKE_PHONE_NUMBER_FIELDS, whatsapp_business_manager_messaging_limit: 'TIER_250'}}, status: 'warning', subscribers: 300,
      },
      {
        check: 'template', code: 5, expect: /non esiste nella lingua "it" \(esiste in: en_US\)/, patch: {templateDefinitions: [fakeTemplate({language: 'en_US'})]}, status: 'error',
      },
      {
        check: 'template', code: 5, expect: /sospeso da Meta per la bassa qualità \(PAUSED\)/, patch: {templateDefinitions: [fakeTemplate({status: 'PAUSED'})]}, status: 'error',
      },
      {
        check: 'template', code: 5, expect: /in attesa di approvazione \(PENDING\)/, patch: {templateDefinitions: [fakeTemplate({status: 'PENDING'})]}, status: 'error',
      },
      {
        check: 'template', code: 0, expect: /categoria MARKETING/, patch: {templateDefinitions: [fakeTemplate({category: 'MARKETING'})]}, status: 'warning',
      },
      {
        check: 'template', code: 5, expect: /2 variabili senza valore \(\{\{1\}\} \{\{2\}\}\)/, patch: {templateDefinitions: [fakeTemplate({components: [{text: '{{1}} - {{2}}', type: 'BODY'}]})]}, status: 'error',
      },
    ]
    for (const c of cases) {
      fake.configure({
        acceptedTokens: undefined, phoneNumber: undefined, templateDefinitions: undefined, ...c.patch,
      })
      if (c.subscribers) seedSubscribers(dataDir, c.subscribers)
      chmodSync(path.join(dataDir, 'iscritti.csv'), 0o600)
      const r = await doctor()
      assert.equal(r.code, c.code, `${c.expect}: ${JSON.stringify(r.json.checks)}`)
      assert.equal(r.byId[c.check].status, c.status, r.byId[c.check].message)
      assert.match(r.byId[c.check].message, c.expect)
      assert.equal(r.json.ok, c.code === 0)
      assert.equal(r.json.checks.filter(x => x.status !== 'ok').length, c.check === 'phone-number' && c.status === 'error' && c.code === 5 && /190/.test(String(c.expect)) ? 4 : 1, JSON.stringify(r.json.checks))
    }

    assert.ok(fake.requests.every(q => q.method === 'GET'))
  })

  it('WABA id missing and the receiver down are ⚠ (exit 0); a world-readable data folder is ⚠', async () => {
    setConfig({webhookUrl: 'http://127.0.0.1:9/'})
    const {WHATSAPP_BUSINESS_ACCOUNT_ID: _w, ...noWaba} = env()
    chmodSync(path.join(dataDir, 'iscritti.csv'), 0o644)
    const r = await doctor(noWaba)
    assert.equal(r.code, 0)
    assert.equal(r.byId.template.status, 'warning')
    assert.match(r.byId.template.message, /WHATSAPP_BUSINESS_ACCOUNT_ID o wabaId in config\.json/)
    assert.equal(r.byId.webhook.status, 'warning')
    assert.match(r.byId.webhook.message, /non risponde a http:\/\/127\.0\.0\.1:9\/healthz \(ECONNREFUSED\)/)
    assert.equal(r.byId['data-folder'].status, 'warning')
    assert.match(r.byId['data-folder'].message, /iscritti\.csv è leggibile da altri utenti/)
    assert.ok(!fake.requests.some(q => q.path.includes('message_templates')))
  })

  it('an ON request marked approved whose number is not in iscritti.csv (a row deleted or a status set by hand) is ⚠ naming the request', async () => {
    const header = 'id;telefono;nome;azione;ricevuta_il;fonte;stato;deciso_il;deciso_da;motivo;testo;autore;utente;origine_telefono;importata_il'
    const when = '2026-03-01T10:00:00+01:00'
    writeFileSync(path.join(dataDir, 'richieste.csv'), `\uFEFF${header}\r\nab12cd34ef;+393479990000;Anna Verdi;ON;${when};chat.txt:3;approvata;${when};clerk;;Servizio Info ON Anna Verdi;Anna Verdi;;;${when}\r\n`, {mode: 0o600})
    const r = await doctor()
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.byId['data-folder'].status, 'warning')
    assert.match(r.byId['data-folder'].message, /una richiesta risulta approvata in richieste\.csv ma il numero non è in iscritti\.csv \(ab12cd34ef\)/)
  })
})

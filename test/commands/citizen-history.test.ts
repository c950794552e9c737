import {strict as assert} from 'node:assert'
import {writeFileSync} from 'node:fs'
import path from 'node:path'

import {freshDataDir, runCli, runJson} from '../helpers/cli.js'
import {type FakeCloudApi, startFakeCloudApi} from '../helpers/fake-cloud-api.js'
import {inboundEnvelope} from '../helpers/webhooks.js'
import {apiEnv, writeNotice} from './broadcast.helpers.js'

interface Req {
  action: string
  decidedBy?: string
  id: string
  name: null | string
  reason?: string
  status: string
  text?: string
}
interface History {
  notices: {broadcastId: string; errorCode: null | number; outcome: string; text: string}[]
  phone: string
  requests: Req[]
  subscriber: null | {name: string; status: string}
}

const T0 = Date.parse('2026-03-02T09:00:00+01:00') / 1000

describe('one citizen\'s history: subscribers show, requests --search (CLI)', function () {
  this.timeout(120_000)
  let dataDir: string
  let root: string
  let cleanup: () => void
  let fake: FakeCloudApi

  beforeEach(async () => {
    ({cleanup, dataDir, root} = await freshDataDir())
    fake = await startFakeCloudApi({permanent: {code: 131_026, recipients: ['+393331234569']}})
  })

  afterEach(async () => {
    await fake.close()
    cleanup()
  })

  it('lists the registry row, every request with its text and decision, and every notice with its outcome', async () => {
    const file = path.join(root, 'dump.json')
    writeFileSync(file, JSON.stringify(inboundEnvelope([
      {
        body: 'Servizio Info ON Paolo Rossi', from: '393331234567', id: 'wamid.A', ts: T0,
      },
      {
        body: 'Servizio Info ON José Bianchi', from: '393331234568', id: 'wamid.B', ts: T0 + 60,
      },
      {
        body: 'Servizio Info ON Ugo Verdi', from: '393331234569', id: 'wamid.C', ts: T0 + 90,
      },
    ])))
    assert.equal((await runCli(['import', file], dataDir)).code, 0)
    const ids = (await runJson<Req[]>(['requests'], dataDir)).json.map(r => r.id)
    assert.equal((await runCli(['review', '--approve', ids[0], ids[2], '--operator', 'Sportello'], dataDir)).code, 0)
    assert.equal((await runCli(['review', '--reject', ids[1], '--reason', 'non residente', '--operator', 'Sportello'], dataDir)).code, 0)
    const sent = await runJson<{id: string}>(['broadcast', '--file', writeNotice(root), '--yes'], dataDir, {env: apiEnv(fake)})
    assert.equal(sent.code, 7, sent.stderr)

    const paolo = await runJson<History>(['subscribers', 'show', '+39 333 123 4567'], dataDir)
    assert.equal(paolo.code, 0, paolo.stderr)
    assert.equal(paolo.json.phone, '+393331234567')
    assert.deepEqual(paolo.json.subscriber && [paolo.json.subscriber.name, paolo.json.subscriber.status], ['Paolo Rossi', 'active'])
    assert.deepEqual(paolo.json.requests.map(r => [r.id, r.status, r.decidedBy, r.text]), [[ids[0], 'approved', 'Sportello', 'Servizio Info ON Paolo Rossi']])
    assert.deepEqual(paolo.json.notices.map(n => [n.broadcastId, n.outcome, n.errorCode]), [[sent.json.id, 'sent', null]])
    assert.match(paolo.json.notices[0].text, /^COMUNE DI CERVENO - AVVISO/)

    // By name, accent- and case-insensitive; the human view names the decision and the notice.
    const jose = await runCli(['subscribers', 'show', 'jose'], dataDir)
    assert.equal(jose.code, 0, jose.stderr)
    assert.match(jose.stdout, /Registro iscritti: non iscritto\./)
    assert.match(jose.stdout, new RegExp(`richiesta ${ids[1]} \\(ON\\)`))
    assert.match(jose.stdout, /Testo: Servizio Info ON José Bianchi/)
    assert.match(jose.stdout, /respinta da Sportello il .* — motivo: non residente/)
    assert.match(jose.stdout, /Nessun avviso inviato a questo numero\./)
    const ugo = await runCli(['subscribers', 'show', 'Verdi'], dataDir)
    assert.match(ugo.stdout, new RegExp(`invio ${sent.json.id}: non riuscito, messaggio non recapitabile: .* \\[131026\\]`))

    // Several citizens match: the clerk is asked for the number (exit 4), nothing guessed.
    const many = await runCli(['subscribers', 'show', 'i'], dataDir)
    assert.equal(many.code, 4)
    assert.match(many.stderr, /Più cittadini corrispondono a "i"/)
    const none = await runCli(['subscribers', 'show', 'Zanardi'], dataDir)
    assert.equal(none.code, 4)
    assert.match(none.stderr, /Nessun cittadino corrisponde a "Zanardi"/)

    // requests --search: every status by default, by name or number.
    const byName = await runJson<Req[]>(['requests', '--search', 'JOSÉ'], dataDir)
    assert.deepEqual(byName.json.map(r => [r.id, r.status]), [[ids[1], 'rejected']])
    const byNumber = await runJson<Req[]>(['requests', '--search', '333 123 4567'], dataDir)
    assert.deepEqual(byNumber.json.map(r => r.id), [ids[0]])
    assert.deepEqual((await runJson<Req[]>(['requests', '--search', ids[2].slice(0, 6).toUpperCase()], dataDir)).json.map(r => r.id), [ids[2]])
    assert.deepEqual((await runJson<Req[]>(['requests', '--search', 'rossi', '--status', 'pending'], dataDir)).json, [])
    assert.deepEqual((await runJson<Req[]>(['requests'], dataDir)).json, [], 'without --search the default is still pending')
  })
})

import {strict as assert} from 'node:assert'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {runCli, runJson} from '../helpers/cli.js'
import {broadcastEach} from '../helpers/each.js'
import {type FakeCloudApi} from '../helpers/fake-cloud-api.js'
import {KEY, PtySession} from '../helpers/pty.js'
import {
  apiEnv, phoneOf, seedSubscribers, writeNotice,
} from './broadcast.helpers.js'

function setPrice(dataDir: string, price: number): void {
  const file = path.join(dataDir, 'config.json')
  writeFileSync(file, JSON.stringify({...JSON.parse(readFileSync(file, 'utf8')), pricePerMessage: price}, null, 2))
}

interface Figure {
  messages: number
  price: number
  total: number
}

describe('broadcast cost (config.json pricePerMessage)', function () {
  this.timeout(180_000)
  let dataDir: string
  let root: string
  let fake: FakeCloudApi
  let session: PtySession | undefined
  broadcastEach(f => {
    ({dataDir, fake, root} = f)
  }, () => session)

  it('the confirmation gives "Costo stimato: N × € x = € y" (pseudo-terminal)', async () => {
    seedSubscribers(dataDir, 3)
    setPrice(dataDir, 0.0354)
    session = new PtySession(['broadcast', '--file', writeNotice(root)], dataDir, apiEnv(fake))
    const shown = await session.waitFor("Inviare l'avviso a 3 destinatari?")
    assert.match(shown, /Costo stimato: 3 × € 0,0354 = € 0,11/)
    session.press(KEY.enter)
    const {exitCode} = await session.exit
    assert.equal(exitCode, 130)
    assert.equal(fake.requests.length, 0)
  })

  it('broadcast show: the estimate, then the real figure from the delivered statuses once imported; stats: the month', async () => {
    seedSubscribers(dataDir, 40)
    setPrice(dataDir, 0.0354)
    fake.configure({undeliverable: {recipients: [phoneOf(0), phoneOf(1)]}})
    const run = await runJson<{id: string; sent: number}>(['broadcast', '--file', writeNotice(root), '--yes', '--rate', '200'], dataDir, {env: apiEnv(fake)})
    assert.equal(run.code, 0, run.stderr)
    const before = await runCli(['broadcast', 'show', run.json.id], dataDir)
    assert.match(before.stdout, /Costo stimato: 40 × € 0,0354 = € 1,42/)
    assert.match(before.stdout, /Costo effettivo: ancora nessuna notifica di consegna importata/)

    const statuses = path.join(root, 'stati.ndjson')
    writeFileSync(statuses, fake.statusWebhooks({statusesPerEnvelope: 50}).map(p => JSON.stringify(p)).join('\n') + '\n')
    const imported = await runCli(['import', statuses], dataDir)
    assert.equal(imported.code, 0, imported.stderr)
    const after = await runCli(['broadcast', 'show', run.json.id], dataDir)
    assert.match(after.stdout, /Costo effettivo \(messaggi consegnati, dalle notifiche di stato importate\): 38 × € 0,0354 = € 1,35/)
    const json = await runJson<{cost: {actual: Figure; estimated: Figure}}>(['broadcast', 'show', run.json.id], dataDir)
    assert.deepEqual(json.json.cost, {actual: {messages: 38, price: 0.0354, total: 1.35}, estimated: {messages: 40, price: 0.0354, total: 1.42}})

    const stats = await runJson<{cost: {messages: number; total: number}}>(['stats'], dataDir)
    assert.deepEqual([stats.json.cost.messages, stats.json.cost.total], [38, 1.35])
    const human = await runCli(['stats'], dataDir)
    assert.match(human.stdout, /Costo dei messaggi consegnati in \S+ \d{4}: € 1,35 \(38 messaggi\)/)
  })

  it('without pricePerMessage nothing about cost is shown', async () => {
    seedSubscribers(dataDir, 2)
    const run = await runJson<{id: string}>(['broadcast', '--file', writeNotice(root), '--yes'], dataDir, {env: apiEnv(fake)})
    assert.equal(run.code, 0, run.stderr)
    const show = await runCli(['broadcast', 'show', run.json.id], dataDir)
    const stats = await runJson<Record<string, unknown>>(['stats'], dataDir)
    assert.doesNotMatch(show.stdout, /Costo/)
    assert.equal(stats.json.cost, undefined)
  })
})

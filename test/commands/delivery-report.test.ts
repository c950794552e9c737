import {strict as assert} from 'node:assert'
import {writeFileSync} from 'node:fs'
import path from 'node:path'

import {freshDataDir, runCli, runJson} from '../helpers/cli.js'
import {type FakeCloudApi, startFakeCloudApi, statusWebhooksFor} from '../helpers/fake-cloud-api.js'
import {
  apiEnv, phoneOf, seedSubscribers, writeNotice,
} from './broadcast.helpers.js'

/** #14 point 8: a delivery report names the citizen, says why in words with the code in brackets, and lists subjects. */
describe('broadcast show and list in the clerk\'s words', function () {
  this.timeout(120_000)
  let fake: FakeCloudApi
  let d: Awaited<ReturnType<typeof freshDataDir>>

  before(async () => {
    d = await freshDataDir()
    seedSubscribers(d.dataDir, 4)
    fake = await startFakeCloudApi({
      // One refused at once, one accepted and then not delivered; one answer lost (uncertain).
      dropRequests: [3],
      permanent: {recipients: [phoneOf(0)]},
      undeliverable: {recipients: [phoneOf(1)]},
    })
  })

  after(async () => {
    await fake.close()
    d.cleanup()
  })

  it('problems come with the name in the registry, one outcome, and the reason in Italian with its code', async () => {
    const sent = await runJson<{id: string}>(['broadcast', '--file', writeNotice(d.root), '--yes', '--rate', '50'], d.dataDir, {env: apiEnv(fake)})
    assert.equal(sent.code, 7, sent.stderr)
    const dump = path.join(d.root, 'stati.ndjson')
    writeFileSync(dump, statusWebhooksFor(fake.requests).map(e => JSON.stringify(e)).join('\n') + '\n')
    assert.equal((await runCli(['import', dump], d.dataDir)).code, 0)

    const show = await runCli(['broadcast', 'show', sent.json.id], d.dataDir)
    assert.equal(show.code, 0, show.stderr)
    const row = (i: number) => show.stdout.split('\n').find(l => l.includes('Cittadino ' + i)) ?? ''
    assert.match(row(0), /non riuscito +messaggio non recapitabile.* \[131026\]$/)
    assert.match(row(1), /non consegnato +messaggio non recapitabile.* \[131026\]$/)
    assert.doesNotMatch(row(1), /Cittadino 1 +accettato/)
    assert.match(show.stdout, /incerto +la connessione si è interrotta dopo l'invio: non si sa se il messaggio è arrivato \[transport:after-send\]/)
    assert.match(show.stdout, /3 destinatari con problemi:/)

    const json = await runJson<{recipients: Record<string, unknown>[]}>(['broadcast', 'show', sent.json.id], d.dataDir)
    assert.deepEqual(Object.keys(json.json.recipients[0]).sort(), ['delivery', 'errorCode', 'outcome', 'phone', 'wamid'], 'the --json shape is the contract')

    const list = await runCli(['broadcast', 'list'], d.dataDir)
    assert.match(list.stdout, /Avviso/)
    assert.match(list.stdout, /COMUNE DI CERVENO - AVVISO/)
    assert.match(list.stdout, /COMUNE DI CERVENO - AVVISO\. Martedì 18… /)
    const listJson = await runJson<Record<string, unknown>[]>(['broadcast', 'list'], d.dataDir)
    assert.equal(listJson.json[0].subject, undefined, 'the --json shape is the contract')
  })
})

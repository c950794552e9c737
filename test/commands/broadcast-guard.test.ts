import {strict as assert} from 'node:assert'
import {createServer} from 'node:net'

import {runCli, runJson} from '../helpers/cli.js'
import {broadcastEach} from '../helpers/each.js'
import {FAKE_TOKEN, type FakeCloudApi} from '../helpers/fake-cloud-api.js'
import {KEY, PtySession} from '../helpers/pty.js'
import {
  acceptedCounts, apiEnv, assertSecretAbsent, runIds, seedSubscribers, writeNotice,
} from './broadcast.helpers.js'

interface Result {
  failed: number
  id: string
  sent: number
}
interface Report {
  recipients: {outcome: string}[]
  totals: {failed: number; pending: number; sent: number; uncertain: number}
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => {
    server.listen(0, '127.0.0.1', resolve)
  })
  const {port} = server.address() as {port: number}
  await new Promise(resolve => {
    server.close(resolve)
  })
  return port
}

describe('broadcast: no accidental resend, no connection (CLI)', function () {
  this.timeout(120_000)
  let dataDir: string
  let root: string
  let fake: FakeCloudApi
  let session: PtySession | undefined
  broadcastEach(f => {
    ({dataDir, fake, root} = f)
  }, () => session)

  it('the same notice again: refused under --yes (exit 4) naming the earlier run, named in the confirmation, sent with --again', async () => {
    const phones = seedSubscribers(dataDir, 4)
    const notice = writeNotice(root)
    // A dry run and a test send of the same notice do not count as earlier sends.
    assert.equal((await runCli(['broadcast', '--file', notice, '--dry-run'], dataDir, {env: apiEnv(fake)})).code, 0)
    assert.equal((await runCli(['broadcast', '--file', notice, '--to', phones[0], '--yes'], dataDir, {env: apiEnv(fake)})).code, 0)
    const first = await runJson<Result>(['broadcast', '--file', notice, '--yes', '--rate', '100'], dataDir, {env: apiEnv(fake)})
    assert.equal(first.code, 0, first.stderr)

    const again = await runCli(['broadcast', '--file', notice, '--yes'], dataDir, {env: apiEnv(fake)})
    assert.equal(again.code, 4, again.stderr)
    assert.match(again.stderr, new RegExp(`già stato inviato .* \\(invio ${first.json.id}: 4 accettati su 4 destinatari\\)`))
    assert.match(again.stderr, new RegExp(`--resume ${first.json.id}.*--retry-failed ${first.json.id}.*--again`, 's'))
    assert.equal(fake.accepted().length, 5)
    assert.equal(runIds(dataDir).length, 3)

    // A different text is not the same notice.
    const other = await runCli(['broadcast', '--file', writeNotice(root, 'Altro avviso', 'altro.txt'), '--yes'], dataDir, {env: apiEnv(fake)})
    assert.equal(other.code, 0, other.stderr)

    session = new PtySession(['broadcast', '--file', notice], dataDir, apiEnv(fake))
    const shown = await session.waitFor("Inviare l'avviso a 4 destinatari?")
    assert.match(shown, new RegExp(`stesso avviso è già stato inviato il .* \\(invio ${first.json.id}\\): 4 accettati su 4 destinatari`))
    assert.match(shown, new RegExp(`cerveno-info broadcast --resume ${first.json.id}`))
    assert.match(shown, new RegExp(`cerveno-info broadcast --retry-failed ${first.json.id}`))
    session.press(KEY.enter)
    assert.equal((await session.exit).exitCode, 130)

    const forced = await runJson<Result>(['broadcast', '--file', notice, '--yes', '--again'], dataDir, {env: apiEnv(fake)})
    assert.equal(forced.code, 0, forced.stderr)
    assert.equal(forced.json.sent, 4)
    assert.deepEqual(phones.map(p => acceptedCounts(fake).get(p)), [4, 3, 3, 3])
    assertSecretAbsent(FAKE_TOKEN, dataDir, [again.stderr, session.screen])
  })

  it('WhatsApp unreachable: exit 5 "Nessuna connessione", nobody marked failed; --resume later sends to all exactly once', async () => {
    const phones = seedSubscribers(dataDir, 6)
    const notice = writeNotice(root)
    const down = {...apiEnv(fake), WHATSAPP_API_URL: `http://127.0.0.1:${await closedPort()}`}
    const r = await runCli(['broadcast', '--file', notice, '--yes'], dataDir, {env: down})
    assert.equal(r.code, 5, r.stderr)
    assert.match(r.stderr, /Nessuna connessione a WhatsApp \(connessione rifiutata \[ECONNREFUSED\]\)/)
    assert.match(r.stderr, /Controllare la connessione a Internet/)
    const [id] = runIds(dataDir)
    assert.match(r.stderr, new RegExp(`cerveno-info broadcast --resume ${id}`))
    const report = (await runJson<Report>(['broadcast', 'show', id], dataDir)).json
    assert.deepEqual([report.totals.failed, report.totals.uncertain, report.totals.sent, report.totals.pending], [0, 0, 0, 6])

    const resumed = await runJson<Result>(['broadcast', '--resume', id, '--yes'], dataDir, {env: apiEnv(fake)})
    assert.equal(resumed.code, 0, resumed.stderr)
    assert.deepEqual([resumed.json.sent, resumed.json.failed], [6, 0])
    assert.deepEqual(phones.map(p => acceptedCounts(fake).get(p)), [1, 1, 1, 1, 1, 1])
  })
})

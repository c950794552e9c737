import {strict as assert} from 'node:assert'

import {broadcastEach} from '../helpers/each.js'
import {FAKE_TOKEN, type FakeCloudApi} from '../helpers/fake-cloud-api.js'
import {KEY, PtySession} from '../helpers/pty.js'
import {
  apiEnv, assertSecretAbsent, runIds, seedSubscribers, writeNotice,
} from './broadcast.helpers.js'

describe('broadcast confirmation in a terminal (pseudo-terminal, real key presses)', function () {
  this.timeout(120_000)
  let dataDir: string
  let root: string
  let fake: FakeCloudApi
  let session: PtySession | undefined
  broadcastEach(f => {
    ({dataDir, fake, root} = f)
  }, () => session)

  beforeEach(() => {
    seedSubscribers(dataDir, 3)
  })

  it('shows recipients, preview, duration and budget; "Sì, invia" sends to everyone', async () => {
    session = new PtySession(['broadcast', '--file', writeNotice(root), '--rate', '100'], dataDir, apiEnv(fake))
    const shown = await session.waitFor("Inviare l'avviso a 3 destinatari?")
    assert.match(shown, /Destinatari: 3 iscritti attivi/)
    assert.match(shown, /│ COMUNE DI CERVENO - AVVISO\. Martedì 18 marzo/)
    assert.match(shown, /Durata stimata: circa 1 secondo \(100 messaggi al secondo\)/)
    assert.match(shown, /Limite giornaliero WhatsApp: 250 destinatari nelle 24 ore; già raggiunti 0; disponibili 250/)
    assert.equal(fake.requests.length, 0, 'nothing before the answer')
    assert.match(shown + (await session.waitFor('Invio per confermare')), /↑↓ per scegliere/)
    session.press(KEY.down, KEY.enter)
    await session.waitFor(/completato/)
    const {exitCode} = await session.exit
    assert.equal(exitCode, 0, session.screen)
    assert.equal(fake.accepted().length, 3)
    assertSecretAbsent(FAKE_TOKEN, dataDir, [session.screen])
  })

  it('the default answer (Enter) cancels: exit 130, nothing sent, no run recorded', async () => {
    session = new PtySession(['broadcast', '--file', writeNotice(root)], dataDir, apiEnv(fake))
    await session.waitFor("Inviare l'avviso a 3 destinatari?")
    session.press(KEY.enter)
    const {exitCode} = await session.exit
    assert.equal(exitCode, 130, session.screen)
    assert.match(session.screen, /Operazione annullata/)
    assert.equal(fake.requests.length, 0)
    assert.deepEqual(runIds(dataDir), [])
  })

  it('the budget warning appears when the run exceeds the daily messaging limit', async () => {
    seedSubscribers(dataDir, 1200)
    session = new PtySession(['broadcast', '--file', writeNotice(root)], dataDir, apiEnv(fake))
    const shown = await session.waitFor("Inviare l'avviso a 1200 destinatari?")
    assert.match(shown, /supera il limite giornaliero/)
    session.press(KEY.ctrlC)
    const {exitCode} = await session.exit
    assert.equal(exitCode, 130)
    assert.equal(fake.requests.length, 0)
  })
})

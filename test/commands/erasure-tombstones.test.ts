import {strict as assert} from 'node:assert'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {readTable, writeTable} from '../../src/io/csv-table.js'
import {REQUESTS} from '../../src/io/tables.js'
import {runCli, runJson} from '../helpers/cli.js'
import {freshDataDirEach} from '../helpers/each.js'
import {KEY, PtySession} from '../helpers/pty.js'
import {inboundEnvelope} from '../helpers/webhooks.js'

interface Req {
  id: string
  phone: null | string
  status: string
}
interface ImportJson {
  duplicates: number
  erased: number
  newRequests: number
}

const T0 = Date.parse('2026-03-02T09:00:00+01:00') / 1000
const CHAT = [
  '01/03/26, 08:10 - +39 333 123 4567: Servizio Info ON Paolo Rossi',
  '01/03/26, 08:12 - +39 333 123 4568: Servizio Info ON Anna Bianchi',
  '',
].join('\n')

describe('erasure tombstones: an erased citizen does not come back (CLI)', function () {
  this.timeout(120_000)
  let dataDir: string
  let root: string
  freshDataDirEach(f => {
    ({dataDir, root} = f)
  })

  it('erase → re-import the same chat and dump → nothing new, said in the summary; a new message is a new request flagged in review', async () => {
    const dump = path.join(root, 'dump.json')
    writeFileSync(dump, JSON.stringify(inboundEnvelope([
      {
        body: 'Servizio Info OFF', from: '393331234567', id: 'wamid.A', ts: T0,
      },
      {
        body: 'Servizio Info ON Ugo Verdi', from: '393331234569', id: 'wamid.B', ts: T0 + 60,
      },
    ])))
    const chat = path.join(root, 'Chat WhatsApp con Comune.txt')
    writeFileSync(chat, CHAT)
    const first = await runJson<ImportJson>(['import', chat, dump], dataDir)
    assert.equal(first.code, 0, first.stderr)
    assert.deepEqual([first.json.newRequests, first.json.erased], [4, 0])

    const erase = await runCli(['privacy', 'erase', '+39 333 123 4567', '--yes'], dataDir)
    assert.equal(erase.code, 0, erase.stderr)
    const tomb = readFileSync(path.join(dataDir, 'cancellazioni.json'), 'utf8')
    for (const secret of ['3331234567', '333 123 4567', 'Paolo', 'Rossi', 'wamid.A']) assert.ok(!tomb.includes(secret), secret)
    const left = (await runJson<Req[]>(['requests', '--status', 'all'], dataDir)).json
    assert.deepEqual(left.map(r => r.phone).sort(), ['+393331234568', '+393331234569'])

    // The weekly routine imports the same folder again: the erased messages stay out, and the summary says so.
    const again = await runJson<ImportJson>(['import', chat, dump], dataDir)
    assert.equal(again.code, 0, again.stderr)
    assert.deepEqual([again.json.newRequests, again.json.erased, again.json.duplicates], [0, 2, 2])
    const human = await runCli(['import', chat, dump], dataDir)
    assert.match(human.stdout, /2 richieste non importate: appartengono a cittadini i cui dati sono stati cancellati/)
    assert.deepEqual((await runJson<Req[]>(['requests', '--status', 'all'], dataDir)).json.map(r => r.id).sort(), left.map(r => r.id).sort())

    // A new message from that number is a new request; its review card says the data were erased, and when.
    const fresh = path.join(root, 'fresh.json')
    writeFileSync(fresh, JSON.stringify(inboundEnvelope([{
      body: 'Servizio Info ON Paolo Rossi', from: '393331234567', id: 'wamid.NEW', ts: T0 + 86_400,
    }])))
    assert.equal((await runJson<ImportJson>(['import', fresh], dataDir)).json.newRequests, 1)
    assert.equal((await runCli(['review', '--approve-all'], dataDir)).code, 0)
    writeFileSync(fresh, JSON.stringify(inboundEnvelope([{
      body: 'Servizio Info OFF', from: '393331234567', id: 'wamid.NEW2', ts: T0 + 2 * 86_400,
    }])))
    assert.equal((await runJson<ImportJson>(['import', fresh], dataDir)).json.newRequests, 1)
    const s = new PtySession(['review'], dataDir)
    try {
      await s.waitFor('+39 333 123 4567')
      const card = await s.waitFor('Decisione')
      const today = new Intl.DateTimeFormat('it-IT', {
        day: '2-digit', month: '2-digit', timeZone: 'Europe/Rome', year: 'numeric',
      }).format(new Date())
      assert.match(card, new RegExp(`i dati di questo numero sono stati cancellati il ${today} su richiesta del cittadino`))
      s.press(KEY.ctrlC)
      await s.exit
    } finally {
      s.kill()
    }
  })

  it('requests removed by privacy purge do not come back with a re-import either', async () => {
    const oldTs = Math.floor(Date.now() / 1000) - 3 * 365 * 86_400
    const dump = path.join(root, 'old.json')
    writeFileSync(dump, JSON.stringify(inboundEnvelope([{
      body: 'Servizio Info ON Ugo Neri', from: '393339998877', id: 'wamid.OLD', ts: oldTs,
    }])))
    assert.equal((await runJson<ImportJson>(['import', dump], dataDir)).json.newRequests, 1)
    // Rejected three years ago (written as a hand edit: a decision cannot be back-dated otherwise).
    const file = path.join(dataDir, 'richieste.csv')
    const {rows} = readTable(REQUESTS, readFileSync(file), file)
    const old = new Date(oldTs * 1000).toISOString().replace(/\.\d+Z$/, '+00:00')
    writeFileSync(file, writeTable(REQUESTS, rows.map(r => ({
      ...r, decidedAt: old, decidedBy: 'Anagrafe', reason: 'non residente', status: 'rejected' as const,
    }))))
    const purged = await runJson<{requestsGone: {id: string}[]}>(['privacy', 'purge', '--yes'], dataDir)
    assert.equal(purged.code, 0, purged.stderr)
    assert.equal(purged.json.requestsGone.length, 1)
    const again = await runJson<ImportJson>(['import', dump], dataDir)
    assert.deepEqual([again.json.newRequests, again.json.erased], [0, 1])
    assert.deepEqual((await runJson<Req[]>(['requests', '--status', 'all'], dataDir)).json, [])
  })
})

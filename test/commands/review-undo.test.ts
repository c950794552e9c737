import {strict as assert} from 'node:assert'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {runCli, runJson} from '../helpers/cli.js'
import {freshDataDirEach} from '../helpers/each.js'
import {KEY, PtySession} from '../helpers/pty.js'
import {inboundEnvelope, type InboundText} from '../helpers/webhooks.js'

interface Req {
  decidedAt?: string
  id: string
  status: string
}
interface Sub {
  phone: string
  status: string
  subscribedAt: string
}

const T0 = Date.parse('2026-03-02T09:00:00+01:00') / 1000
const pause = (ms: number) => new Promise(r => {
  setTimeout(r, ms)
})

async function importMessages(dataDir: string, root: string, messages: InboundText[]): Promise<void> {
  const file = path.join(root, 'dump.json')
  writeFileSync(file, JSON.stringify(inboundEnvelope(messages)))
  const r = await runCli(['import', file], dataDir)
  assert.equal(r.code, 0, r.stderr + r.stdout)
}

const all = async (dataDir: string) => (await runJson<Req[]>(['requests', '--status', 'all'], dataDir)).json
const subs = async (dataDir: string) => (await runJson<Sub[]>(['subscribers', '--status', 'all'], dataDir)).json
const audit = (dataDir: string) =>
  readFileSync(path.join(dataDir, 'registro.jsonl'), 'utf8').trim().split('\n').map(l => JSON.parse(l) as {action: string; after?: {status?: string}; operator: string; subject: string; ts: string})

const THREE: InboundText[] = [
  {
    body: 'Servizio Info ON Paolo Rossi', from: '393331234567', id: 'wamid.A', ts: T0,
  },
  {
    body: 'Servizio Info ON Anna Bianchi', from: '393331234568', id: 'wamid.B', ts: T0 + 60,
  },
  {
    body: 'Servizio Info ON Marco Verdi', from: '393331234569', id: 'wamid.C', ts: T0 + 120,
  },
]

describe('review: own times, undo, Ctrl-C (CLI)', () => {
  let dataDir: string
  let root: string
  freshDataDirEach(f => {
    ({dataDir, root} = f)
  })

  it('interactive: each decision carries its own time; undo the last one; Ctrl-C says how many were saved', async function () {
    this.timeout(120_000)
    await importMessages(dataDir, root, THREE)
    const ids = (await all(dataDir)).map(r => r.id)
    const s = new PtySession(['review', '--operator', 'Sportello'], dataDir)
    try {
      await s.waitFor('Richiesta 1 di 3')
      await s.waitFor('Decisione')
      s.press(KEY.enter)
      await s.waitFor('Approvata.')
      await s.waitFor('Richiesta 2 di 3')
      await s.waitFor('Decisione')
      await pause(1100)
      s.press(KEY.enter)
      await s.waitFor('Approvata.')
      // 3: undo the approval of request 2 (the entry just before "Esci").
      await s.waitFor('Richiesta 3 di 3')
      await s.waitFor(`Annulla l'ultima decisione (richiesta ${ids[1]})`)
      s.press(KEY.up, KEY.up, KEY.enter)
      await s.waitFor(`Decisione annullata: la richiesta ${ids[1]} è di nuovo in attesa e il numero è tolto dagli iscritti.`)
      // Request 2 comes back first (oldest), then 3; approve both, a second apart.
      await s.waitFor(`id ${ids[1]}`)
      await s.waitFor('Decisione')
      await pause(1100)
      s.press(KEY.enter)
      await s.waitFor('Approvata.')
      await s.waitFor(`id ${ids[2]}`)
      await s.waitFor('Decisione')
      s.press(KEY.ctrlC)
      await s.waitFor('2 decisioni salvate; per continuare: cerveno-info review')
      assert.equal((await s.exit).exitCode, 130)
    } finally {
      s.kill()
    }

    const byId = new Map((await all(dataDir)).map(r => [r.id, r]))
    assert.deepEqual(ids.map(id => byId.get(id)!.status), ['approved', 'approved', 'pending'])
    const t1 = byId.get(ids[0])!.decidedAt!
    const t2 = byId.get(ids[1])!.decidedAt!
    assert.notEqual(t1, t2, 'two decisions a second apart carry different times')
    const registry = new Map((await subs(dataDir)).map(x => [x.phone, x.subscribedAt]))
    assert.equal(registry.get('+393331234567'), t1)
    assert.equal(registry.get('+393331234568'), t2)
    const trail = audit(dataDir).filter(a => a.operator === 'Sportello').map(a => [a.action, a.subject])
    assert.deepEqual(trail, [
      ['request.approve', ids[0]],
      ['subscriber.add', '+393331234567'],
      ['request.approve', ids[1]],
      ['subscriber.add', '+393331234568'],
      ['request.reopen', ids[1]],
      ['subscriber.remove', '+393331234568'],
      ['request.approve', ids[1]],
      ['subscriber.add', '+393331234568'],
    ])
  })

  it('--reopen an approval: the subscription it created is removed, audited; a reactivation goes back to ceased', async () => {
    await importMessages(dataDir, root, THREE)
    const ids = (await all(dataDir)).map(r => r.id)
    // Ids typed in capitals are accepted.
    assert.equal((await runCli(['review', '--approve', ids[0].toUpperCase(), ids[1]], dataDir)).code, 0)
    const r = await runCli(['review', '--reopen', ids[0].toUpperCase()], dataDir)
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /è di nuovo in attesa e il numero è tolto dagli iscritti/)
    assert.deepEqual((await all(dataDir)).map(x => x.status), ['pending', 'approved', 'pending'])
    assert.deepEqual((await subs(dataDir)).map(x => x.phone), ['+393331234568'])
    const last = audit(dataDir).slice(-2)
    assert.deepEqual(last.map(a => [a.action, a.subject]), [['request.reopen', ids[0]], ['subscriber.remove', '+393331234567']])

    // OFF approved, then reopened: the subscription is active again.
    await importMessages(dataDir, root, [{
      body: 'Servizio Info OFF', from: '393331234568', id: 'wamid.OFF', ts: T0 + 600,
    }])
    const off = (await runJson<Req[]>(['requests'], dataDir)).json.find(x => !ids.includes(x.id))!
    assert.equal((await runCli(['review', '--approve', off.id], dataDir)).code, 0)
    assert.equal((await subs(dataDir)).find(x => x.phone === '+393331234568')!.status, 'ceased')
    const j = await runJson<{reopened: {id: string; subscriber: string}}>(['review', '--reopen', off.id], dataDir)
    assert.deepEqual(j.json.reopened, {id: off.id, subscriber: 'active'})
    assert.equal((await subs(dataDir)).find(x => x.phone === '+393331234568')!.status, 'active')
    const revert = audit(dataDir).at(-1)!
    assert.equal(revert.action, 'subscriber.revert')
    assert.equal(revert.after?.status, 'active')
  })

  it('--reopen a rejection puts it back to pending; refused with a reason when a later decision depends on it', async () => {
    await importMessages(dataDir, root, THREE)
    const ids = (await all(dataDir)).map(r => r.id)
    assert.equal((await runCli(['review', '--reject', ids[0], '--reason', 'non residente'], dataDir)).code, 0)
    const r = await runCli(['review', '--reopen', ids[0]], dataDir)
    assert.equal(r.code, 0, r.stderr)
    const back = (await all(dataDir))[0] as Req & {reason?: string}
    assert.deepEqual([back.status, back.reason, back.decidedAt], ['pending', undefined, undefined])
    assert.equal(audit(dataDir).at(-1)!.action, 'request.reopen')

    // Still pending: nothing to undo.
    const pending = await runCli(['review', '--reopen', ids[0]], dataDir)
    assert.equal(pending.code, 4)
    assert.match(pending.stderr, /è ancora in attesa/)

    // Approve Paolo, then a newer OFF of his is approved: the first approval can no longer be undone alone.
    assert.equal((await runCli(['review', '--approve', ids[0]], dataDir)).code, 0)
    await importMessages(dataDir, root, [{
      body: 'Servizio Info OFF', from: '393331234567', id: 'wamid.OFF', ts: T0 + 900,
    }])
    const off = (await runJson<Req[]>(['requests'], dataDir)).json.find(x => !ids.includes(x.id))!
    await pause(1100)
    assert.equal((await runCli(['review', '--approve', off.id], dataDir)).code, 0)
    const before = readFileSync(path.join(dataDir, 'iscritti.csv'))
    const blocked = await runCli(['review', '--reopen', ids[0]], dataDir)
    assert.equal(blocked.code, 4)
    assert.match(blocked.stderr, new RegExp(`Impossibile annullare.*${off.id}.*--reopen ${off.id}`, 's'))
    assert.deepEqual(readFileSync(path.join(dataDir, 'iscritti.csv')), before)
    const decided = await runCli(['review', '--approve', ids[0]], dataDir)
    assert.equal(decided.code, 4)
    assert.match(decided.stderr, /già stata decisa \(approvata\).*--reopen/s)
  })

  it('--approve-all says why each skipped request stays pending', async () => {
    await importMessages(dataDir, root, [
      ...THREE.slice(0, 1),
      {
        body: 'Servizio Info OFF', from: '393339999999', id: 'wamid.X', ts: T0 + 30,
      },
      {
        body: 'Servizio Info ON Ugo Neri', id: 'wamid.D', ts: T0 + 90, userId: 'IT.8a7b6c5d4e',
      },
    ])
    const r = await runCli(['review', '--approve-all'], dataDir)
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /2 richieste restano in attesa:/)
    assert.match(r.stdout, /: chiede la cancellazione ma il numero non è iscritto/)
    assert.match(r.stdout, /: manca il numero di telefono/)
  })

  it('interactive: correcting a name offers the old one (Tab to edit it, Enter to keep it)', async function () {
    this.timeout(60_000)
    await importMessages(dataDir, root, THREE.slice(0, 1))
    const s = new PtySession(['review'], dataDir)
    try {
      await s.waitFor('Decisione')
      s.press(KEY.down, KEY.down, KEY.enter)
      await s.waitFor('Cosa correggere')
      s.press(KEY.enter)
      await s.waitFor('(Paolo Rossi)')
      s.press('\t')
      s.type(' Bianchi')
      s.press(KEY.enter)
      await s.waitFor('Corretta.')
      await s.waitFor('Paolo Rossi Bianchi')
      await s.waitFor('Decisione')
      s.press(KEY.up, KEY.enter)
      assert.equal((await s.exit).exitCode, 0)
    } finally {
      s.kill()
    }

    assert.equal((await runJson<{name: string}[]>(['requests'], dataDir)).json[0].name, 'Paolo Rossi Bianchi')
  })
})

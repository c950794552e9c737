import {strict as assert} from 'node:assert'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {runCli, runJson} from '../helpers/cli.js'
import {freshDataDirEach} from '../helpers/each.js'
import {KEY, PtySession} from '../helpers/pty.js'
import {inboundEnvelope, type InboundText} from '../helpers/webhooks.js'

interface Req {
  action: string
  id: string
  name: null | string
  phone: null | string
  reason?: string
  status: string
}

const T0 = Date.parse('2026-03-02T09:00:00+01:00') / 1000

async function importMessages(dataDir: string, root: string, messages: InboundText[], name = 'dump.json'): Promise<void> {
  const file = path.join(root, name)
  writeFileSync(file, JSON.stringify(inboundEnvelope(messages)))
  const r = await runCli(['import', file], dataDir)
  assert.equal(r.code, 0, r.stderr + r.stdout)
}

async function queue(dataDir: string, status = 'pending'): Promise<Req[]> {
  return (await runJson<Req[]>(['requests', '--status', status], dataDir)).json
}

const bytes = (dataDir: string) => ['iscritti.csv', 'richieste.csv', 'registro.jsonl'].map(f => readFileSync(path.join(dataDir, f)))

describe('review (CLI)', () => {
  let dataDir: string
  let root: string
  freshDataDirEach(f => {
    ({dataDir, root} = f)
  })

  it('batch flags approve, reject with a reason and discard; --json returns the decisions', async () => {
    await importMessages(dataDir, root, [
      {
        body: 'Servizio Info ON Paolo Rossi', from: '393331234567', id: 'wamid.A', ts: T0,
      },
      {
        body: 'Servizio Info ON Anna Bianchi', from: '393331234568', id: 'wamid.B', ts: T0 + 60,
      },
      {
        body: 'servizio info on Carla', from: '393331234569', id: 'wamid.C', ts: T0 + 120,
      },
    ])
    const [a, b, c] = await queue(dataDir)
    const r = await runJson<{approved: number; decisions: Req[]; discarded: number; pending: number; rejected: number}>(
      ['review', '--approve', a.id, '--reject', b.id, '--reason', 'non residente', '--discard', c.id, '--operator', 'Anagrafe'],
      dataDir,
    )
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual([r.json.approved, r.json.rejected, r.json.discarded, r.json.pending], [1, 1, 1, 0])
    const byId = new Map(r.json.decisions.map(d => [d.id, d]))
    assert.equal(byId.get(a.id)!.status, 'approved')
    assert.equal(byId.get(b.id)!.reason, 'non residente')
    assert.equal(byId.get(c.id)!.status, 'discarded')
    const subs = (await runJson<{name: string; phone: string; requestId: string; status: string}[]>(['subscribers'], dataDir)).json
    assert.deepEqual(subs.map(s => [s.phone, s.name, s.status, s.requestId]), [['+393331234567', 'Paolo Rossi', 'active', a.id]])
    const audit = readFileSync(path.join(dataDir, 'registro.jsonl'), 'utf8').trim().split('\n').map(l => JSON.parse(l))
    const decisions = audit.filter(x => x.action.startsWith('request.') && x.action !== 'request.import')
    assert.deepEqual(decisions.map(x => [x.action, x.operator]), [['request.approve', 'Anagrafe'], ['request.reject', 'Anagrafe'], ['request.discard', 'Anagrafe']])
  })

  it('a batch is all or nothing: an unknown or already decided id → exit 4 naming it, nothing applied', async () => {
    await importMessages(dataDir, root, [
      {
        body: 'Servizio Info ON Paolo Rossi', from: '393331234567', id: 'wamid.A', ts: T0,
      },
      {
        body: 'Servizio Info ON Anna Bianchi', from: '393331234568', id: 'wamid.B', ts: T0 + 60,
      },
    ])
    const [a, b] = await queue(dataDir)
    const before = bytes(dataDir)
    const unknown = await runJson<{error: {code: string; message: string}}>(['review', '--approve', a.id, 'deadbeef00'], dataDir)
    assert.equal(unknown.code, 4)
    assert.equal(unknown.json.error.code, 'UNKNOWN_REQUEST')
    assert.match(unknown.json.error.message, /deadbeef00/)
    assert.deepEqual(bytes(dataDir), before)

    assert.equal((await runCli(['review', '--approve', b.id], dataDir)).code, 0)
    const mid = bytes(dataDir)
    const decided = await runJson<{error: {code: string; message: string}}>(['review', '--approve', a.id, b.id], dataDir)
    assert.equal(decided.code, 4)
    assert.equal(decided.json.error.code, 'ALREADY_DECIDED')
    assert.match(decided.json.error.message, new RegExp(b.id))
    assert.deepEqual(bytes(dataDir), mid)
  })

  it('a newer request supersedes older pending ones; OFF approved ceases; ON from a ceased citizen reactivates', async () => {
    await importMessages(dataDir, root, [{
      body: 'Servizio Info ON Paolo Rossi', from: '393331234567', id: 'wamid.A', ts: T0,
    }], 'a.json')
    await importMessages(dataDir, root, [{
      body: 'Servizio Info ON Paolo G. Rossi', from: '393331234567', id: 'wamid.B', ts: T0 + 3600,
    }], 'b.json')
    const pending = await queue(dataDir)
    assert.deepEqual(pending.map(p => p.name), ['Paolo G. Rossi'])
    const superseded = await queue(dataDir, 'superseded')
    assert.deepEqual(superseded.map(p => [p.name, p.reason]), [['Paolo Rossi', pending[0].id]])
    assert.equal((await runCli(['review', '--approve', pending[0].id], dataDir)).code, 0)

    await importMessages(dataDir, root, [{
      body: 'Servizio Info OFF', from: '393331234567', id: 'wamid.C', ts: T0 + 7200,
    }], 'c.json')
    const off = await queue(dataDir)
    assert.equal((await runCli(['review', '--approve', off[0].id], dataDir)).code, 0)
    let subs = (await runJson<{ceasedAt?: string; name: string; status: string}[]>(['subscribers', '--status', 'all'], dataDir)).json
    assert.equal(subs[0].status, 'ceased')
    assert.ok(subs[0].ceasedAt)

    await importMessages(dataDir, root, [{
      body: 'Servizio Info ON Paolo Rossi', from: '393331234567', id: 'wamid.D', ts: T0 + 9000,
    }], 'd.json')
    const again = await queue(dataDir)
    const approveAll = await runJson<{approved: number}>(['review', '--approve-all'], dataDir)
    assert.equal(approveAll.json.approved, 1)
    subs = (await runJson<{ceasedAt?: string; name: string; status: string}[]>(['subscribers', '--status', 'all'], dataDir)).json
    assert.deepEqual(subs.map(s => [s.status, s.name, s.ceasedAt]), [['active', 'Paolo Rossi', undefined]])
    const audit = readFileSync(path.join(dataDir, 'registro.jsonl'), 'utf8')
    assert.match(audit, /"action":"subscriber.reactivate"/)
    assert.match(audit, new RegExp(`"subject":"${again[0].id}"`))
  })

  it('--approve-all leaves requests without a phone pending and says so', async () => {
    await importMessages(dataDir, root, [
      {
        body: 'Servizio Info ON Paolo Rossi', from: '393331234567', id: 'wamid.A', ts: T0,
      },
      {
        body: 'Servizio Info ON Ugo Senzanumero', id: 'wamid.B', ts: T0 + 60, userId: 'IT.8a7b6c5d4e',
      },
    ])
    const r = await runJson<{approved: number; pending: number; skipped: {code: string}[]}>(['review', '--approve-all'], dataDir)
    assert.equal(r.code, 0)
    assert.equal(r.json.approved, 1)
    assert.equal(r.json.pending, 1)
    assert.deepEqual(r.json.skipped.map(s => s.code), ['PHONE_REQUIRED'])
  })

  it('without a terminal and without decision flags: exit 2 with the flags to use', async () => {
    const r = await runCli(['review'], dataDir)
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--approve-all/)
  })

  it('interactive: approve, reject with a typed reason, correct a name, supply a missing phone, quit', async function () {
    this.timeout(120_000)
    await importMessages(dataDir, root, [
      {
        body: 'Servizio Info ON Paolo Rossi', from: '393331234567', id: 'wamid.A', ts: T0,
      },
      {
        body: 'Servizio Info ON Anna Bianchi', from: '393331234568', id: 'wamid.B', ts: T0 + 60,
      },
      {
        body: 'Servizio Info ON Marco Verdi', from: '393331234569', id: 'wamid.C', ts: T0 + 120,
      },
      {
        body: 'Servizio Info ON Ugo Neri', id: 'wamid.D', ts: T0 + 180, userId: 'IT.8a7b6c5d4e',
      },
      {
        body: 'Servizio Info ON Lisa Gialli', from: '393331234570', id: 'wamid.E', ts: T0 + 240,
      },
    ])
    const ids = (await queue(dataDir)).map(r => r.id)
    const s = new PtySession(['review', '--operator', 'Sportello'], dataDir)
    try {
      // 1: approve (the default choice: one key press).
      await s.waitFor('Richiesta 1 di 5')
      await s.waitFor('Decisione')
      s.press(KEY.enter)
      await s.waitFor('Approvata.')
      // 2: reject → "other reason" → typed text.
      await s.waitFor('Richiesta 2 di 5')
      await s.waitFor('Decisione')
      s.press(KEY.down, KEY.enter)
      await s.waitFor('Motivo del rifiuto')
      s.press(KEY.up, KEY.enter)
      await s.waitFor('Scrivi il motivo')
      s.type('residente in altro comune')
      s.press(KEY.enter)
      await s.waitFor('Respinta.')
      // 3: correct the name, then approve.
      await s.waitFor('Richiesta 3 di 5')
      await s.waitFor('Decisione')
      s.press(KEY.down, KEY.down, KEY.enter)
      await s.waitFor('Cosa correggere')
      s.press(KEY.enter)
      await s.waitFor('Nome e cognome')
      s.type('Marco Antonio Verdi')
      s.press(KEY.enter)
      await s.waitFor('Corretta.')
      await s.waitFor('Marco Antonio Verdi')
      await s.waitFor('Decisione')
      s.press(KEY.enter)
      await s.waitFor('Approvata.')
      // 4: no phone → the first choice asks for it; a bad number is refused, a good one accepted.
      await s.waitFor('Richiesta 4 di 5')
      await s.waitFor('(numero mancante)')
      await s.waitFor('Decisione')
      s.press(KEY.enter)
      await s.waitFor('Numero di telefono')
      s.type('12')
      s.press(KEY.enter)
      await s.waitFor('non valido')
      for (let i = 0; i < 2; i++) s.press('\u007F')
      s.type('347 123 4567')
      s.press(KEY.enter)
      await s.waitFor('Corretta.')
      await s.waitFor('+39 347 123 4567')
      await s.waitFor('Decisione')
      s.press(KEY.enter)
      await s.waitFor('Approvata.')
      // 5: quit.
      await s.waitFor('Richiesta 5 di 5')
      await s.waitFor('Decisione')
      s.press(KEY.up, KEY.enter)
      await s.waitFor('Riepilogo: 3 approvate, 1 respinte, 0 scartate, 0 rimandate, 1 ancora in attesa.')
      assert.equal((await s.exit).exitCode, 0)
    } finally {
      s.kill()
    }

    const all = new Map((await queue(dataDir, 'all')).map(r => [r.id, r]))
    assert.deepEqual(ids.map(id => all.get(id)!.status), ['approved', 'rejected', 'approved', 'approved', 'pending'])
    assert.equal(all.get(ids[1])!.reason, 'residente in altro comune')
    const subs = (await runJson<{approvedBy: string; name: string; phone: string}[]>(['subscribers'], dataDir)).json
    assert.deepEqual(subs.map(x => [x.phone, x.name, x.approvedBy]), [
      ['+393331234567', 'Paolo Rossi', 'Sportello'],
      ['+393331234569', 'Marco Antonio Verdi', 'Sportello'],
      ['+393471234567', 'Ugo Neri', 'Sportello'],
    ])
    const audit = readFileSync(path.join(dataDir, 'registro.jsonl'), 'utf8').trim().split('\n').map(l => JSON.parse(l))
    const trail = audit.filter(x => x.operator === 'Sportello').map(x => [x.action, x.subject])
    assert.deepEqual(trail, [
      ['request.approve', ids[0]],
      ['subscriber.add', '+393331234567'],
      ['request.reject', ids[1]],
      ['request.correct', ids[2]],
      ['request.approve', ids[2]],
      ['subscriber.add', '+393331234569'],
      ['request.correct', ids[3]],
      ['request.approve', ids[3]],
      ['subscriber.add', '+393471234567'],
    ])
  })

  it('Ctrl-C in the middle keeps earlier decisions and exits 130', async function () {
    this.timeout(60_000)
    await importMessages(dataDir, root, [
      {
        body: 'Servizio Info ON Paolo Rossi', from: '393331234567', id: 'wamid.A', ts: T0,
      },
      {
        body: 'Servizio Info ON Anna Bianchi', from: '393331234568', id: 'wamid.B', ts: T0 + 60,
      },
    ])
    const s = new PtySession(['review'], dataDir)
    try {
      await s.waitFor('Decisione')
      s.press(KEY.enter)
      await s.waitFor('Approvata.')
      await s.waitFor('Richiesta 2 di 2')
      await s.waitFor('Decisione')
      s.press(KEY.down, KEY.enter)
      await s.waitFor('Motivo del rifiuto')
      s.press(KEY.ctrlC)
      await s.waitFor('Operazione annullata')
      assert.equal((await s.exit).exitCode, 130)
    } finally {
      s.kill()
    }

    const all = await queue(dataDir, 'all')
    assert.deepEqual(all.map(r => r.status), ['approved', 'pending'])
    assert.equal((await runJson<unknown[]>(['subscribers'], dataDir)).json.length, 1)
  })
})

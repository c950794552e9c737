import {strict as assert} from 'node:assert'
import {
  readdirSync, readFileSync, statSync, writeFileSync,
} from 'node:fs'
import path from 'node:path'

import {
  freshDataDir, runCli, runJson, tempDir,
} from '../helpers/cli.js'

const SUBSCRIBER_KEYS = ['approvedBy', 'name', 'phone', 'status', 'subscribedAt']
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/

function registryBytes(dataDir: string): Buffer {
  return readFileSync(path.join(dataDir, 'iscritti.csv'))
}

describe('subscribers (CLI)', () => {
  let dataDir: string
  let cleanup: () => void

  beforeEach(async () => {
    ({cleanup, dataDir} = await freshDataDir())
  })

  afterEach(() => cleanup())

  it('add → list → remove → list, with the --json shapes of DESIGN §2', async () => {
    const added = await runJson<Record<string, unknown>>(['subscribers', 'add', '+39 333 1234567', 'Paolo', 'Rossi', '--operator', 'Ufficio'], dataDir)
    assert.equal(added.code, 0, added.stderr)
    assert.deepEqual(Object.keys(added.json).sort(), SUBSCRIBER_KEYS)
    assert.equal(added.json.phone, '+393331234567')
    assert.equal(added.json.name, 'Paolo Rossi')
    assert.equal(added.json.status, 'active')
    assert.equal(added.json.approvedBy, 'Ufficio')
    assert.match(String(added.json.subscribedAt), ISO)

    const list1 = await runJson<Record<string, unknown>[]>(['subscribers'], dataDir)
    assert.equal(list1.code, 0)
    assert.deepEqual(list1.json, [added.json])

    const removed = await runJson<Record<string, unknown>>(['subscribers', 'remove', '3331234567'], dataDir)
    assert.equal(removed.code, 0, removed.stderr)
    assert.deepEqual(Object.keys(removed.json).sort(), [...SUBSCRIBER_KEYS, 'ceasedAt'].sort())
    assert.equal(removed.json.status, 'ceased')
    assert.match(String(removed.json.ceasedAt), ISO)

    const active = await runJson<unknown[]>(['subscribers'], dataDir)
    assert.deepEqual(active.json, [])
    const all = await runJson<Record<string, unknown>[]>(['subscribers', '--status', 'all'], dataDir)
    assert.deepEqual(all.json, [removed.json])
    const ceased = await runJson<Record<string, unknown>[]>(['subscribers', '--status', 'ceased', '--search', 'ross'], dataDir)
    assert.equal(ceased.json.length, 1)

    const human = await runCli(['subscribers', '--status', 'all'], dataDir)
    assert.match(human.stdout, /\+39 333 123 4567 {2}Paolo Rossi {2}cessato/)

    const audit = readFileSync(path.join(dataDir, 'registro.jsonl'), 'utf8').trim().split('\n').map(l => JSON.parse(l))
    assert.deepEqual(audit.map(a => a.action), ['folder.init', 'subscriber.add', 'subscriber.cease'])
    assert.equal(audit[2].before.status, 'active')
    assert.equal(audit[2].after.status, 'ceased')
  })

  it('normalises Italian spellings to E.164 and keeps foreign numbers', async () => {
    const first = await runJson<{phone: string}>(['subscribers', 'add', '+39 333 1234567', 'Paolo Rossi'], dataDir)
    assert.equal(first.json.phone, '+393331234567')
    const before = registryBytes(dataDir)
    for (const spelling of ['0039 333 123 4567', '3331234567', '333-123-4567']) {
      const again = await runJson<{error: {code: string; message: string}}>(['subscribers', 'add', spelling, 'Paolo Rossi'], dataDir)
      assert.equal(again.code, 4, spelling)
      assert.equal(again.json.error.code, 'ALREADY_ACTIVE')
      assert.match(again.json.error.message, /\+393331234567/)
    }

    assert.deepEqual(registryBytes(dataDir), before)
    const swiss = await runJson<{phone: string}>(['subscribers', 'add', '+41 76 321 54 87', 'Lucia Bernasconi'], dataDir)
    assert.equal(swiss.json.phone, '+41763215487')
  })

  it('rejects bad numbers in Italian, exit 3, registry byte-for-byte unchanged', async () => {
    await runCli(['subscribers', 'add', '3331234567', 'Paolo Rossi'], dataDir)
    const before = registryBytes(dataDir)
    for (const bad of ['tre tre tre', '333', '1234567890', '+39 899 123456']) {
      const r = await runCli(['subscribers', 'add', bad, 'Anna Bianchi'], dataDir)
      assert.equal(r.code, 3, bad)
      assert.match(r.stderr, /Numero di telefono non valido/)
      assert.equal(r.stdout, '')
    }

    assert.deepEqual(registryBytes(dataDir), before)
  })

  it('reads a registry saved by Excel (BOM, ;, CRLF, Windows-1252) and records the hand edit', async () => {
    await runCli(['subscribers', 'add', '3331234567', 'Niccolò', 'Rossi'], dataDir)
    const original = await runJson<unknown[]>(['subscribers', '--status', 'all'], dataDir)
    const utf8 = registryBytes(dataDir).toString('utf8').replace(/^\uFEFF/, '')
    // Windows-1252: one byte per accented letter, no BOM (Excel "CSV (delimitato da separatore)").
    const cp1252 = Buffer.from(utf8.replace('Niccolò', 'Niccol\u00F2'), 'latin1')
    assert.ok(cp1252.includes(0xF2), 'the ò is the single byte 0xF2')
    writeFileSync(path.join(dataDir, 'iscritti.csv'), cp1252)
    const reread = await runJson<unknown[]>(['subscribers', '--status', 'all'], dataDir)
    assert.deepEqual(reread.json, original.json)

    // A write after the hand edit keeps working and the audit log says a file was edited by hand.
    const add = await runCli(['subscribers', 'add', '3331234568', 'Anna Bianchi'], dataDir)
    assert.equal(add.code, 0, add.stderr)
    assert.match(add.stderr, /modificato a mano/)
    const audit = readFileSync(path.join(dataDir, 'registro.jsonl'), 'utf8').trim().split('\n').map(l => JSON.parse(l))
    assert.ok(audit.some(a => a.action === 'file.hand-edited' && a.subject === 'iscritti.csv'))
    const after = await runJson<{name: string}[]>(['subscribers'], dataDir)
    assert.deepEqual(after.json.map(s => s.name), ['Niccolò Rossi', 'Anna Bianchi'])
  })

  it('an add appends to the registry it wrote, and trusts no file edited since', async () => {
    await runCli(['subscribers', 'add', '3331234567', 'Paolo Rossi'], dataDir)
    const first = registryBytes(dataDir)
    const added = await runCli(['subscribers', 'add', '3331234568', 'Anna Bianchi'], dataDir)
    assert.equal(added.code, 0, added.stderr)
    const second = registryBytes(dataDir)
    assert.deepEqual(second.subarray(0, first.length), first, 'the earlier bytes are kept as they were')
    assert.match(second.subarray(first.length).toString('utf8'), /^\+393331234568;Anna Bianchi;attivo;.*\r\n$/)

    // Quoted cells are valid CSV but not this program's layout: the byte lookup would miss "+39…"; the full,
    // validated read finds the number and notices the hand edit.
    writeFileSync(path.join(dataDir, 'iscritti.csv'), second.toString('utf8').replace('+393331234568;Anna Bianchi', '"+393331234568";"Anna Bianchi"'))
    const edited = registryBytes(dataDir)
    const again = await runJson<{error: {code: string}}>(['subscribers', 'add', '3331234568', 'Anna Bianchi'], dataDir)
    assert.equal(again.code, 4, again.stderr)
    assert.equal(again.json.error.code, 'ALREADY_ACTIVE')
    assert.deepEqual(registryBytes(dataDir), edited)

    // Removed, then added again at the counter: reactivated in place, one row for the number.
    assert.equal((await runCli(['subscribers', 'remove', '3331234567'], dataDir)).code, 0)
    const back = await runJson<{kind: string}>(['subscribers', 'add', '3331234567', 'Paolo Rossi'], dataDir)
    assert.equal(back.code, 0, back.stderr)
    const all = await runJson<{phone: string; status: string}[]>(['subscribers', '--status', 'all'], dataDir)
    assert.deepEqual(all.json.map(s => [s.phone, s.status]), [['+393331234567', 'active'], ['+393331234568', 'active']])
    const audit = readFileSync(path.join(dataDir, 'registro.jsonl'), 'utf8')
    assert.match(audit, /"action":"subscriber.reactivate"/)
    assert.match(audit, /"action":"file.hand-edited"/)
  })

  it('stops on an invalid row with file and line, exit 3, file untouched', async () => {
    const csv = [
      'telefono,nome,stato,iscritto_il,approvato_da,cessato_il,cessato_da,id_richiesta,consenso,informativa_privacy,aggiornato_il',
      '+393331234567,Paolo Rossi,attivo,2025-03-14T09:21:00+01:00,root,,,,di_persona,2021-12-21,2025-03-14T09:21:00+01:00',
      '3.93331E+11,Anna Bianchi,attivo,2025-03-14T09:21:00+01:00,root,,,,di_persona,2021-12-21,2025-03-14T09:21:00+01:00',
    ].join('\r\n')
    writeFileSync(path.join(dataDir, 'iscritti.csv'), csv)
    const before = registryBytes(dataDir)
    const list = await runCli(['subscribers'], dataDir)
    assert.equal(list.code, 3)
    assert.match(list.stderr, /iscritti\.csv, riga 3, colonna "telefono"/)
    const add = await runJson<{error: {code: string; exitCode: number}}>(['subscribers', 'add', '3331234569', 'Carla Neri'], dataDir)
    assert.equal(add.code, 3)
    assert.equal(add.json.error.code, 'FILE_ROW_INVALID')
    assert.deepEqual(registryBytes(dataDir), before)
  })

  it('keeps the folder private: 0700 folder, 0600 files, backups included', async function () {
    if (process.platform === 'win32') this.skip()
    await runCli(['subscribers', 'add', '3331234567', 'Paolo Rossi'], dataDir)
    await runCli(['subscribers', 'remove', '3331234567'], dataDir)
    assert.equal(statSync(dataDir).mode & 0o777, 0o700)
    const files = ['config.json', 'iscritti.csv', 'richieste.csv', 'registro.jsonl', '.stato.json']
    for (const f of files) assert.equal(statSync(path.join(dataDir, f)).mode & 0o777, 0o600, f)
    const backups = readdirSync(path.join(dataDir, 'backup'))
    assert.ok(backups.length >= 2)
    for (const f of backups) assert.equal(statSync(path.join(dataDir, 'backup', f)).mode & 0o777, 0o600, f)
  })

  it('init is idempotent and other commands ask for it on a missing folder (exit 6)', async () => {
    await runCli(['subscribers', 'add', '3331234567', 'Paolo Rossi'], dataDir)
    const before = registryBytes(dataDir)
    const again = await runJson<{created: string[]}>(['init'], dataDir)
    assert.equal(again.code, 0)
    assert.deepEqual(again.json.created, [])
    assert.deepEqual(registryBytes(dataDir), before)

    const {cleanup: c2, dir} = tempDir()
    try {
      const r = await runCli(['subscribers'], path.join(dir, 'mancante'))
      assert.equal(r.code, 6)
      assert.match(r.stderr, /cerveno-info init/)
    } finally {
      c2()
    }
  })

  it('--data-dir overrides CERVENO_INFO_DIR', async () => {
    const {cleanup: c2, dir} = tempDir()
    try {
      const other = path.join(dir, 'altra')
      assert.equal((await runCli(['init', '--data-dir', other], dataDir)).code, 0)
      await runCli(['subscribers', 'add', '3331234567', 'Paolo Rossi', '--data-dir', other], dataDir)
      assert.equal((await runJson<unknown[]>(['subscribers', '--data-dir', other], dataDir)).json.length, 1)
      assert.equal((await runJson<unknown[]>(['subscribers'], dataDir)).json.length, 0)
    } finally {
      c2()
    }
  })
})

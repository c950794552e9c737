import {strict as assert} from 'node:assert'
import {
  readdirSync, readFileSync, renameSync, writeFileSync,
} from 'node:fs'
import path from 'node:path'

import {runCli, runJson} from '../helpers/cli.js'
import {freshDataDirEach} from '../helpers/each.js'
import {writeNotice} from './broadcast.helpers.js'

interface ErrorDoc {
  error: {code: string; exitCode: number; message: string}
}

const BOM = '\uFEFF'
const WHEN = '2025-03-14T09:21:00+01:00'
const SUB_HEADER = 'telefono;nome;stato;iscritto_il;approvato_da;cessato_il;cessato_da;id_richiesta;consenso;informativa_privacy;aggiornato_il'
const REQ_HEADER = 'id;telefono;nome;azione;ricevuta_il;fonte;stato;deciso_il;deciso_da;motivo;testo;autore;utente;origine_telefono;importata_il'

/** One iscritti.csv row; `ceased` adds the cessation date and operator. */
const subRow = (phone: string, name: string, ceased = false) =>
  `${phone};${name};${ceased ? 'cessato' : 'attivo'};${WHEN};Ufficio;${ceased ? `${WHEN};Ufficio` : ';'};;di_persona;2021-12-21;${WHEN}`
/** One richieste.csv row. */
const reqRow = (id: string, phone: string, name: string, status = 'in_attesa', decided = ';') =>
  `${id};${phone};${name};ON;${WHEN};chat.txt:3;${status};${decided};;Servizio Info ON ${name};${name};;;${WHEN}`

describe('hand-edited registries (CLI)', function () {
  this.timeout(120_000)
  let dataDir: string
  let root: string
  freshDataDirEach(f => {
    ({dataDir, root} = f)
  })

  const file = (name: string) => path.join(dataDir, name)
  const put = (name: string, text: Buffer | string) => writeFileSync(file(name), text)
  const table = (header: string, rows: string[]) => BOM + [header, ...rows].join('\r\n') + '\r\n'

  /** Runs a command that must refuse the file: exit 3, the file unchanged; returns the error. */
  async function refused(args: string[], name: string): Promise<ErrorDoc['error']> {
    const before = readFileSync(file(name))
    const r = await runJson<ErrorDoc>(args, dataDir)
    assert.equal(r.code, 3, r.stdout)
    assert.deepEqual(readFileSync(file(name)), before, 'nothing written')
    return r.json.error
  }

  it('the same phone on two rows (attivo, then cessato): exit 3 with both lines, for reads and changes alike', async () => {
    put('iscritti.csv', table(SUB_HEADER, [
      subRow('+393331111111', 'Anna Bianchi'), subRow('+393332222222', 'Luca Verdi'), subRow('+393331111111', 'Anna Bianchi', true),
    ]))
    for (const args of [['subscribers'], ['subscribers', 'remove', '3331111111'], ['broadcast', '--file', writeNotice(root), '--dry-run']]) {
      const e = await refused(args, 'iscritti.csv')
      assert.equal(e.code, 'FILE_DUPLICATE_ROWS')
      assert.match(e.message, /iscritti\.csv, righe 2, 4: il numero \+393331111111 compare in più righe/)
      assert.match(e.message, /tenere la riga giusta/)
    }
  })

  it('a request id twice: exit 3 with both lines', async () => {
    put('richieste.csv', table(REQ_HEADER, [
      reqRow('a1b2c3d4', '+393331111111', 'Anna'), reqRow('a1b2c3d5', '+393332222222', 'Luca'), reqRow('a1b2c3d4', '+393331111111', 'Anna'),
    ]))
    const e = await refused(['requests'], 'richieste.csv')
    assert.equal(e.code, 'FILE_DUPLICATE_ROWS')
    assert.match(e.message, /richieste\.csv, righe 2, 4: la richiesta a1b2c3d4 compare in più righe/)
  })

  it('a request set to "approvata" by hand, with no date or decider: exit 3 naming the line and what to do', async () => {
    put('richieste.csv', table(REQ_HEADER, [
      reqRow('a1b2c3d4', '+393331111111', 'Anna', 'respinta', `${WHEN};Ufficio`), reqRow('a1b2c3d5', '+393332222222', 'Luca', 'approvata'),
    ]))
    const e = await refused(['review', '--approve-all'], 'richieste.csv')
    assert.equal(e.code, 'FILE_ROW_INVALID')
    assert.match(e.message, /richieste\.csv, riga 3: la richiesta è segnata come decisa ma mancano la data \(deciso_il\) o chi ha deciso \(deciso_da\)/)
    assert.match(e.message, /cerveno-info review/)
  })

  it('an empty (0-byte) iscritti.csv is not an empty registry: exit 3 pointing at backup/', async () => {
    put('iscritti.csv', '')
    const e = await refused(['subscribers', 'add', '3331234567', 'Paolo Rossi'], 'iscritti.csv')
    assert.equal(e.code, 'FILE_EMPTY')
    assert.match(e.message, /iscritti\.csv è vuoto/)
    assert.match(e.message, /backup\/iscritti\./)
  })

  it('Excel\'s empty rows (;;;;;;;;;;) are skipped, and gone after the next write', async () => {
    put('iscritti.csv', table(SUB_HEADER, [subRow('+393331111111', 'Anna Bianchi'), ';;;;;;;;;;', subRow('+393332222222', 'Luca Verdi'), ';;;;;;;;;;']))
    const list = await runJson<Array<{phone: string}>>(['subscribers'], dataDir)
    assert.equal(list.code, 0, list.stdout)
    assert.deepEqual(list.json.map(s => s.phone), ['+393331111111', '+393332222222'])
    assert.equal((await runJson(['subscribers', 'add', '3333333333', 'Anna Neri'], dataDir)).code, 0)
    assert.doesNotMatch(readFileSync(file('iscritti.csv'), 'utf8'), /^;+\r?$/m)
  })

  it('columns the clerk added (note) are kept, in place, through add, remove, import and approval', async () => {
    const subHeader = SUB_HEADER.replace('nome;', 'nome;note;')
    put('iscritti.csv', table(subHeader, [
      subRow('+393331111111', 'Anna Bianchi').replace('Bianchi;', 'Bianchi;chiamare al mattino;'),
      subRow('+393332222222', 'Luca Verdi').replace('Verdi;', 'Verdi;;'),
    ]))
    put('richieste.csv', table(`${REQ_HEADER};note`, [`${reqRow('a1b2c3d4', '+393335555555', 'Marta Neri')};già sentita al telefono`]))
    assert.equal((await runJson(['subscribers', 'add', '3333333333', 'Anna Neri'], dataDir)).code, 0)
    assert.equal((await runJson(['subscribers', 'remove', '3331111111'], dataDir)).code, 0)
    const chat = path.join(root, 'Chat WhatsApp con +39 333 444 5555.txt')
    writeFileSync(chat, '14/03/25, 09:21 - +39 333 444 5555: Servizio Info ON Giulia Rossi\n')
    const imported = await runJson<{newRequests: number}>(['import', chat], dataDir)
    assert.equal(imported.json.newRequests, 1, imported.stdout)
    assert.equal((await runJson(['review', '--approve-all'], dataDir)).code, 0)

    const subs = readFileSync(file('iscritti.csv'), 'utf8').split('\r\n')
    assert.equal(subs[0], BOM + subHeader, 'the column stays where the clerk put it')
    const note = (lines: string[], phone: string) => lines.find(l => l.startsWith(phone))!.split(';')[2]
    assert.equal(note(subs, '+393331111111'), 'chiamare al mattino', 'kept on the row that was ceased')
    assert.equal(note(subs, '+393335555555'), '', 'an approved new citizen has an empty note')
    assert.match(subs.find(l => l.startsWith('+393331111111'))!, /;cessato;/)
    const reqs = readFileSync(file('richieste.csv'), 'utf8').split('\r\n')
    assert.equal(reqs[0], `${BOM}${REQ_HEADER};note`)
    assert.ok(reqs.find(l => l.startsWith('a1b2c3d4'))!.endsWith(';già sentita al telefono'))
    assert.match(reqs.find(l => l.startsWith('a1b2c3d4'))!, /;approvata;/)
    assert.equal(reqs.filter(l => l.includes('+393334445555')).length, 1, 'the imported request is there')
  })

  it('a UTF-8 file with one Windows-1252 row is decoded line by line: no mojibake written back', async () => {
    const utf8 = Buffer.from(table(SUB_HEADER, [subRow('+393331111111', 'Nicolò Bianchi')]))
    const legacy = Buffer.from(subRow('+393332222222', 'Mattèo Verdi') + '\r\n', 'latin1')
    put('iscritti.csv', Buffer.concat([utf8, legacy]))
    assert.equal((await runJson(['subscribers', 'add', '3333333333', 'Anna Neri'], dataDir)).code, 0)
    const text = new TextDecoder('utf-8', {fatal: true}).decode(readFileSync(file('iscritti.csv')))
    assert.match(text, /;Nicolò Bianchi;/)
    assert.match(text, /;Mattèo Verdi;/)
    assert.doesNotMatch(text, /Ã/)
  })

  it('a line in neither UTF-8 nor Windows-1252 is refused with its number', async () => {
    const head = Buffer.from(table(SUB_HEADER, [subRow('+393331111111', 'Nicolò Bianchi')]))
    const broken = Buffer.concat([Buffer.from(subRow('+393332222222', 'Luca').replace('Luca', 'Lu'), 'latin1'), Buffer.from([0x81, 0xE8]), Buffer.from(';x\r\n')])
    put('iscritti.csv', Buffer.concat([head, broken]))
    const e = await refused(['subscribers'], 'iscritti.csv')
    assert.equal(e.code, 'FILE_ROW_INVALID')
    assert.match(e.message, /iscritti\.csv, riga 3: la riga non è né in UTF-8 né in Windows-1252/)
  })

  it('names Excel saved in Windows-1252 with characters it lacks ("?"): exit 3 naming the rows', async () => {
    put('iscritti.csv', Buffer.from(table(SUB_HEADER, [
      subRow('+393331111111', '?ukasz Nowak'), subRow('+393332222222', 'Mattèo Verdi'), subRow('+393333333333', 'Ay?e Y?lmaz'),
    ]).slice(1), 'latin1'))
    const e = await refused(['subscribers', 'add', '3334444444', 'Anna Neri'], 'iscritti.csv')
    assert.equal(e.code, 'FILE_CHARS_LOST')
    assert.match(e.message, /iscritti\.csv, righe 2, 4: .*Windows-1252.*"\?ukasz Nowak", "Ay\?e Y\?lmaz"/)
    assert.match(e.message, /CSV UTF-8/)
  })

  it('a table saved by another program after the commit record (Excel saves a new file) is kept in backup/ and named, not lost', async () => {
    put('iscritti.csv', table(SUB_HEADER, [subRow('+393331111111', 'Anna Rossi')]))
    assert.equal((await runJson(['subscribers'], dataDir)).code, 0)
    // Killed right after its commit record: the change is decided, its renames not done.
    const killed = await runCli(['subscribers', 'add', '+393332222222', 'Luca', 'Bianchi'], dataDir, {env: {CERVENO_CRASH_AT: 'record'}})
    assert.equal(killed.signal, 'SIGKILL')
    // Meanwhile the clerk saves the registry from Excel with a row typed by hand: a new file renamed into place.
    const saved = table(SUB_HEADER, [subRow('+393331111111', 'Anna Rossi'), subRow('+393333333333', 'Scritta AMano')])
    put('iscritti.csv.excel', saved)
    renameSync(file('iscritti.csv.excel'), file('iscritti.csv'))
    const r = await runJson<{name: string}[]>(['subscribers'], dataDir)
    assert.equal(r.code, 0, r.stderr)
    // The committed change is applied...
    assert.deepEqual(r.json.map(x => x.name).sort(), ['Anna Rossi', 'Luca Bianchi'])
    // ...and the hand-saved version is kept, named on the terminal, and stays through later backups.
    const kept = readdirSync(file('backup')).filter(f => f.startsWith('modificato-a-mano.iscritti.'))
    assert.equal(kept.length, 1)
    assert.equal(readFileSync(file(path.join('backup', kept[0])), 'utf8'), saved)
    assert.match(r.stderr, new RegExp(`iscritti\\.csv è stato salvato da un altro programma.*backup/${kept[0].replaceAll('.', '\\.')}`, 's'))
    for (let i = 0; i < 12; i++) assert.equal((await runJson(['subscribers', 'add', `+3933400000${String(i).padStart(2, '0')}`, 'Nome', `Cognome${i}`], dataDir)).code, 0)
    assert.ok(readdirSync(file('backup')).includes(kept[0]), 'never rotated away')
  })
})

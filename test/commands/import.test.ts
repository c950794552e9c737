import {strict as assert} from 'node:assert'
import {
  closeSync, copyFileSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync,
} from 'node:fs'
import path from 'node:path'

import {
  FIXTURES, runCli, runJson,
} from '../helpers/cli.js'
import {freshDataDirEach} from '../helpers/each.js'

interface ImportJson {
  duplicates: number
  files: {
    dateOrder?: {order: string; reason: string}
    error?: {code: string; line?: number; message: string}
    format: string
    ignored: number
    messages: number
    path: string
    requests: number
    skipped?: {format: string; kind: string}
  }[]
  newRequests: number
  unresolvedPhones: number
  warnings: string[]
}

interface Req {
  action: string
  id: string
  name: null | string
  phone: null | string
  receivedAt: string
  source: string
  status: string
}

const DEMO = path.join(FIXTURES, 'demo')

describe('import (CLI)', () => {
  let dataDir: string
  let root: string
  freshDataDirEach(f => {
    ({dataDir, root} = f)
  })

  it('imports a folder of chat exports (txt, zip) and a webhook dump, with the --json shape of DESIGN §2', async () => {
    const r = await runJson<ImportJson>(['import', DEMO], dataDir)
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(
      r.json.files.map(f => [path.basename(f.path), f.format, f.requests, f.error]),
      [
        ['Chat WhatsApp con +39 333 123 4567.txt', 'chat-txt', 1, undefined],
        ['Chat WhatsApp con Maria Bianchi.txt', 'chat-txt', 1, undefined],
        ['WhatsApp Chat - +39 347 765 4321.zip', 'chat-zip', 2, undefined],
        ['webhook-novembre.ndjson', 'webhook', 2, undefined],
      ],
    )
    for (const f of r.json.files) for (const k of ['path', 'format', 'messages', 'requests', 'ignored']) assert.ok(k in f, k)
    assert.equal(r.json.newRequests, 6)
    assert.equal(r.json.duplicates, 0)
    assert.equal(r.json.unresolvedPhones, 1)
    assert.deepEqual(r.json.files[0].dateOrder, {order: 'dmy', reason: 'field-over-12'})

    const pending = (await runJson<Req[]>(['requests'], dataDir)).json
    assert.deepEqual(
      pending.map(q => [q.action, q.phone, q.name]),
      [
        ['ON', '+393331234567', 'Paolo Rossi'],
        ['ON', null, 'Maria Bianchi'],
        ['ON', '+393481112233', "Lucia D'Angelo"],
        ['OFF', '+393477654321', 'Giorgio Salvetti'],
        ['ON', '+393395556677', 'Niccolò Bertoli'],
      ],
    )
    assert.equal(pending[0].receivedAt, '2026-11-14T09:41:00+01:00')
    assert.equal(pending[0].source, 'Chat WhatsApp con +39 333 123 4567.txt:4')
    assert.equal(pending[2].source, 'wamid.HBgMMzkzNDgxMTEyMjMzFQIAEhgUM0E1')
    for (const q of pending) assert.match(q.id, /^[0-9a-f]{8,}$/)
    // The edited OFF (later) superseded the plain OFF of the same phone.
    const superseded = (await runJson<Req[]>(['requests', '--status', 'superseded'], dataDir)).json
    assert.deepEqual(superseded.map(q => [q.action, q.phone]), [['OFF', '+393477654321']])
    // The raw message is kept as the proof of the request.
    assert.match(readFileSync(path.join(dataDir, 'richieste.csv'), 'utf8'), /Servizio Info OFF Giorgio Salvetti/)
  })

  it('re-importing adds nothing; a later, longer export of the same chat adds only the new messages', async () => {
    const chat = path.join(root, 'Chat WhatsApp con +39 333 123 4567.txt')
    copyFileSync(path.join(DEMO, 'Chat WhatsApp con +39 333 123 4567.txt'), chat)
    const first = await runJson<ImportJson>(['import', chat], dataDir)
    assert.equal(first.json.newRequests, 1)
    const before = readFileSync(path.join(dataDir, 'richieste.csv'))
    const again = await runJson<ImportJson>(['import', chat], dataDir)
    assert.equal(again.json.newRequests, 0)
    assert.equal(again.json.duplicates, 1)
    assert.deepEqual(readFileSync(path.join(dataDir, 'richieste.csv')), before)

    // The same chat exported a week later: an older line dropped off the top, new messages at the end.
    const longer = readFileSync(chat, 'utf8').split('\n').slice(1).join('\n') + '21/11/26, 10:00 - \u202A+39 333 123 4567\u202C: Servizio Info OFF\n'
    writeFileSync(chat, longer)
    const later = await runJson<ImportJson>(['import', chat], dataDir)
    assert.equal(later.json.newRequests, 1)
    assert.equal(later.json.duplicates, 1)
    const all = (await runJson<Req[]>(['requests', '--status', 'all'], dataDir)).json
    assert.deepEqual(all.map(q => [q.action, q.status]), [['ON', 'superseded'], ['OFF', 'pending']])
  })

  it('an import appends to the table it wrote, rewrites it when stored requests are superseded, reads an edited one whole', async () => {
    let n = 0
    /** A webhook payload with one text message, written to a file of its own. */
    const payload = (waId: string, body: string, hour: number) => {
      n++
      const at = Date.UTC(2026, 2, 1, hour) / 1000
      const value = {
        contacts: [{profile: {name: 'Cittadino'}, wa_id: waId}],
        messages: [{
          from: waId, id: `wamid.TEST${n}`, text: {body}, timestamp: String(at), type: 'text',
        }],
        messaging_product: 'whatsapp',
        metadata: {display_phone_number: '393316509570', phone_number_id: '118273645509182'},
      }
      const file = path.join(root, `webhook-${n}.json`)
      writeFileSync(file, JSON.stringify({entry: [{changes: [{field: 'messages', value}], id: '1'}], object: 'whatsapp_business_account'}))
      return file
    }

    const table = () => readFileSync(path.join(dataDir, 'richieste.csv'))
    const requests = async () => (await runJson<Req[]>(['requests', '--status', 'all'], dataDir)).json
    const audit = () => readFileSync(path.join(dataDir, 'registro.jsonl'), 'utf8').trim().split('\n').map(l => JSON.parse(l) as {action: string; subject: string})
    assert.equal((await runJson<ImportJson>(['import', payload('393331110001', 'Servizio Info ON Paolo Rossi', 8)], dataDir)).json.newRequests, 1)
    const first = table()

    // Another phone: nothing stored changes, the new row is appended after the bytes as they were.
    assert.equal((await runJson<ImportJson>(['import', payload('393331110002', 'Servizio Info ON Anna Bianchi', 9)], dataDir)).json.newRequests, 1)
    const second = table()
    assert.deepEqual(second.subarray(0, first.length), first)
    assert.match(second.subarray(first.length).toString('utf8'), /^[\da-f]{10};\+393331110002;Anna Bianchi;ON;[^;]+;wamid\.TEST2;in_attesa;.*\r\n$/)

    // A later request of the first phone supersedes its stored one: the table is rewritten.
    const off = await runJson<ImportJson & {superseded: number}>(['import', payload('393331110001', 'Servizio Info OFF', 10)], dataDir)
    assert.equal(off.json.superseded, 1)
    let all = await requests()
    assert.deepEqual(all.map(q => [q.phone, q.action, q.status]), [
      ['+393331110001', 'ON', 'superseded'], ['+393331110002', 'ON', 'pending'], ['+393331110001', 'OFF', 'pending'],
    ])
    assert.equal((all[0] as Req & {reason: string}).reason, all[2].id)
    assert.deepEqual(audit().filter(a => a.action.startsWith('request.')).map(a => [a.action, a.subject]), [
      ['request.import', all[0].id], ['request.import', all[1].id], ['request.import', all[2].id], ['request.supersede', all[0].id],
    ])

    // Saved by another program (every cell quoted): read and validated whole, the edit noted, the merge the same.
    const quoted = table().toString('utf8').replaceAll(/(^|;|\n)([^;\r\n"]*)(?=;|\r)/g, '$1"$2"')
    writeFileSync(path.join(dataDir, 'richieste.csv'), quoted)
    const edited = await runJson<ImportJson & {superseded: number}>(['import', payload('393331110002', 'Servizio Info OFF', 11)], dataDir)
    assert.equal(edited.code, 0, edited.stderr)
    assert.equal(edited.json.superseded, 1)
    assert.deepEqual(edited.json.warnings, ['hand-edited:richieste.csv'])
    all = await requests()
    assert.deepEqual(all.map(q => [q.phone, q.action, q.status]), [
      ['+393331110001', 'ON', 'superseded'], ['+393331110002', 'ON', 'superseded'], ['+393331110001', 'OFF', 'pending'], ['+393331110002', 'OFF', 'pending'],
    ])
    assert.ok(audit().some(a => a.action === 'file.hand-edited' && a.subject === 'richieste.csv'))
    assert.ok(!table().toString('utf8').includes('"'), 'written back in this program\'s layout')
  })

  it('a temp folder that cannot be used stops the import with an Italian message, exit 6, nothing changed', async () => {
    const before = readFileSync(path.join(dataDir, 'richieste.csv'))
    const r = await runJson<{error: {code: string; message: string}}>(
      ['import', path.join(FIXTURES, 'webhooks', 'text-request.json')],
      dataDir,
      {env: {TEMP: path.join(root, 'non-esiste'), TMP: path.join(root, 'non-esiste'), TMPDIR: path.join(root, 'non-esiste')}},
    )
    assert.equal(r.code, 6, r.stderr)
    assert.equal(r.json.error.code, 'TEMP_UNAVAILABLE')
    assert.match(r.json.error.message, /cartella temporanea .*non-esiste.*la cartella non esiste.*TMPDIR/)
    assert.deepEqual(readFileSync(path.join(dataDir, 'richieste.csv')), before)
  })

  it('a bad file is reported with its reason and line, the others are imported, exit 7', async () => {
    const broken = path.join(root, 'webhook-rotto.ndjson')
    const good = readFileSync(path.join(DEMO, 'webhook-novembre.ndjson'), 'utf8').split('\n')
    writeFileSync(broken, [good[0], good[1].slice(0, 40), good[2]].join('\n'))
    const latin1 = path.join(root, 'Chat WhatsApp con Anna.txt')
    writeFileSync(latin1, Buffer.from('14/11/26, 09:12 - Anna: Servizio Info ON Anna Bonò\n', 'latin1'))
    const binary = path.join(root, 'dati.txt')
    writeFileSync(binary, Buffer.from([0x01, 0x9C, 0, 0, 0, 1, 2, 3, 0xFE, 0]))
    const photo = path.join(root, 'foto.txt')
    writeFileSync(photo, Buffer.from([0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 1, 2, 3]))
    const notChat = path.join(root, 'appunti.txt')
    writeFileSync(notChat, 'Lista della spesa\nlatte\npane\n')
    const r = await runJson<ImportJson>(['import', broken, latin1, binary, photo, notChat, path.join(DEMO, 'Chat WhatsApp con +39 333 123 4567.txt')], dataDir)
    assert.equal(r.code, 7)
    const byName = new Map(r.json.files.map(f => [path.basename(f.path), f]))
    assert.equal(byName.get('webhook-rotto.ndjson')!.error!.code, 'webhook:NDJSON_LINE')
    assert.equal(byName.get('webhook-rotto.ndjson')!.error!.line, 2)
    assert.match(byName.get('webhook-rotto.ndjson')!.error!.message, /riga 2/)
    assert.equal(byName.get('Chat WhatsApp con Anna.txt')!.error!.code, 'chat-file:not-utf8')
    assert.equal(byName.get('Chat WhatsApp con Anna.txt')!.error!.line, 1)
    assert.equal(byName.get('dati.txt')!.error!.code, 'chat-file:binary')
    // A photo is named for what it is and skipped, not an error (whatever its extension).
    assert.deepEqual(byName.get('foto.txt')!.skipped, {format: 'PNG', kind: 'image'})
    assert.equal(byName.get('foto.txt')!.error, undefined)
    assert.equal(byName.get('appunti.txt')!.error!.code, 'chat:unrecognized-format')
    // Only the good file's request; nothing of the broken dump, not even its valid first line.
    assert.equal(r.json.newRequests, 1)
    const human = await runCli(['import', broken], dataDir)
    assert.equal(human.code, 7)
    assert.match(human.stderr, /webhook-rotto\.ndjson: NON IMPORTATO — una riga non è JSON valido, riga 2/)
  })

  it('--dry-run writes nothing; --show-ignored lists near misses; --phone gives the number of a 1:1 chat', async () => {
    const before = ['richieste.csv', 'registro.jsonl'].map(f => readFileSync(path.join(dataDir, f)))
    const dry = await runCli(['import', DEMO, '--dry-run', '--show-ignored'], dataDir)
    assert.equal(dry.code, 0, dry.stderr)
    assert.match(dry.stdout, /Richieste nuove: 6/)
    assert.match(dry.stdout, /Servizio Info online\? non funziona il sito/)
    assert.match(dry.stdout, /nessun file è stato modificato/)
    assert.deepEqual(['richieste.csv', 'registro.jsonl'].map(f => readFileSync(path.join(dataDir, f))), before)

    const r = await runJson<ImportJson>(['import', path.join(DEMO, 'Chat WhatsApp con Maria Bianchi.txt'), '--phone', '340 765 1122'], dataDir)
    assert.equal(r.json.unresolvedPhones, 0)
    const q = (await runJson<Req[]>(['requests'], dataDir)).json
    assert.deepEqual(q.map(x => [x.phone, x.name]), [['+393407651122', 'Maria Bianchi']])
  })

  it('the comune\'s own messages are never requests, also when they quote the keyword first', async () => {
    const chat = path.join(root, 'Chat WhatsApp con +39 333 999 0000.txt')
    writeFileSync(
      chat,
      [
        '01/12/26, 10:00 - Comune di Cerveno: Servizio Info ON Nome Cognome',
        '01/12/26, 10:01 - Ufficio Tecnico: Servizio Info ON Nome Cognome',
        '01/12/26, 10:02 - \u202A+39 333 999 0000\u202C: ok grazie',
        '',
      ].join('\n'),
    )
    const withConfig = await runJson<ImportJson>(['import', chat, '--dry-run'], dataDir)
    assert.equal(withConfig.json.newRequests, 1, 'only "Ufficio Tecnico" is not known as the comune yet')
    const withSelf = await runJson<ImportJson>(['import', chat, '--dry-run', '--self', 'Ufficio Tecnico'], dataDir)
    assert.equal(withSelf.json.newRequests, 0)
  })

  it('reads many big chat files one at a time: the import fits a heap smaller than the files together, and a chat that cannot tell its date order still takes the batch\'s', async function () {
    this.timeout(120_000)
    const lot = path.join(root, 'lotto')
    mkdirSync(lot)
    // Read first, and undecided on its own (no day over 12, no locale hint): it waits for the batch's vote.
    writeFileSync(path.join(lot, 'a-mario.txt'), '04/02/25, 18:45 - +1 202 555 0150: Servizio Info ON Anna Bianchi\n')
    // Ten month-first chats of about 24 MiB each, 240 MiB together, under a 128 MiB heap.
    const filler = Buffer.from(Array.from({length: 1000}, (_, i) => `4/13/25, 09:${String(i % 60).padStart(2, '0')} - +1 202 555 0199: ${'x'.repeat(2400)}\n`).join(''))
    for (let f = 0; f < 10; f++) {
      const fd = openSync(path.join(lot, `b-${f}.txt`), 'w')
      for (let k = 0; k < 10; k++) writeSync(fd, filler)
      writeSync(fd, `4/13/25, 10:00 - +1 202 555 01${String(f).padStart(2, '0')}: Servizio Info ON Paolo Neri\n`)
      closeSync(fd)
    }

    const r = await runJson<ImportJson>(['import', lot], dataDir, {env: {NODE_OPTIONS: '--max-old-space-size=128'}})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.json.newRequests, 11)
    const mario = r.json.files.find(f => path.basename(f.path) === 'a-mario.txt')!
    assert.deepEqual(mario.dateOrder, {order: 'mdy', reason: 'batch'})
    assert.deepEqual(r.json.files.map(f => path.basename(f.path)), ['a-mario.txt', ...Array.from({length: 10}, (_, f) => `b-${f}.txt`)])
    const anna = (await runJson<Req[]>(['requests'], dataDir)).json.find(q => q.name === 'Anna Bianchi')!
    assert.equal(anna.receivedAt, '2025-04-02T18:45:00+02:00', 'the 4th of February would be the day-first reading')
  })
})

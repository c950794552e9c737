/**
 * Issue 13, validation at the boundary (points 3, 9, 10, 11, 12, 13), through the built CLI in temp folders: what a
 * citizen (or a hostile file) wrote is checked before it is stored, and made visible before it reaches the terminal.
 */
import {strict as assert} from 'node:assert'
import {
  closeSync, existsSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync,
} from 'node:fs'
import path from 'node:path'
import {deflateRawSync} from 'node:zlib'

import {type Subscriber} from '../../src/core/registry/types.js'
import {type RequestRecord} from '../../src/core/requests/types.js'
import {writeTable} from '../../src/io/csv-table.js'
import {REQUESTS, SUBSCRIBERS} from '../../src/io/tables.js'
import {runCli, runJson} from '../helpers/cli.js'
import {freshDataDirEach} from '../helpers/each.js'
import {KEY, PtySession} from '../helpers/pty.js'
import {inboundEnvelope, type InboundText} from '../helpers/webhooks.js'

interface FileJson {
  error?: {code: string; line?: number; message: string}
  format: string
  path: string
  payloadErrors?: {code: string; index: number; line?: number; message: string; value: string}[]
  rejected?: number
  requests: number
}

interface ImportJson {
  files: FileJson[]
  newRequests: number
}

interface Req {
  action: string
  id: string
  name: null | string
  receivedAt: string
  status: string
}

const T0 = Date.parse('2026-03-02T09:00:00+01:00') / 1000

function line(messages: InboundText[]): string {
  return JSON.stringify(inboundEnvelope(messages))
}

/** The raw text of a webhook payload whose timestamp is written as given (string, number, anything). */
function withTimestamp(id: string, body: string, timestamp: unknown): string {
  const env = inboundEnvelope([{
    body, from: '393331234567', id, ts: 0,
  }]) as {entry: {changes: {value: {messages: Record<string, unknown>[]}}[]}[]}
  env.entry[0].changes[0].value.messages[0].timestamp = timestamp
  return JSON.stringify(env)
}

/** Every cell of a data file (our own format: `;`, CRLF, quotes doubled). */
function cells(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '')
  const out: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === ';' || ch === '\n') {
      out.push(cell.replace(/\r$/, ''))
      cell = ''
    } else cell += ch
  }

  return out
}

/** C0 controls but tab, CR, LF; DEL; C1. */
// eslint-disable-next-line no-control-regex
const STORED_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/

/** What a terminal obeys: any C0 but line feed, DEL, C1. */
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/

describe('validation at the boundary (issue 13)', () => {
  let dataDir: string
  let root: string
  freshDataDirEach(f => {
    ({dataDir, root} = f)
  })

  it('refuses a webhook whose timestamp is not seconds 2009…tomorrow, with file and line; the rest imports (exit 7), the folder stays readable (point 3)', async () => {
    const file = path.join(root, 'dump.ndjson')
    const bad = ['1764410400000', '0', '-5', 'abc', 1e308, '99999999999']
    writeFileSync(file, [
      line([{
        body: 'Servizio Info ON Mario Rossi', from: '393331234567', id: 'wamid.OK1', ts: T0,
      }]),
      ...bad.map((ts, i) => withTimestamp(`wamid.BAD${i}`, 'Servizio Info ON Anna Verdi', ts)),
      line([{
        body: 'Servizio Info ON Luca Bianchi', from: '393471112223', id: 'wamid.OK2', ts: T0 + 60,
      }]),
    ].join('\n') + '\n')
    const r = await runJson<ImportJson>(['import', file], dataDir)
    assert.equal(r.code, 7, r.stderr)
    const [f] = r.json.files
    assert.equal(f.error, undefined)
    assert.equal(f.requests, 2)
    assert.equal(f.rejected, bad.length)
    assert.deepEqual(f.payloadErrors!.map(e => [e.code, e.line]), bad.map((_, i) => ['webhook:timestamp', i + 2]))
    assert.equal(f.payloadErrors![0].value, '1764410400000')
    assert.match(f.payloadErrors![0].message, /secondi dal 1970/)

    const human = await runCli(['import', file, '--dry-run'], dataDir)
    assert.equal(human.code, 7)
    assert.match(human.stderr, /dump\.ndjson: 6 webhook non importati/)
    assert.match(human.stderr, /riga 2: data non valida .*valore: 1764410400000/)

    const requests = await runJson<Req[]>(['requests', '--status', 'all'], dataDir)
    assert.equal(requests.code, 0, requests.stderr)
    assert.deepEqual(requests.json.map(q => q.name).sort(), ['Luca Bianchi', 'Mario Rossi'])
    for (const args of [['review', '--approve-all'], ['subscribers'], ['export', 'requests', '--out', path.join(root, 'r.csv')], ['stats']]) {
      const x = await runCli(args, dataDir)
      assert.equal(x.code, 0, `${args.join(' ')}: ${x.stderr}`)
    }
  })

  it('keeps a request whose name is a formula, too long or full of controls, with no name and a note for the clerk; the data files hold no formula and no control (points 3, 10, 11)', async () => {
    const file = path.join(root, 'names.ndjson')
    const long = 'Maria ' + 'x'.repeat(120)
    writeFileSync(file, [
      line([{
        body: "Servizio Info ON =cmd|' /C calc'!A0", from: '393331234567', id: 'wamid.F', name: '=HYPERLINK("http://x")', ts: T0,
      }]),
      line([{
        body: `Servizio Info ON ${long}`, from: '393471112223', id: 'wamid.L', ts: T0 + 1,
      }]),
      line([{
        body: 'Servizio Info ON Anna\u0007\b\b\b\bBell\u001B[2J\u001B]0;titolo\u0007 Rossi\u0000', from: '393405522918', id: 'wamid.C', name: '@Anna\u001B[31m', ts: T0 + 2,
      }]),
      line([{
        body: 'Servizio Info ON +39 333 1234567', from: '393332870415', id: 'wamid.P', ts: T0 + 3,
      }]),
    ].join('\n') + '\n')
    const r = await runJson<ImportJson>(['import', file], dataDir)
    assert.equal(r.code, 0, r.stderr)
    const byId = new Map((await runJson<(Req & {phone: string})[]>(['requests'], dataDir)).json.map(q => [q.phone, q]))
    assert.equal(byId.get('+393331234567')!.name, null)
    assert.equal(byId.get('+393471112223')!.name, null)
    assert.equal(byId.get('+393405522918')!.name, 'AnnaBell[2J]0;titolo Rossi')
    assert.equal(byId.get('+393332870415')!.name, null)

    const stored = cells(path.join(dataDir, 'richieste.csv'))
    const formula = stored.filter(c => /^[=+\-@]/.test(c) && !/^\+[\d ]{8,20}$/.test(c))
    assert.deepEqual(formula, [], 'no cell of richieste.csv may start like a formula')
    assert.ok(!STORED_CONTROL.test(readFileSync(path.join(dataDir, 'richieste.csv'), 'utf8')), 'no control character stored')
    assert.ok(stored.includes("'=HYPERLINK(\"http://x\")"), 'a display name is kept, neutralised')

    // Approve-all leaves the nameless ones pending; iscritti.csv gets only the clean name.
    const approved = await runJson<{approved: number; skipped: {code: string}[]}>(['review', '--approve-all'], dataDir)
    assert.equal(approved.json.approved, 1)
    assert.deepEqual(approved.json.skipped.map(s => s.code), ['NAME_INVALID', 'NAME_INVALID', 'NAME_INVALID'])
    const registry = cells(path.join(dataDir, 'iscritti.csv'))
    assert.ok(registry.includes('AnnaBell[2J]0;titolo Rossi'))
    assert.deepEqual(registry.filter(c => /^[=\-@]/.test(c)), [])

    // Exports carry no NUL or ESC either.
    const out = path.join(root, 'richieste-export.csv')
    assert.equal((await runCli(['export', 'requests', '--format', 'csv', '--out', out], dataDir)).code, 0)
    // eslint-disable-next-line no-control-regex
    assert.ok(!/[\u0000\u001B]/.test(readFileSync(out, 'utf8')))
  })

  it('refuses a formula or an over-long name at the counter and in review, and lets the clerk type the name (points 3, 11)', async () => {
    for (const name of ['=SUM(1+1)', '+39 333', '-2+3', '@SUM(1)', 'x'.repeat(101)]) {
      const r = await runJson<{error: {code: string; message: string}}>(['subscribers', 'add', '+39 333 123 4567', name], dataDir)
      assert.equal(r.code, 3, name)
      assert.equal(r.json.error.code, 'NAME_INVALID')
    }

    const added = await runJson<{name: string}>(['subscribers', 'add', '+39 333 123 4567', 'Anna\u001B[2J\u0007', 'Rossi'], dataDir)
    assert.equal(added.code, 0, added.stderr)
    assert.equal(added.json.name, 'Anna[2J Rossi')

    const file = path.join(root, 'f.ndjson')
    writeFileSync(file, line([{
      body: 'Servizio Info ON =1+2', from: '393471112223', id: 'wamid.F', ts: T0,
    }]) + '\n')
    assert.equal((await runCli(['import', file], dataDir)).code, 0)
    const s = new PtySession(['review', '--operator', 'Sportello'], dataDir)
    try {
      const card = await s.waitFor('Decisione')
      assert.match(card, /non è stato accettato \(inizia con =, \+, - o @\): "=1\+2"/)
      s.press(KEY.enter) // "Indica il nome" is the default choice
      await s.waitFor('Nome e cognome')
      s.type('=HYPERLINK(1)')
      s.press(KEY.enter)
      await s.waitFor('formula')
      for (let i = 0; i < 13; i++) s.press('\u007F')
      s.type('Luca Bianchi')
      s.press(KEY.enter)
      await s.waitFor('Corretta.')
      await s.waitFor('Decisione')
      s.press(KEY.enter)
      await s.waitFor('Approvata.')
      await s.exit
    } finally {
      s.kill()
    }

    const subs = await runJson<{name: string; phone: string}[]>(['subscribers'], dataDir)
    assert.deepEqual(subs.json.map(x => x.name).sort(), ['Anna[2J Rossi', 'Luca Bianchi'])
  })

  it('cleans what the clerk types too: a rejection reason or an operator with controls or a formula is stored defused', async () => {
    const file = path.join(root, 'r.ndjson')
    writeFileSync(file, line([{
      body: 'Servizio Info ON Paolo Neri', from: '393471112224', id: 'wamid.R', ts: T0,
    }]) + '\n')
    assert.equal((await runCli(['import', file], dataDir)).code, 0)
    const [req] = (await runJson<{id: string}[]>(['requests'], dataDir)).json
    const r = await runCli(['review', '--reject', req.id, '--reason', '\u001B]0;X\u0007=1+2\u001B[2J', '--operator', '@Sportello\u0007'], dataDir)
    assert.equal(r.code, 0, r.stderr)
    const stored = readFileSync(path.join(dataDir, 'richieste.csv'), 'utf8') + readFileSync(path.join(dataDir, 'registro.jsonl'), 'utf8')
    assert.ok(![...stored].some(ch => ch < ' ' && !'\t\n\r'.includes(ch)), 'a control character was stored')
    const [rejected] = (await runJson<{reason: string}[]>(['requests', '--status', 'all'], dataDir)).json
    assert.equal(rejected.reason, ']0;X=1+2[2J')
    assert.match(readFileSync(path.join(dataDir, 'richieste.csv'), 'utf8'), /;'@Sportello;/)
  })

  it('prints what a citizen wrote with its control characters made visible, in requests, subscribers and review (point 10)', async () => {
    // Hand edits put raw controls in the tables: the reader accepts them, the terminal must never obey them.
    const evil = 'Anna\u0007\b\b\b\bBell\u001B[2J\u001B]0;titolo\u0007\u009B31m\u202Eabc'
    const sub: Subscriber = {
      approvedBy: 'x', consent: 'in-person', name: evil, phone: '+393331234567', privacyNotice: '2021-12-21', status: 'active', subscribedAt: '2026-03-01T10:00:00+01:00', updatedAt: '2026-03-01T10:00:00+01:00',
    }
    writeFileSync(path.join(dataDir, 'iscritti.csv'), writeTable(SUBSCRIBERS, [sub]))
    const req: RequestRecord = {
      action: 'ON', author: evil, id: 'abcdef1234', importedAt: '2026-03-02T10:00:00+01:00', name: evil, phone: '+393471112223', rawText: `Servizio Info ON ${evil}`, receivedAt: '2026-03-02T09:00:00+01:00', source: 'chat.txt:3', status: 'pending',
    }
    writeFileSync(path.join(dataDir, 'richieste.csv'), writeTable(REQUESTS, [req]))

    for (const args of [['requests'], ['subscribers'], ['subscribers', '--search', 'Anna']]) {
      const r = await runCli(args, dataDir)
      assert.equal(r.code, 0, r.stderr)
      assert.ok(!TERMINAL_CONTROL.test(r.stdout + r.stderr), `${args.join(' ')} printed a control character`)
      assert.ok(!/[\u202E]/.test(r.stdout), 'no bidi override')
      assert.match(r.stdout, /Anna\\u0007\\u0008\\u0008\\u0008\\u0008Bell\\u001B\[2J\\u001B\]0;titolo\\u0007\\u009B31m\\u202Eabc/)
    }

    const json = await runCli(['requests', '--json'], dataDir)
    assert.ok(!/[\u0080-\u009F\u202E]/.test(json.stdout), '--json escapes C1 and bidi controls')
    assert.equal((JSON.parse(json.stdout) as Req[])[0].name, evil, 'the same value, escaped')

    const s = new PtySession(['review'], dataDir)
    try {
      await s.waitFor('Decisione')
      s.press(KEY.ctrlC)
      await s.exit
    } finally {
      s.kill()
    }

    assert.ok(!s.raw.includes('\u0007'), 'review rang the bell')
    assert.ok(!s.raw.includes('\u001B[2J') && !s.raw.includes('\u001B]0;'), 'review let the citizen clear the screen or set the title')
    assert.ok(!s.raw.includes('\u009B') && !s.raw.includes('\u202E'), 'review printed C1 or a bidi override')
    assert.match(s.screen, /Nome: +Anna\\u0007\\u0008\\u0008\\u0008\\u0008Bell/)
  })

  it('refuses a phone-number id that is not digits with exit 6, never printing or storing it (point 12)', async () => {
    writeFileSync(path.join(root, 'avviso.txt'), 'Avviso di prova.')
    const sub: Subscriber = {
      approvedBy: 'x', consent: 'in-person', name: 'Anna', phone: '+393331234567', privacyNotice: '2021-12-21', status: 'active', subscribedAt: '2026-03-01T10:00:00+01:00', updatedAt: '2026-03-01T10:00:00+01:00',
    }
    writeFileSync(path.join(dataDir, 'iscritti.csv'), writeTable(SUBSCRIBERS, [sub]))
    const secret = 'EAAGm0PX4ZCpsBAKZCZBtokenLIKE123'
    for (const json of [false, true]) {
      const r = await runCli(['broadcast', '--file', path.join(root, 'avviso.txt'), '--dry-run', ...(json ? ['--json'] : [])], dataDir, {env: {WHATSAPP_PHONE_NUMBER_ID: secret}})
      assert.equal(r.code, 6, r.stdout + r.stderr)
      assert.ok(!(r.stdout + r.stderr).includes(secret) && !(r.stdout + r.stderr).includes('EAAG'), 'the value was printed')
      assert.match(r.stdout + r.stderr, /WHATSAPP_PHONE_NUMBER_ID/)
    }

    // The token pasted into the other parts of the URL that is shown and stored: refused the same way.
    const id = {WHATSAPP_PHONE_NUMBER_ID: '106540352242922', WHATSAPP_TOKEN: secret}
    for (const [key, env] of [
      ['WHATSAPP_API_VERSION', {...id, WHATSAPP_API_VERSION: secret}],
      ['WHATSAPP_API_URL', {...id, WHATSAPP_API_URL: `http://127.0.0.1:9/${secret}`}],
    ] as const) {
      const r = await runCli(['broadcast', '--file', path.join(root, 'avviso.txt'), '--dry-run', '--yes'], dataDir, {env})
      assert.equal(r.code, 6, r.stdout + r.stderr)
      assert.ok(!(r.stdout + r.stderr).includes(secret), `${key}: the value was printed`)
      assert.match(r.stdout + r.stderr, new RegExp(key))
    }

    const invii = path.join(dataDir, 'invii')
    const stored = existsSync(invii) ? readdirSync(invii, {recursive: true}).map(String) : []
    for (const f of stored) {
      const p = path.join(invii, f)
      if (existsSync(p) && !p.endsWith('/')) {
        try {
          assert.ok(!readFileSync(p, 'utf8').includes(secret), f)
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EISDIR') throw error
        }
      }
    }

    const ok = await runCli(['broadcast', '--file', path.join(root, 'avviso.txt'), '--dry-run'], dataDir, {env: {WHATSAPP_PHONE_NUMBER_ID: '106540352242922'}})
    assert.equal(ok.code, 0, ok.stderr)
  })

  it('reads hostile sizes in bounded memory, with a per-file Italian error (point 9)', async function () {
    this.timeout(180_000)
    // A zip of 12 entries of 200 MB each (a few MB compressed): streamed, stopped at the cap.
    const mb200 = 200 * 1024 * 1024
    const text = Buffer.alloc(mb200, 'a')
    Buffer.from('14/03/25, 09:21 - Mario: Servizio Info ON ').copy(text)
    const deflated = deflateRawSync(text, {level: 1})
    const zip = path.join(root, 'bomba.zip')
    writeFileSync(zip, zipOf(Array.from({length: 12}, (_, i) => `chat${i}/_chat.txt`), deflated, mb200))

    // A 200 MB one-line JSON whose text is "Servizio Info ON aaa…": neither a request nor an out-of-memory.
    const json = path.join(root, 'enorme.json')
    const head = line([{
      body: 'Servizio Info ON ', from: '393331234567', id: 'wamid.BIG', ts: T0,
    }])
    const cut = head.indexOf('Servizio Info ON ') + 'Servizio Info ON '.length
    const fd = openSync(json, 'w')
    writeSync(fd, head.slice(0, cut))
    const chunk = Buffer.alloc(8 * 1024 * 1024, 'a')
    for (let i = 0; i < 25; i++) writeSync(fd, chunk)
    writeSync(fd, head.slice(cut) + '\n')
    closeSync(fd)

    // A chat message of 5 MB starting with the keyword: not a request.
    const chat = path.join(root, 'Chat WhatsApp con +39 347 765 4321.txt')
    writeFileSync(chat, `14/03/25, 09:21 - +39 347 765 4321: Servizio Info ON ${'b'.repeat(5 * 1024 * 1024)}\n14/03/25, 09:22 - +39 347 765 4321: Servizio Info ON Paolo Neri\n`)

    const r = await runJson<ImportJson>(['import', zip, json, chat], dataDir, {env: {NODE_OPTIONS: '--max-old-space-size=256'}})
    assert.equal(r.code, 7, r.stderr)
    const [z, j, c] = r.json.files
    assert.equal(z.error?.code, 'chat-file:too-large')
    assert.match(z.error!.message, /troppo grande/)
    assert.equal(j.error?.code, 'webhook:TOO_LARGE')
    assert.equal(j.error?.line, 1)
    assert.equal(c.error, undefined)
    assert.equal(c.requests, 1, 'only the short message is a request')
    const stored = readFileSync(path.join(dataDir, 'richieste.csv'))
    assert.ok(stored.length < 10_000, `richieste.csv is ${stored.length} bytes`)
    assert.equal((await runCli(['requests'], dataDir)).code, 0)
  })

  it('orders the repeated autumn hour by the file, and stops a file with dates after tomorrow unless --date-order confirms them (point 13)', async () => {
    const chat = path.join(root, 'Chat WhatsApp con +39 347 765 4321.txt')
    writeFileSync(chat, [
      '26/10/25, 01:50 - Comune di Cerveno: Buongiorno',
      '26/10/25, 02:45 - +39 347 765 4321: Servizio Info OFF',
      '26/10/25, 02:15 - +39 347 765 4321: Servizio Info ON Paolo Neri',
      '26/10/25, 02:20 - Comune di Cerveno: Ricevuto',
      '',
    ].join('\n'))
    const r = await runJson<ImportJson>(['import', chat, '--self', 'Comune di Cerveno'], dataDir)
    assert.equal(r.code, 0, r.stderr)
    const all = (await runJson<Req[]>(['requests', '--status', 'all'], dataDir)).json
    const on = all.find(q => q.action === 'ON')!
    const off = all.find(q => q.action === 'OFF')!
    assert.equal(off.receivedAt, '2025-10-26T02:45:00+02:00')
    assert.equal(on.receivedAt, '2025-10-26T02:15:00+01:00')
    assert.deepEqual([on.status, off.status], ['pending', 'superseded'])

    const future = path.join(root, 'Chat WhatsApp con +39 333 123 4567.txt')
    writeFileSync(future, '01/03/26, 10:00 - +39 333 123 4567: Buongiorno\n14/03/31, 09:21 - +39 333 123 4567: Servizio Info ON Anna Verdi\n')
    const refused = await runJson<ImportJson>(['import', future], dataDir)
    assert.equal(refused.code, 7)
    assert.equal(refused.json.files[0].error?.code, 'chat:future-date')
    assert.equal(refused.json.files[0].error?.line, 2)
    assert.match(refused.json.files[0].error!.message, /--date-order/)
    assert.equal(refused.json.newRequests, 0)

    const confirmed = await runJson<ImportJson>(['import', future, '--date-order', 'dmy'], dataDir)
    assert.equal(confirmed.code, 0, confirmed.stderr)
    assert.equal(confirmed.json.newRequests, 1)
  })
})

/**
 * A zip (sizes honest, one deflated body shared by every entry): what a "zip bomb" of 12 × 200 MB looks like. The
 * CRC is left 0: the reader must stop long before it could check one.
 */
function zipOf(names: string[], body: Buffer, size: number): Buffer {
  const crc = 0
  const parts: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  for (const name of names) {
    const n = Buffer.from(name)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04_03_4B_50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(8, 8)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(body.length, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(n.length, 26)
    const dir = Buffer.alloc(46)
    dir.writeUInt32LE(0x02_01_4B_50, 0)
    dir.writeUInt16LE(20, 4)
    dir.writeUInt16LE(20, 6)
    dir.writeUInt16LE(8, 10)
    dir.writeUInt32LE(crc, 16)
    dir.writeUInt32LE(body.length, 20)
    dir.writeUInt32LE(size, 24)
    dir.writeUInt16LE(n.length, 28)
    dir.writeUInt32LE(offset, 42)
    parts.push(local, n, body)
    central.push(dir, n)
    offset += 30 + n.length + body.length
  }

  const dirBytes = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06_05_4B_50, 0)
  end.writeUInt16LE(names.length, 8)
  end.writeUInt16LE(names.length, 10)
  end.writeUInt32LE(dirBytes.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...parts, dirBytes, end])
}

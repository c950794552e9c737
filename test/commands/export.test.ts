import {parse} from 'csv-parse/sync'
import {strict as assert} from 'node:assert'
import {
  mkdirSync, readdirSync, readFileSync, statSync, writeFileSync,
} from 'node:fs'
import path from 'node:path'

import {recordDeliveryStatuses} from '../../src/app/broadcast.js'
import {extractFromPayload} from '../../src/core/webhook/index.js'
import {DataFolder} from '../../src/io/data-folder.js'
import {runCli, runJson} from '../helpers/cli.js'
import {freshDataDirEach} from '../helpers/each.js'
import {FAKE_PHONE_NUMBER_ID, FAKE_TOKEN, startFakeCloudApi} from '../helpers/fake-cloud-api.js'
import {inboundEnvelope, type InboundText} from '../helpers/webhooks.js'

const T0 = Math.floor(Date.now() / 1000) - 86_400

/** Requests through a webhook dump, approved in one batch: the registry a clerk would have. */
async function subscribe(dataDir: string, root: string, people: {name: string; phone: string; text?: string}[]): Promise<void> {
  const messages: InboundText[] = people.map((p, i) => ({
    body: p.text ?? `Servizio Info ON ${p.name}`, from: p.phone.replace('+', ''), id: `wamid.T${i}`, name: 'Profilo', ts: T0 + i,
  }))
  const file = path.join(root, `dump-${Date.now()}.json`)
  writeFileSync(file, JSON.stringify(inboundEnvelope(messages)))
  const imported = await runCli(['import', file], dataDir)
  assert.equal(imported.code, 0, imported.stderr)
  const approved = await runCli(['review', '--approve-all'], dataDir)
  assert.equal(approved.code, 0, approved.stderr)
}

/** What Excel does when it opens the file by double click, as far as these files can tell. */
function openAsExcel(bytes: Buffer): string[][] {
  assert.deepEqual([...bytes.subarray(0, 3)], [0xEF, 0xBB, 0xBF], 'UTF-8 BOM (else Excel reads ANSI)')
  const text = bytes.subarray(3).toString('utf8')
  assert.ok(text.endsWith('\r\n'))
  assert.equal(text.replaceAll(/"[^"]*"/g, '').replaceAll('\r\n', '').includes('\n'), false, 'records end with CRLF')
  return parse(text, {delimiter: ';', record_delimiter: '\r\n'}) as string[][]
}

/** How Excel types an unquoted cell value on opening: a formula, a number, or text. */
function excelType(cell: string): 'formula' | 'number' | 'text' {
  if (/^[=+\-@\t\r]/.test(cell)) return 'formula'
  if (/^\s*[+-]?\d[\d.,]*(e[+-]?\d+)?%?\s*$/i.test(cell)) return 'number'
  return 'text'
}

describe('export (CLI)', () => {
  let dataDir: string
  let root: string
  freshDataDirEach(f => {
    ({dataDir, root} = f)
  })

  it('Excel: BOM, `;`, CRLF, phones as text, hostile names inert, Italian headers with statuses, dates and who decided', async () => {
    await subscribe(dataDir, root, [
      {name: 'Paolo Rossi', phone: '+393331234567'},
      {name: 'Segnaposto Uno', phone: '+393331234568'},
      {name: 'Segnaposto Due', phone: '+393331234569'},
      {name: 'Segnaposto Tre', phone: '+393331234570'},
    ])
    // The import never stores a formula as a name (issue 13): hostile names can only come from a hand edit.
    const registry = path.join(dataDir, 'iscritti.csv')
    writeFileSync(registry, readFileSync(registry, 'utf8')
    .replace('Segnaposto Uno', '"=HYPERLINK(""http://x"",""y"")"')
    .replace('Segnaposto Due', '@SUM(1)')
    .replace('Segnaposto Tre', '+SUM(2)'))
    assert.equal((await runCli(['subscribers', 'remove', '+393331234570'], dataDir)).code, 0)
    const r = await runJson<{files: string[]; format: string; rows: number; what: string}>(['export', 'subscribers'], dataDir)
    assert.equal(r.code, 0, r.stderr)
    const today = new Intl.DateTimeFormat('sv-SE', {timeZone: 'Europe/Rome'}).format(new Date())
    assert.deepEqual(r.json, {
      files: [path.join(dataDir, 'esportazioni', `iscritti-${today}.csv`)], format: 'excel', rows: 4, what: 'subscribers',
    })
    assert.equal(statSync(r.json.files[0]).mode & 0o777, 0o600)
    const [head, ...rows] = openAsExcel(readFileSync(r.json.files[0]))
    assert.deepEqual(head, ['Telefono', 'Nome', 'Stato', 'Iscritto il', 'Approvato da', 'Consenso', 'Informativa privacy del', 'Id richiesta', 'Cessato il', 'Cessato da', 'Ultima modifica'])
    for (const row of rows) for (const cell of row) assert.notEqual(excelType(cell), 'formula', cell)
    const byPhone = new Map(rows.map(x => [x[0], x]))
    assert.deepEqual([...byPhone.keys()].sort(), ["'+393331234567", "'+393331234568", "'+393331234569", "'+393331234570"])
    assert.equal(byPhone.get("'+393331234568")![1], '\'=HYPERLINK("http://x","y")')
    assert.equal(byPhone.get("'+393331234569")![1], "'@SUM(1)")
    const ceased = byPhone.get("'+393331234570")!
    assert.deepEqual([ceased[1], ceased[2]], ["'+SUM(2)", 'cessato'])
    assert.match(ceased[8], /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/, 'cessation date, Italian, read as a date')
    assert.ok(ceased[9] !== '', 'who ceased it')
    assert.equal(byPhone.get("'+393331234567")![2], 'attivo')
    assert.equal(byPhone.get("'+393331234567")![5], 'messaggio WhatsApp')

    const req = await runJson<{files: string[]}>(['export', 'requests'], dataDir)
    const [rhead, ...rrows] = openAsExcel(readFileSync(req.json.files[0]))
    assert.deepEqual(rhead.slice(0, 6), ['Id', 'Azione', 'Telefono', 'Nome', 'Stato', 'Ricevuta il'])
    assert.ok(rhead.includes('Decisa il') && rhead.includes('Decisa da') && rhead.includes('Testo del messaggio'))
    for (const row of rrows) {
      for (const cell of row) assert.notEqual(excelType(cell), 'formula', cell)
      assert.notEqual(excelType(row[0]), 'number', `request id ${row[0]} stays text`)
      assert.equal(row[4], 'approvata')
    }
  })

  it('never overwrites without --force: a taken default name gets the next number, a named --out file is exit 4; --out to a folder or a file', async () => {
    await subscribe(dataDir, root, [{name: 'Paolo Rossi', phone: '+393331234567'}])
    const first = await runJson<{files: string[]}>(['export', 'subscribers'], dataDir)
    const file = first.json.files[0]
    writeFileSync(file, 'mine')
    const again = await runJson<{files: string[]}>(['export', 'subscribers'], dataDir)
    assert.equal(again.code, 0, again.stderr)
    assert.equal(again.json.files[0], file.replace(/\.csv$/, '-2.csv'))
    assert.equal(readFileSync(file, 'utf8'), 'mine')
    const named = await runJson<{error: {code: string; exitCode: number}}>(['export', 'subscribers', '--out', file], dataDir)
    assert.equal(named.code, 4)
    assert.equal(named.json.error.code, 'FILE_EXISTS')
    assert.equal(readFileSync(file, 'utf8'), 'mine')
    const forced = await runCli(['export', 'subscribers', '--force'], dataDir)
    assert.equal(forced.code, 0, forced.stderr)
    assert.match(readFileSync(file, 'utf8'), /Paolo Rossi/)

    const folder = path.join(root, 'uscita')
    mkdirSync(folder)
    const toDir = await runJson<{files: string[]}>(['export', 'requests', '--format', 'csv', '--out', folder], dataDir)
    assert.equal(path.dirname(toDir.json.files[0]), folder)
    assert.match(path.basename(toDir.json.files[0]), /^richieste-\d{4}-\d{2}-\d{2}\.csv$/)
    const relative = await runJson<{files: string[]}>(['export', 'audit', '--out', 'registro.csv'], dataDir, {cwd: root})
    assert.equal(relative.json.files[0], path.join(root, 'registro.csv'))
  })

  it('csv is RFC 4180: comma, CRLF, no BOM, line breaks quoted; formulas neutralised there too', async () => {
    await subscribe(dataDir, root, [{name: 'Paolo Rossi', phone: '+393331234567', text: 'Servizio Info ON Paolo Rossi\n=1+1 e grazie'}])
    const r = await runJson<{files: string[]}>(['export', 'requests', '--format', 'csv'], dataDir)
    const bytes = readFileSync(r.json.files[0])
    assert.notEqual(bytes[0], 0xEF)
    const text = bytes.toString('utf8')
    assert.match(text, /^Id,Azione,Telefono,Nome,/)
    assert.match(text, /"Servizio Info ON Paolo Rossi\n=1\+1 e grazie"/)
    const rows = parse(text) as string[][]
    assert.equal(rows[1][2], "'+393331234567")
    assert.match(rows[1][5], /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/, 'ISO 8601 dates')
  })

  it('--status and --since filter; both date spellings agree; bad values exit 2', async () => {
    await subscribe(dataDir, root, [
      {name: 'Paolo Rossi', phone: '+393331234567'},
      {name: 'Anna Bianchi', phone: '+393331234568'},
    ])
    await runCli(['subscribers', 'remove', '+393331234568'], dataDir)
    const ceased = await runJson<{rows: number}>(['export', 'subscribers', '--status', 'ceased', '--out', path.join(root, 'c.csv')], dataDir)
    assert.equal(ceased.json.rows, 1)
    const tomorrow = new Date(Date.now() + 2 * 86_400_000)
    const iso = new Intl.DateTimeFormat('sv-SE', {timeZone: 'Europe/Rome'}).format(tomorrow)
    const it = iso.split('-').reverse().join('/')
    const a = await runJson<{rows: number}>(['export', 'requests', '--since', iso, '--out', path.join(root, 'a.csv')], dataDir)
    const b = await runJson<{rows: number}>(['export', 'requests', '--since', it, '--out', path.join(root, 'b.csv')], dataDir)
    assert.deepEqual([a.json.rows, b.json.rows], [0, 0])
    const all = await runJson<{rows: number}>(['export', 'requests', '--since', '01/01/2020', '--out', path.join(root, 'd.csv')], dataDir)
    assert.equal(all.json.rows, 2)
    for (const bad of [['--since', '31/02/2025'], ['--status', 'approved']]) {
      const r = await runJson<{error: {code: string}}>(['export', 'subscribers', ...bad], dataDir)
      assert.equal(r.code, 2, bad.join(' '))
      assert.ok(['DATE_INVALID', 'EXPORT_OPTION_INVALID'].includes(r.json.error.code))
    }

    const vcfRequests = await runJson<{error: {code: string}}>(['export', 'requests', '--format', 'vcf'], dataDir)
    assert.equal(vcfRequests.code, 2)
  })

  it('export broadcast <id>: the delivery report from duplicated, out-of-order status webhooks, with codes explained and totals', async function () {
    this.timeout(60_000)
    await subscribe(dataDir, root, [
      {name: 'Paolo Rossi', phone: '+393331234567'},
      {name: 'Anna Bianchi', phone: '+393331234568'},
      {name: 'Carlo Verdi', phone: '+393331234569'},
    ])
    const fake = await startFakeCloudApi({undeliverable: {recipients: ['+393331234569']}})
    try {
      const notice = path.join(root, 'avviso.txt')
      writeFileSync(notice, 'Domani mercato in piazza.')
      const env = {WHATSAPP_API_URL: fake.baseUrl, WHATSAPP_PHONE_NUMBER_ID: FAKE_PHONE_NUMBER_ID, WHATSAPP_TOKEN: FAKE_TOKEN}
      const sent = await runJson<{id: string}>(['broadcast', '--file', notice, '--yes'], dataDir, {env})
      assert.equal(sent.code, 0, sent.stderr)
      // Paolo's message was read; Anna's only delivered; Carlo's failed (131026).
      const events = fake
      .statusWebhooks({read: true})
      .flatMap(e => extractFromPayload(e, {defaultCountry: 'IT', keyword: 'Servizio Info', source: 't'}).statuses)
      .filter(e => !(e.recipientId === '393331234568' && e.status === 'read'))
      await recordDeliveryStatuses(new DataFolder(dataDir), [...events].reverse())
      await recordDeliveryStatuses(new DataFolder(dataDir), events)
      const csv = await runJson<{files: string[]; rows: number}>(['export', 'broadcast', sent.json.id, '--format', 'csv'], dataDir)
      assert.equal(csv.code, 0, csv.stderr)
      const [head, ...rows] = parse(readFileSync(csv.json.files[0], 'utf8')) as string[][]
      assert.deepEqual(head, ['Telefono', 'Esito', 'Consegna', 'Codice errore', 'Spiegazione', 'Id messaggio WhatsApp'])
      const byPhone = new Map(rows.map(r => [r[0], r]))
      assert.deepEqual(byPhone.get("'+393331234567")!.slice(1, 4), ['accettato', 'letto', ''])
      assert.deepEqual(byPhone.get("'+393331234568")!.slice(1, 4), ['accettato', 'consegnato', ''])
      const carlo = byPhone.get("'+393331234569")!
      assert.deepEqual(carlo.slice(2, 4), ['non consegnato', '131026'])
      assert.match(carlo[4], /non usa WhatsApp/)
      assert.ok(carlo[5].startsWith('wamid.'))
      assert.match(path.basename(csv.json.files[0]), new RegExp(`^invio-${sent.json.id}-\\d{4}-\\d{2}-\\d{2}\\.csv$`))

      const failed = await runJson<{rows: number}>(['export', 'broadcast', sent.json.id, '--status', 'failed', '--out', path.join(root, 'f.csv')], dataDir)
      assert.equal(failed.json.rows, 1)
      const excel = await runJson<{files: string[]}>(['export', 'broadcast', sent.json.id, '--out', path.join(root, 'excel.csv')], dataDir)
      const cells = openAsExcel(readFileSync(excel.json.files[0]))
      const totals = new Map(cells.slice(5).filter(r => r[0] !== '').map(r => [r[0], r[1]]))
      assert.deepEqual(Object.fromEntries(totals), {
        Accettati: '2', Consegnati: '2', 'Da inviare': '0', Incerti: '0', Letti: '1', 'Non riusciti': '1',
      })
      const unknown = await runJson<{error: {code: string}}>(['export', 'broadcast', '20200101-000000-zzzz'], dataDir)
      assert.equal(unknown.code, 4)
      assert.equal(unknown.json.error.code, 'BROADCAST_UNKNOWN')
      assert.equal((await runJson(['export', 'broadcast'], dataDir)).code, 2)
    } finally {
      await fake.close()
    }
  })

  it('600 subscribers → vCard in 3 files of at most 256 contacts, with the right numbers and names', async function () {
    this.timeout(120_000)
    const people = Array.from({length: 600}, (_, i) => ({name: `Cittadino Numero ${i}`, phone: `+39333${String(1_000_000 + i)}`}))
    await subscribe(dataDir, root, people)
    const r = await runJson<{files: string[]; rows: number}>(['export', 'subscribers', '--format', 'vcf'], dataDir)
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.json.rows, 600)
    assert.equal(r.json.files.length, 3)
    assert.deepEqual(readdirSync(path.join(dataDir, 'esportazioni')).sort(), r.json.files.map(f => path.basename(f)).sort())
    const cards = r.json.files.map(f => readFileSync(f, 'utf8').split('END:VCARD\r\n').filter(c => c.trim() !== ''))
    for (const c of cards) assert.ok(c.length <= 256)
    const found = new Map<string, string>()
    for (const card of cards.flat()) {
      assert.match(card, /^BEGIN:VCARD\r\nVERSION:3\.0\r\n/)
      found.set(/TEL;TYPE=CELL:(\+\d+)/.exec(card)![1], /\r\nFN:([^\r]*)\r\n/.exec(card)![1])
    }

    assert.equal(found.size, 600)
    for (const p of people) assert.equal(found.get(p.phone), p.name, p.phone)
  })
})

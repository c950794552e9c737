import ExcelJS from 'exceljs'
import {strict as assert} from 'node:assert'
import {
  copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync,
} from 'node:fs'
import path from 'node:path'

import {
  FIXTURES, freshDataDir, runCli, runJson,
} from '../helpers/cli.js'
import {PtySession} from '../helpers/pty.js'
import {inboundEnvelope} from '../helpers/webhooks.js'

const T0 = Math.floor(Date.now() / 1000) - 86_400

/** One approved subscriber and one pending request, from a webhook dump. */
async function seeded(): Promise<{cleanup: () => void; dataDir: string; root: string}> {
  const d = await freshDataDir()
  const file = path.join(d.root, 'dump.json')
  writeFileSync(file, JSON.stringify(inboundEnvelope([
    {
      body: 'Servizio Info ON Paolo Rossi', from: '393331234567', id: 'wamid.P1', name: 'Paolo', ts: T0,
    },
  ])))
  assert.equal((await runCli(['import', file], d.dataDir)).code, 0)
  assert.equal((await runCli(['review', '--approve-all'], d.dataDir)).code, 0)
  return d
}

describe('Italian everywhere the clerk looks (#14 points 6, 9, 10, 11)', function () {
  this.timeout(120_000)
  let d: Awaited<ReturnType<typeof seeded>>

  before(async () => {
    d = await seeded()
  })

  after(() => d.cleanup())

  describe('the command line itself', () => {
    it('an unknown command gets an Italian sentence with the nearest command, exit 2', async () => {
      for (const [typed, meant] of [['improt', 'import'], ['reveiw', 'review'], ['subscriber', 'subscribers']]) {
        const r = await runCli([typed], d.dataDir)
        assert.equal(r.code, 2, r.stderr)
        assert.match(r.stderr, new RegExp(`Comando sconosciuto: «${typed}»\\. Forse intendevi «cerveno-info ${meant}»\\?`))
        assert.doesNotMatch(r.stderr, /not found|Error:/)
      }

      const far = await runCli(['zzzzzz'], d.dataDir)
      assert.equal(far.code, 2)
      assert.match(far.stderr, /Comando sconosciuto: «zzzzzz»\. Per l'elenco dei comandi: cerveno-info help/)
      const json = await runJson<{error: {code: string; exitCode: number; suggestions: string[]}}>(['improt'], d.dataDir)
      assert.equal(json.code, 2)
      assert.deepEqual(json.json.error.suggestions, ['import'])
    })

    it('`help` is a command: the list, one command, an unknown one', async () => {
      const all = await runCli(['help'], d.dataDir)
      assert.equal(all.code, 0)
      assert.match(all.stdout, /COMANDI/)
      assert.match(all.stdout, /broadcast/)
      const one = await runCli(['help', 'subscribers', 'add'], d.dataDir)
      assert.equal(one.code, 0)
      assert.match(one.stdout, /USO\n {2}\$ cerveno-info subscribers add TELEFONO\.\.\. NOME\.\.\./)
      assert.match(one.stdout, /ARGOMENTI\n {2}TELEFONO\.\.\. {2}Numero.*\n {2}NOME\.\.\. {6}Nome/)
      const unknown = await runCli(['help', 'improt'], d.dataDir)
      assert.equal(unknown.code, 2)
      assert.match(unknown.stderr, /Non esiste un comando «improt»/)
    })

    it("oclif's parser errors come out in Italian, naming what is wrong and what is accepted", async () => {
      const cases: [string[], RegExp][] = [
        [['review', '--aprove-all'], /l'opzione --aprove-all non esiste\. Forse intendevi «--approve-all»\? Vedere --help\./],
        [['subscribers', 'add'], /mancano gli argomenti TELEFONO e NOME/],
        [['privacy', 'erase'], /manca l'argomento TELEFONO/],
        [['requests', '--status', 'boh'], /«boh» non è tra i valori ammessi \(.*attesa.*tutte.*pending.*all\)/],
        [['broadcast', '--rate', '.'], /l'opzione --rate vuole un numero intero, non «\.»/],
        [['broadcast', '--rate', '5000'], /l'opzione --rate vuole un numero non superiore a 1000, non «5000»/],
        [['export', 'tutto'], /il valore «tutto» non è ammesso\. Valori ammessi: subscribers, requests, broadcast, audit/],
        [['broadcast', '--resume', 'x', '--file', 'a.txt'], /le opzioni --(resume|file) e --(file|resume) non si possono usare insieme/],
      ]
      for (const [args, expected] of cases) {
        const r = await runCli(args, d.dataDir)
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
        assert.match(r.stderr, /^Uso non corretto del comando: /)
        assert.match(r.stderr, expected, args.join(' '))
        assert.doesNotMatch(r.stderr, /Expected|Missing|Nonexistent|Parsing|See more help|following/, args.join(' '))
      }
    })

    it('option values have Italian aliases beside the English ones', async () => {
      const italian = await runJson<{status: string}[]>(['requests', '--status', 'approvata'], d.dataDir)
      const english = await runJson<{status: string}[]>(['requests', '--status', 'approved'], d.dataDir)
      assert.equal(italian.code, 0)
      assert.deepEqual(italian.json, english.json)
      assert.equal(italian.json.length, 1)
      const all = await runJson<unknown[]>(['requests', '--status', 'Tutte'], d.dataDir)
      assert.equal(all.json.length, 1)
      const active = await runJson<unknown[]>(['subscribers', '--status', 'attivi'], d.dataDir)
      assert.equal(active.json.length, 1)
      assert.equal((await runJson<unknown[]>(['subscribers', '--status', 'cessati'], d.dataDir)).json.length, 0)
    })

    it('help pages have Italian placeholders, defaults and argument names, and a readable broadcast usage', async () => {
      for (const args of [['requests', '--help'], ['import', '--help'], ['export', '--help'], ['subscribers', '--help'], ['broadcast', '--help']]) {
        const r = await runCli(args, d.dataDir)
        assert.equal(r.code, 0)
        assert.doesNotMatch(r.stdout, /<options:|\[default:|<value>|<option>|PATHS|\bPHONE\b/, args.join(' '))
      }

      assert.match((await runCli(['requests', '--help'], d.dataDir)).stdout, /\[predefinito: attesa\]/)
      assert.match((await runCli(['import', '--help'], d.dataDir)).stdout, /PERCORSI\.\.\./)
      const usage = (await runCli(['broadcast', '--help'], d.dataDir)).stdout.split('OPZIONI')[0]
      assert.match(usage, /\$ cerveno-info broadcast --file <file>/)
      assert.match(usage, /\$ cerveno-info broadcast --resume <id>/)
      assert.match(usage, /\$ cerveno-info broadcast --retry-failed <id>/)
      assert.doesNotMatch(usage, /\| \|/)
    })
  })

  describe('prompts', () => {
    async function eraseWith(answer: string): Promise<{erased: boolean; screen: string}> {
      const e = await seeded()
      try {
        const session = new PtySession(['privacy', 'erase', '+393331234567'], e.dataDir)
        const screen = await session.waitFor('(s/N)')
        session.type(`${answer}\r`)
        const {exitCode} = await session.exit
        const left = await runJson<unknown[]>(['subscribers', '--status', 'all'], e.dataDir)
        return {erased: exitCode === 0 && left.json.length === 0, screen: screen + session.screen}
      } finally {
        e.cleanup()
      }
    }

    it('yes/no questions show (s/N) and take s, sì, si as yes; n or Enter as no', async () => {
      for (const yes of ['s', 'Sì']) assert.equal((await eraseWith(yes)).erased, true, yes)
      assert.equal((await eraseWith('')).erased, false, 'Enter takes the default, No')
    })

    it('an answer that is neither yes nor no is asked again, never taken as no', async () => {
      const e = await seeded()
      try {
        const session = new PtySession(['privacy', 'erase', '+393331234567'], e.dataDir)
        await session.waitFor('(s/N)')
        session.type('forse\r')
        await session.waitFor('scrivere s (sì) oppure n (no)')
        session.type('s\r')
        assert.equal((await session.exit).exitCode, 0)
        assert.equal((await runJson<unknown[]>(['subscribers', '--status', 'all'], e.dataDir)).json.length, 0)
      } finally {
        e.cleanup()
      }
    })
  })

  describe('small things', () => {
    it('counts agree with their nouns, and stats figures stand in one column', async () => {
      const one = await runCli(['requests', '--status', 'tutte'], d.dataDir)
      assert.match(one.stdout, /^1 richiesta\.$/m)
      const stats = (await runCli(['stats'], d.dataDir)).stdout.split('\n').slice(0, 3)
      assert.equal(stats.length, 3)
      const columns = new Set(stats.map(l => l.search(/\d+$/)))
      assert.equal(columns.size, 1, stats.join('\n'))
    })

    it('a broken config.json is reported with its line and column', async () => {
      const e = await freshDataDir()
      try {
        const file = path.join(e.dataDir, 'config.json')
        const lines = readFileSync(file, 'utf8').split('\n')
        lines[3] = lines[3].replace(/,$/, '')
        writeFileSync(file, '\uFEFF' + lines.join('\n'))
        const r = await runCli(['import', '--dry-run', path.join(FIXTURES, 'demo')], e.dataDir)
        assert.equal(r.code, 6)
        assert.match(r.stderr, /non è JSON valido alla riga 5, colonna \d+/)
      } finally {
        e.cleanup()
      }
    })

    it('errors are wrapped to the width of the terminal, never mid-word', async () => {
      const e = await freshDataDir()
      try {
        writeFileSync(path.join(e.dataDir, 'config.json'), '{"schemaVersion": 1,,}')
        const session = new PtySession(['import', '--dry-run', path.join(FIXTURES, 'demo')], e.dataDir, {}, 60)
        await session.exit
        const lines = session.screen.split(/\r?\n/).filter(l => l.trim() !== '')
        assert.ok(lines.length >= 4, session.screen)
        for (const l of lines) assert.ok(l.length <= 60, `too long: ${l}`)
        assert.match(lines.join(' '), /non è JSON valido alla riga 1, colonna \d+/)
      } finally {
        e.cleanup()
      }
    })

    it("a new data folder's daily messaging limit is a Meta tier (250)", async () => {
      const e = await freshDataDir()
      try {
        assert.equal(JSON.parse(readFileSync(path.join(e.dataDir, 'config.json'), 'utf8')).messagingLimit, 250)
      } finally {
        e.cleanup()
      }
    })

    it('table columns are measured by display width (an emoji takes two columns)', async () => {
      const e = await freshDataDir()
      try {
        assert.equal((await runCli(['subscribers', 'add', '+393331234501', 'Anna 🌻 Neri'], e.dataDir)).code, 0)
        assert.equal((await runCli(['subscribers', 'add', '+393331234502', 'Bruno Bianchi'], e.dataDir)).code, 0)
        const lines = (await runCli(['subscribers'], e.dataDir)).stdout.split('\n').filter(l => /Anna|Bruno/.test(l))
        const {default: stringWidth} = await import('string-width')
        const statusAt = lines.map(l => stringWidth(l.slice(0, l.indexOf('attivo'))))
        assert.equal(statusAt[0], statusAt[1], lines.join('\n'))
      } finally {
        e.cleanup()
      }
    })
  })

  describe('import messages', () => {
    it('a photo, a PDF and a voice note beside the chat are named for what they are and skipped, not errors', async () => {
      const e = await freshDataDir()
      try {
        const folder = path.join(e.root, 'Chat WhatsApp con Mario')
        mkdirSync(folder)
        const demo = readdirSync(path.join(FIXTURES, 'demo')).find(f => f.endsWith('.txt'))!
        copyFileSync(path.join(FIXTURES, 'demo', demo), path.join(folder, '_chat.txt'))
        writeFileSync(path.join(folder, 'IMG-20250301-WA0001.jpg'), Buffer.from([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46]))
        writeFileSync(path.join(folder, 'ordinanza.pdf'), '%PDF-1.7\n%âãÏÓ\n')
        writeFileSync(path.join(folder, 'PTT-20250301-WA0002.opus'), Buffer.concat([Buffer.from('OggS'), Buffer.alloc(40)]))
        const r = await runJson<{files: {error?: unknown; path: string; skipped?: {format: string; kind: string}}[]}>(['import', folder], e.dataDir)
        assert.equal(r.code, 0, r.stderr)
        const byName = new Map(r.json.files.map(f => [path.basename(f.path), f]))
        assert.deepEqual(byName.get('IMG-20250301-WA0001.jpg')?.skipped, {format: 'JPEG', kind: 'image'})
        assert.deepEqual(byName.get('ordinanza.pdf')?.skipped, {format: 'PDF', kind: 'pdf'})
        assert.deepEqual(byName.get('PTT-20250301-WA0002.opus')?.skipped, {format: 'OGG/Opus', kind: 'audio'})
        assert.ok(r.json.files.every(f => f.error === undefined))
        const text = await runCli(['import', '--dry-run', folder], e.dataDir)
        assert.match(text.stdout, /IMG-20250301-WA0001\.jpg: saltato, è una foto o un'immagine \(JPEG\) e non una chat/)
        assert.doesNotMatch(text.stdout + text.stderr, /UTF-8|riesportare/)
      } finally {
        e.cleanup()
      }
    })

    it('a path with spaces typed without quotes gets a hint with the quoted path', async () => {
      const e = await freshDataDir()
      try {
        const folder = path.join(e.root, 'Chat WhatsApp con Mario')
        mkdirSync(folder)
        const words = folder.split(' ')
        const r = await runCli(['import', ...words], e.dataDir)
        assert.equal(r.code, 7)
        assert.match(r.stderr, new RegExp(`tra virgolette.*cerveno-info import "${folder.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`))
      } finally {
        e.cleanup()
      }
    })

    it('"the others were imported" only when there are others', async () => {
      const e = await freshDataDir()
      try {
        const bad = path.join(e.root, 'rotto.txt')
        writeFileSync(bad, 'questa non è una chat\n')
        const alone = await runCli(['import', bad], e.dataDir)
        assert.equal(alone.code, 7)
        assert.match(alone.stderr, /1 file non importato: vedere sopra\./)
        assert.doesNotMatch(alone.stderr, /altr[io]/)
        const demo = readdirSync(path.join(FIXTURES, 'demo')).find(f => f.endsWith('.txt'))!
        const two = await runCli(['import', bad, path.join(FIXTURES, 'demo', demo)], e.dataDir)
        assert.match(two.stderr, /1 file non importato: vedere sopra\. L'altro è stato importato\./)
      } finally {
        e.cleanup()
      }
    })
  })

  describe('exports', () => {
    it('--format xlsx is a real workbook: phones as text without apostrophe, dates as dates, header with filters', async () => {
      const r = await runJson<{files: string[]; rows: number}>(['export', 'subscribers', '--format', 'xlsx'], d.dataDir)
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.json.files[0], /iscritti-\d{4}-\d{2}-\d{2}\.xlsx$/)
      const book = new ExcelJS.Workbook()
      await book.xlsx.readFile(r.json.files[0])
      const sheet = book.worksheets[0]
      assert.equal(sheet.getRow(1).getCell(1).value, 'Telefono')
      const phone = sheet.getRow(2).getCell(1)
      assert.equal(phone.type, ExcelJS.ValueType.String)
      assert.equal(phone.value, '+393331234567')
      assert.equal(sheet.getRow(2).getCell(2).value, 'Paolo Rossi')
      assert.ok(sheet.getRow(2).getCell(4).value instanceof Date, 'subscribedAt is a date cell')
      assert.ok(sheet.autoFilter, 'the header row has filters')
    })

    it('a second export the same day gets the next number; --force overwrites the first', async () => {
      const first = await runJson<{files: string[]}>(['export', 'requests'], d.dataDir)
      const second = await runJson<{files: string[]}>(['export', 'requests'], d.dataDir)
      assert.equal(second.code, 0, second.stderr)
      assert.equal(second.json.files[0], first.json.files[0].replace(/\.csv$/, '-2.csv'))
      const forced = await runJson<{files: string[]}>(['export', 'requests', '--force'], d.dataDir)
      assert.equal(forced.json.files[0], first.json.files[0])
    })

    it('export audit shows actions in words and before/after as "campo: valore" lines, not JSON', async () => {
      const r = await runJson<{files: string[]}>(['export', 'audit', '--format', 'csv', '--out', path.join(d.root, 'registro.csv')], d.dataDir)
      assert.equal(r.code, 0, r.stderr)
      const text = readFileSync(r.json.files[0], 'utf8')
      assert.match(text, /iscrizione al servizio/)
      assert.match(text, /telefono: \+393331234567\r?\n/)
      assert.match(text, /nome: Paolo Rossi/)
      assert.doesNotMatch(text, /\{""/)
    })

    it("the citizen's privacy export names the operations in plain Italian", async () => {
      const r = await runCli(['privacy', 'export', '+393331234567'], d.dataDir)
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, /richiesta ricevuta e registrata/)
      assert.match(r.stdout, /iscrizione al servizio/)
      assert.doesNotMatch(r.stdout, /request\.import|subscriber\.add/)
    })
  })
})

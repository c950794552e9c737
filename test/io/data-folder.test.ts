import fc from 'fast-check'
import {strict as assert} from 'node:assert'
import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {type Subscriber} from '../../src/core/registry/types.js'
import {readTable, type TableSchema, writeTable} from '../../src/io/csv-table.js'
import {
  appendLines, findRecord, repairJsonLines, tableRows,
} from '../../src/io/data-folder.js'
import {SUBSCRIBERS as REGISTRY} from '../../src/io/tables.js'
import {tempDir} from '../helpers/cli.js'

const base: Subscriber = {
  approvedBy: 'Ufficio',
  consent: 'message',
  name: 'x',
  phone: '+393331234560',
  privacyNotice: '2021-12-21',
  status: 'active',
  subscribedAt: '2025-03-14T09:21:00+01:00',
  updatedAt: '2025-03-14T09:21:00+01:00',
}
/** Repeated phones allowed (a registry refuses them): these tests are about finding rows in the bytes. */
const SUBSCRIBERS: TableSchema<Subscriber> = {...REGISTRY, unique: undefined}
const PHONES = ['+393331234560', '+393331234561', '+393331234562']
const header = Buffer.from(writeTable(SUBSCRIBERS, []))
const readRecord = (record: Buffer) => readTable(SUBSCRIBERS, Buffer.concat([header, record]), 'iscritti.csv').rows[0]

/** Names that look like the start of another record once a line break is in them. */
const trapName = fc
.tuple(
  fc.constantFrom('', 'Anna', 'a"b', '"', '""'),
  fc.constantFrom('', '\r\n', '\n', '\r\n"'),
  fc.constantFrom(...PHONES, '+393339999999'),
  fc.constantFrom(';', ';attivo', '', '";'),
)
.map(parts => parts.join(''))
.filter(s => s.trim() !== '')

describe('data folder', () => {
  describe('the one-row lookup of an add', () => {
    it('finds the last row of a phone exactly as a full read does, whatever the names hold (property)', () => {
      fc.assert(
        fc.property(
          fc.array(fc.record({name: trapName, phone: fc.constantFrom(...PHONES), status: fc.constantFrom('active', 'ceased')}), {maxLength: 8}),
          fc.constantFrom(...PHONES, '+393339999999'),
          (cells, phone) => {
            const rows: Subscriber[] = cells.map(c => ({
              ...base, ...c, ...(c.status === 'ceased' ? {ceasedAt: base.updatedAt} : {}), status: c.status as Subscriber['status'],
            }))
            const bytes = Buffer.from(writeTable(SUBSCRIBERS, rows))
            const record = findRecord(bytes, phone)
            const expected = rows.findLast(r => r.phone === phone)
            if (expected === undefined) assert.equal(record, undefined)
            else assert.deepEqual(readRecord(record!), readTable(SUBSCRIBERS, bytes, 'f').rows.findLast(r => r.phone === phone))
          },
        ),
        {numRuns: 500},
      )
    })

    it('skips a phone written inside a quoted multi-line name', () => {
      const rows = [{...base, name: `Nota\r\n${PHONES[1]};attivo`}, {...base, name: 'Anna', phone: PHONES[2]}]
      const bytes = Buffer.from(writeTable(SUBSCRIBERS, rows))
      assert.ok(bytes.includes(`\r\n${PHONES[1]};`), 'the trap is in the bytes')
      assert.equal(findRecord(bytes, PHONES[1]), undefined)
      assert.equal(readRecord(findRecord(bytes, PHONES[2])!).name, 'Anna')
      assert.equal(readRecord(findRecord(bytes, PHONES[0])!).name, `Nota\r\n${PHONES[1]};attivo`)
    })
  })

  describe('a table read a slice at a time', () => {
    const toRows = (cells: {name: string; phone: string}[]): Subscriber[] => cells.map(c => ({...base, ...c}))

    it('gives the rows a full read gives, wherever the slices are cut (property)', () => {
      fc.assert(
        fc.property(
          fc.array(fc.record({name: trapName, phone: fc.constantFrom(...PHONES)}), {maxLength: 12}),
          fc.integer({max: 400, min: 1}),
          (cells, sliceBytes) => {
            const bytes = Buffer.from(writeTable(SUBSCRIBERS, toRows(cells)))
            assert.deepEqual([...tableRows(SUBSCRIBERS, bytes, 'f', sliceBytes)], readTable(SUBSCRIBERS, bytes, 'f').rows)
          },
        ),
        {numRuns: 500},
      )
    })

    it('reports an invalid row with its line in the whole file, as a full read does', () => {
      const rows = toRows([
        ...Array.from({length: 30}, (_, i) => ({name: i % 3 === 0 ? `Riga\r\n${i}` : `Nome ${i}`, phone: PHONES[i % 3]})),
        {name: 'Rotta', phone: 'non-un-numero'},
      ])
      const bytes = Buffer.from(writeTable(SUBSCRIBERS, rows))
      const expected = (() => {
        try {
          readTable(SUBSCRIBERS, bytes, 'iscritti.csv')
        } catch (error) {
          return error as {code: string; params: Record<string, unknown>}
        }

        throw new Error('the full read should fail')
      })()
      assert.equal(expected.params.line, 42, '30 rows, 10 of them on two lines, after the header')
      for (const sliceBytes of [1, 50, 333, 1 << 20]) {
        assert.throws(() => [...tableRows(SUBSCRIBERS, bytes, 'iscritti.csv', sliceBytes)], (error: {code: string; params: Record<string, unknown>}) => {
          assert.equal(error.code, expected.code)
          assert.deepEqual(error.params, expected.params)
          return true
        })
      }
    })
  })

  describe('JSON lines files: appendLines, repairJsonLines', () => {
    let dir: string
    let cleanup: () => void

    beforeEach(() => {
      ({cleanup, dir} = tempDir('repair-'))
    })

    afterEach(() => cleanup())

    /** Whether the file was cut, and whether it then holds `expected` (compared here: the texts are long). */
    const repair = async (content: string, expected: string) => {
      const file = path.join(dir, 'registro.jsonl')
      await writeFile(file, content)
      const cut = await repairJsonLines(file)
      return {cut, holds: (await readFile(file, 'utf8')) === expected}
    }

    it('leaves whole lines alone and cuts a torn last line, however long', async () => {
      const line = JSON.stringify({action: 'x', after: 'é'.repeat(100_000)}) + '\n'
      assert.deepEqual(await repair('', ''), {cut: false, holds: true})
      assert.deepEqual(await repair(line + line, line + line), {cut: false, holds: true})
      assert.deepEqual(await repair(line + '{"action":"y"', line), {cut: true, holds: true})
      // A torn line longer than the chunks the end is read in.
      assert.deepEqual(await repair(line + line.slice(0, 75_000), line), {cut: true, holds: true})
      assert.deepEqual(await repair('{"torn":'.repeat(20_000), ''), {cut: true, holds: true})
      assert.equal(await repairJsonLines(path.join(dir, 'missing.jsonl')), false)
    })

    it('appendLines writes every line whole, across its 1 MiB batches and longer than one', async () => {
      const file = path.join(dir, 'registro.jsonl')
      await writeFile(file, '{"prima":1}\n')
      // About 4 MiB of lines of odd sizes in multi-byte text, one of them longer than a batch.
      const lines = Array.from({length: 900}, (_, i) => JSON.stringify({i, testo: 'è€😀'.repeat(100 + (i % 53) * 13)}))
      lines[400] = JSON.stringify({lunga: 'é'.repeat(700_000)})
      await appendLines(file, lines)
      assert.ok((await readFile(file, 'utf8')) === '{"prima":1}\n' + lines.join('\n') + '\n')
    })
  })
})

import fc from 'fast-check'
import {strict as assert} from 'node:assert'

import {type Subscriber} from '../../src/core/registry/types.js'
import {readTable, writeTable} from '../../src/io/csv-table.js'
import {SUBSCRIBERS} from '../../src/io/tables.js'

const base: Subscriber = {
  approvedBy: 'Ufficio',
  consent: 'message',
  name: '',
  phone: '+393331234567',
  privacyNotice: '2021-12-21',
  requestId: 'a1b2c3d4',
  status: 'active',
  subscribedAt: '2025-03-14T09:21:00+01:00',
  updatedAt: '2025-03-14T09:21:00+01:00',
}

/** Names strangers type: accents, apostrophes, quotes, separators, line breaks, emoji, formula starters. */
const nameArb = fc
.tuple(
  fc.constantFrom('', '=', '+', '-', '@', '\t', ' ', '"', ';', "D'Angelo ", 'Niccolò '),
  fc.string({unit: fc.constantFrom('a', 'è', 'ò', "'", '’', '"', ',', ';', '\n', '\r\n', ' ', '😀', '👩‍👩‍👧', '=', 'Z', '\t')}),
)
.map(([a, b]) => a + b)
.filter(s => s.trim() !== '')

describe('CSV tables', () => {
  it('any name survives write and read unchanged (property)', () => {
    fc.assert(
      fc.property(fc.array(nameArb, {maxLength: 5, minLength: 1}), names => {
        const rows = names.map((name, i) => ({...base, name, phone: `+39333123456${i}`}))
        const back = readTable(SUBSCRIBERS, Buffer.from(writeTable(SUBSCRIBERS, rows)), 'iscritti.csv').rows
        assert.deepEqual(back, rows)
      }),
      {numRuns: 300},
    )
  })

  it('writes what Italian Excel opens by double click: BOM, ;, CRLF', () => {
    const text = writeTable(SUBSCRIBERS, [{...base, name: 'Paolo Rossi'}])
    assert.ok(text.startsWith('\uFEFFtelefono;nome;stato;'))
    assert.ok(text.includes('\r\n+393331234567;Paolo Rossi;attivo;'))
  })

  it('names the line of the first invalid row, counting multi-line names', () => {
    const rows = [{...base, name: 'Riga\nsu due'}, {...base, name: 'Anna', phone: '+393331234568'}]
    const text = writeTable(SUBSCRIBERS, rows).replace('+393331234568', 'non-un-numero')
    assert.throws(
      () => readTable(SUBSCRIBERS, Buffer.from(text), 'iscritti.csv'),
      (error: {code: string; params: {column: string; line: number}}) =>
        error.code === 'FILE_ROW_INVALID' && error.params.line === 4 && error.params.column === 'telefono',
    )
  })

  it('accepts a phone whose + Excel dropped, rejects one it turned into a float', () => {
    const ok = writeTable(SUBSCRIBERS, [{...base, name: 'A'}]).replace('+393331234567', '393331234567')
    assert.equal(readTable(SUBSCRIBERS, Buffer.from(ok), 'f').rows[0].phone, '+393331234567')
    const bad = ok.replace('393331234567', '3,93331E+11')
    assert.throws(() => readTable(SUBSCRIBERS, Buffer.from(bad), 'f'), {code: 'FILE_ROW_INVALID'})
  })

  it('reads what writeTable writes exactly as csv-parse does (property)', async () => {
    const {parse} = await import('csv-parse/sync')
    const {parseCanonical} = await import('../../src/io/csv-table.js')
    fc.assert(
      fc.property(fc.array(nameArb, {maxLength: 6, minLength: 1}), names => {
        const rows = names.map((name, i) => ({...base, name, phone: `+39333123456${i}`}))
        const text = writeTable(SUBSCRIBERS, rows)
        assert.deepEqual(parseCanonical(text), parse(text, {bom: true, delimiter: ';', relax_column_count: true}))
      }),
      {numRuns: 300},
    )
  })

  it('leaves anything else to csv-parse: commas, LF line ends, stray quotes', async () => {
    const {parseCanonical} = await import('../../src/io/csv-table.js')
    const text = writeTable(SUBSCRIBERS, [{...base, name: 'Anna'}])
    assert.notEqual(parseCanonical(text), null)
    assert.equal(parseCanonical(text.replaceAll(';', ',')), null)
    assert.equal(parseCanonical(text.replaceAll('\r\n', '\n')), null)
    assert.equal(parseCanonical(text.replace('Anna', 'An"na')), null)
    assert.equal(parseCanonical(text.replace('Anna', '"Anna" x')), null)
  })
})

import fc from 'fast-check'
import {strict as assert} from 'node:assert'

import {type Subscriber} from '../../src/core/registry/types.js'
import {
  decodeTableText, EXTRA_COLUMNS, readTable, type WithExtras, writeTable,
} from '../../src/io/csv-table.js'
import {SUBSCRIBERS} from '../../src/io/tables.js'

const WHEN = '2025-03-14T09:21:00+01:00'
const row = (i: number): Subscriber => ({
  approvedBy: 'Ufficio', consent: 'in-person', name: `Nome ${i}`, phone: `+39333000${String(i).padStart(4, '0')}`, privacyNotice: '2021-12-21', status: 'active', subscribedAt: WHEN, updatedAt: WHEN,
})

describe('tables as a clerk edits them', () => {
  it('columns the schema does not know survive read → write → read, in place, whatever they hold (property)', () => {
    const known = SUBSCRIBERS.columns.map(c => c.header)
    fc.assert(
      fc.property(
        fc.array(fc.record({at: fc.integer({max: known.length, min: 0}), name: fc.constantFrom('note', 'Note interne', 'frazione', '')}), {maxLength: 3, minLength: 1}),
        fc.array(fc.string({maxLength: 6}), {maxLength: 12}),
        (added, values) => {
          // The file's header: the known columns with the clerk's inserted at random places.
          const header: string[] = [...known]
          for (const [k, a] of added.entries()) header.splice(Math.min(a.at + k, header.length), 0, a.name)
          const rows = [row(1), row(2), row(3)]
          const canonical = writeTable(SUBSCRIBERS, rows).replace(/^\uFEFF/, '').split('\r\n').slice(1, -1)
          const cellsOf = (r: number) => canonical[r].split(';')
          const value = (r: number, c: number) => (values[(r * 5 + c) % Math.max(values.length, 1)] ?? '').replaceAll(/[";\r\n]/g, '')
          const lines = [header.join(';'), ...rows.map((_, r) => {
            const known = cellsOf(r)
            let next = 0
            return header.map((h, c) => (SUBSCRIBERS.columns.some(k => k.header === h) ? known[next++] : value(r, c))).join(';')
          })]
          const first = readTable(SUBSCRIBERS, Buffer.from('\uFEFF' + lines.join('\r\n') + '\r\n'), 'iscritti.csv')
          // The known fields as written (a structured clone drops symbol keys); the clerk's cells under EXTRA_COLUMNS.
          assert.deepEqual(first.rows.map(r => structuredClone(r)), rows)
          const named = header.map((h, c) => ({c, h})).filter(x => !known.includes(x.h))
          for (const [r, read] of first.rows.entries()) {
            const extras = (read as WithExtras<Subscriber>)[EXTRA_COLUMNS] ?? {}
            // An unnamed column is kept only when some row has a value in it (Excel's trailing `;` make empty ones).
            const cells = named.filter(x => x.h !== '' || rows.some((_, rr) => value(rr, x.c).trim() !== '')).map(x => value(r, x.c))
            assert.deepEqual(Object.values(extras), cells)
          }

          const written = writeTable(first.schema, first.rows)
          const second = readTable(SUBSCRIBERS, Buffer.from(written), 'iscritti.csv')
          assert.deepEqual(second.rows, first.rows)
          // Every named column the clerk added is in the header, right after the known column it followed.
          const out = written.replace(/^\uFEFF/, '').split('\r\n')[0].split(';')
          for (const [c, h] of header.entries()) {
            if (h === '' || known.includes(h) || header.indexOf(h) !== c) continue
            const before = header.slice(0, c).findLast(x => known.includes(x))
            const at = out.indexOf(h)
            assert.ok(at !== -1, `${h} kept`)
            if (before !== undefined) assert.ok(out.indexOf(before) < at, `${h} after ${before}`)
          }
        },
      ),
      {numRuns: 200},
    )
  })

  it('decodes a mixed file line by line, and names the line in neither encoding', () => {
    const mixed = Buffer.concat([Buffer.from('Nicolò\r\n'), Buffer.from('Mattèo\r\n', 'latin1'), Buffer.from('Zoë\r\n')])
    const decoded = decodeTableText(mixed, 'f')
    assert.equal(decoded.encoding, 'mixed')
    assert.equal(decoded.text, 'Nicolò\r\nMattèo\r\nZoë\r\n')
    assert.deepEqual([...decoded.legacyLines], [2])
    assert.equal(decodeTableText(Buffer.from('Mattèo\r\n', 'latin1'), 'f').encoding, 'windows-1252')
    assert.throws(() => decodeTableText(Buffer.concat([mixed, Buffer.from([0x41, 0x81, 0xE8, 0x0A])]), 'f'), {code: 'FILE_ROW_INVALID'})
  })
})

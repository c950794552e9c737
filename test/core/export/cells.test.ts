import fc from 'fast-check'
import {strict as assert} from 'node:assert'

import {
  excelText, excelWouldConvert, isFormulaLike, safeText,
} from '../../../src/core/export/cells.js'

const TRIGGERS = ['=', '+', '-', '@', '\t', '\r']

describe('spreadsheet cells', () => {
  it('neutralises every OWASP trigger with a leading apostrophe, in both dialects', () => {
    for (const t of TRIGGERS) {
      assert.equal(safeText(`${t}1+1`), `'${t}1+1`)
      assert.equal(excelText(`${t}1+1`).startsWith("'"), true, JSON.stringify(t))
    }

    assert.equal(safeText('=HYPERLINK("http://x","y")'), '\'=HYPERLINK("http://x","y")')
    assert.equal(safeText('@SUM(1)'), "'@SUM(1)")
    assert.equal(safeText('  =1+1'), "'  =1+1")
    assert.equal(safeText('\uFF1D1+1'), "'\uFF1D1+1")
    assert.equal(safeText('Paolo Rossi'), 'Paolo Rossi')
    assert.equal(safeText("D'Angelo"), "D'Angelo")
  })

  it('keeps phones readable as phones: the number is intact after the mark', () => {
    assert.equal(excelText('+393331234567'), "'+393331234567")
    assert.equal(safeText('+41763215487'), "'+41763215487")
  })

  it('marks as text what Excel would retype as a number or a date', () => {
    for (const v of ['0123456789', '369461e304', '1e5', '2021-12-21', '14/03/2025', '1/2', '12:30', '3-mar']) {
      assert.ok(excelWouldConvert(v), v)
      assert.equal(excelText(v), `'${v}`)
    }

    for (const v of ['3f9c0a1b2c', 'Via Roma 12', 'wamid.HBgL', '']) assert.equal(excelWouldConvert(v), false, v)
  })

  it('Excel cells use LF inside a cell (CRLF ends the record)', () => {
    assert.equal(excelText('riga 1\r\nriga 2'), 'riga 1\nriga 2')
  })

  it('property: no output cell can start a formula, and the mark is the only change', () => {
    fc.assert(fc.property(fc.string({unit: 'grapheme'}), s => {
      const lf = s.replaceAll('\r\n', '\n').replaceAll('\r', '\n')
      for (const [out, original] of [
        [safeText(s), s],
        [excelText(s), lf],
      ]) {
        assert.equal(isFormulaLike(out), false)
        assert.ok(out === original || out === `'${original}`)
      }
    }))
  })
})

import {strict as assert} from 'node:assert'

import {
  escapeVcardText, foldLine, vcard, vcardFiles,
} from '../../../src/core/export/vcard.js'

describe('vCard 3.0', () => {
  it('escapes text values (RFC 2426 §4)', () => {
    assert.equal(escapeVcardText('Rossi, Paolo; detto \\ "Pa"\nsecondo'), 'Rossi\\, Paolo\\; detto \\\\ "Pa"\\nsecondo')
  })

  it('folds lines at 75 octets without splitting a UTF-8 character', () => {
    const line = 'FN:' + 'è'.repeat(100)
    const folded = foldLine(line)
    const parts = folded.split('\r\n')
    assert.ok(parts.length > 1)
    for (const [i, p] of parts.entries()) {
      assert.ok(Buffer.byteLength(p, 'utf8') <= 75, `part ${i}`)
      if (i > 0) assert.equal(p[0], ' ')
    }

    assert.equal(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join(''), line)
  })

  it('one card: VERSION 3.0, N and FN with the name as typed, TEL in E.164, CRLF', () => {
    assert.equal(
      vcard({name: "Maria D'Angelo", phone: '+393331234567'}),
      "BEGIN:VCARD\r\nVERSION:3.0\r\nN:;Maria D'Angelo;;;\r\nFN:Maria D'Angelo\r\nTEL;TYPE=CELL:+393331234567\r\nEND:VCARD",
    )
  })

  it('600 contacts → 3 files of at most 256 cards, in order', () => {
    const contacts = Array.from({length: 600}, (_, i) => ({name: `Cittadino ${i}`, phone: `+39333${String(i).padStart(7, '0')}`}))
    const files = vcardFiles(contacts)
    assert.deepEqual(
      files.map(f => f.match(/BEGIN:VCARD/g)!.length),
      [256, 256, 88],
    )
    const tels = files.flatMap(f => [...f.matchAll(/TEL;TYPE=CELL:(\+\d+)/g)].map(m => m[1]))
    assert.deepEqual(tels, contacts.map(c => c.phone))
  })
})

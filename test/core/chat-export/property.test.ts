import fc from 'fast-check'
import {strict as assert} from 'node:assert'

import {extractRequests, parseChat, parseChats} from '../../../src/core/chat-export/index.js'
import {wallClockToIso} from '../../../src/core/time.js'

const pad = (n: number) => String(n).padStart(2, '0')
const REASONS = new Set(['binary', 'empty', 'invalid-date', 'unrecognized-format'])

/** Pieces that drive the parser deep: headers of several layouts, marks, placeholders, line ends. */
const piece = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '14/03/25, 09:21 - ',
    '[02/04/25, 17:03:40] ',
    '\u200E[02/04/25, 17:03:40] ',
    '3/14/25, 10:03\u202FAM - ',
    '2025-03-05, 9:07\u202Fa.m. - ',
    '31.5.2019 klo 16.58 - ',
    '13. 6. 2018. 21:25:15 - ',
    '31/02/25, 10:00 - ',
    '16/04/2025 ore 21:00 - ',
    '99/99/99, 99:99 - ',
    'Anna: ',
    '\u202A+39 333 123 4567\u202C: ',
    '~\u202FSerena: ',
    'Servizio Info ON ',
    'Servizio Info OFF',
    '<Media omessi>',
    '\u200Eimmagine omessa',
    '<Questo messaggio è stato modificato>',
    'Hai creato il gruppo "A: b"',
    '\n',
    '\r\n',
    '\r',
    '\uFEFF',
    '\u0000',
    ': ',
  ),
)
const chatLike = fc.array(piece, {maxLength: 40}).map(parts => parts.join(''))

function checkResult(text: string): void {
  const r = parseChat(text, {names: ['Chat WhatsApp con +39 333 123 4567.txt']})
  if (r.ok) {
    for (const m of r.chat.messages) {
      assert.ok(m.line >= 1)
      assert.match(m.receivedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/)
    }

    const out = extractRequests(r.chat, {keyword: 'Servizio Info', selfNames: ['Anna']})
    assert.equal(out.messages, r.chat.messages.length)
    assert.equal(out.ignored + out.requests.length, out.messages)
  } else {
    assert.ok(REASONS.has(r.error.reason), r.error.reason)
    if (r.error.line !== undefined) assert.ok(r.error.line >= 1)
  }
}

describe('chat-export: properties', () => {
  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({maxLength: 400, unit: 'binary'}), s => checkResult(s)), {numRuns: 500})
  })

  it('never throws on chat-like strings and keeps every request countable', () => {
    fc.assert(fc.property(chatLike, s => checkResult(s)), {numRuns: 1500})
  })

  it('never throws on batches', () => {
    fc.assert(
      fc.property(fc.array(chatLike, {maxLength: 5}), texts => {
        const results = parseChats(texts.map(text => ({names: ['x.txt'], text})))
        assert.equal(results.length, texts.length)
      }),
      {numRuns: 200},
    )
  })

  it('every message keeps its text: joining messages gives back every non-header line', () => {
    const line = fc.stringMatching(/^[a-zà ,.?]{0,30}$/)
    fc.assert(
      fc.property(fc.array(fc.array(line, {maxLength: 4, minLength: 1}), {maxLength: 20, minLength: 1}), msgs => {
        // Exports end with a line break; the parser takes the last one as the file's end.
        const text = msgs.map(m => `14/03/25, 09:21 - Anna: ${m.join('\n')}\n`).join('')
        const r = parseChat(text)
        assert.ok(r.ok)
        assert.deepEqual(
          r.chat.messages.map(m => m.text),
          msgs.map(m => m.join('\n')),
        )
      }),
      {numRuns: 300},
    )
  })

  it('gives exactly what wallClockToIso gives on every hour of the change days', () => {
    const lines: string[] = []
    const walls = []
    for (const [year, month, day] of [[2024, 3, 31], [2024, 10, 27], [2025, 3, 30], [2025, 10, 26]]) {
      for (let hour = 0; hour < 24; hour++) {
        for (const [minute, second] of [[0, 0], [30, 15], [59, 59]]) {
          walls.push({
            day, hour, minute, month, second, year,
          })
          lines.push(`[${pad(day)}/${pad(month)}/${year}, ${pad(hour)}:${pad(minute)}:${pad(second)}] A: x`)
        }
      }
    }

    const r = parseChat(lines.join('\n'))
    assert.ok(r.ok)
    assert.deepEqual(r.chat.messages.map(m => m.receivedAt), walls.map(w => wallClockToIso(w)))
  })

  it('the per-month offset cache gives exactly what wallClockToIso gives, DST days included', () => {
    const wall = fc.record({
      day: fc.integer({max: 31, min: 1}),
      hour: fc.integer({max: 23, min: 0}),
      minute: fc.integer({max: 59, min: 0}),
      month: fc.constantFrom(1, 3, 3, 3, 6, 10, 10, 10, 12),
      second: fc.integer({max: 59, min: 0}),
      year: fc.integer({max: 2030, min: 2012}),
    })
    fc.assert(
      fc.property(fc.array(wall, {maxLength: 30, minLength: 1}), walls => {
        const lines = walls.map(w => `[${pad(w.day)}/${pad(w.month)}/${w.year}, ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}] A: x`)
        const r = parseChat(lines.join('\n'), {dateOrder: 'dmy'})
        const expected = walls.map(w => wallClockToIso(w))
        if (expected[0] === null) {
          assert.ok(!r.ok)
          return
        }

        assert.ok(r.ok)
        assert.deepEqual(
          r.chat.messages.map(m => m.receivedAt),
          expected.filter(e => e !== null),
        )
      }),
      {numRuns: 400},
    )
  })
})

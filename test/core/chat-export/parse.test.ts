import {strict as assert} from 'node:assert'

import {
  type ChatParseResult,
  looksLikeChatExport,
  parseChat,
  parseChats,
  type ParsedChat,
} from '../../../src/core/chat-export/index.js'
import {wallClockToIso} from '../../../src/core/time.js'

const NNBSP = '\u202F'
const NBSP = '\u00A0'

function ok(r: ChatParseResult): ParsedChat {
  if (!r.ok) assert.fail(`parse failed: ${JSON.stringify(r.error)}`)
  return r.chat
}

/** Local wall clock of a message as YYYY-MM-DDTHH:mm:ss. */
function local(chat: ParsedChat, i = 0): string {
  return chat.messages[i].receivedAt.slice(0, 19)
}

describe('chat-export/parse', () => {
  describe('header formats (chat-formats.md §2–§3)', () => {
    const cases: Array<[string, string, string]> = [
      // [first header line + text, expected local time, platform]
      ['14/03/25, 09:21 - Anna: ciao', '2025-03-14T09:21:00', 'android'],
      ['[02/04/25, 17:03:40] Anna: ciao', '2025-04-02T17:03:40', 'ios'],
      ['28/09/2024, 17:44 - Anna: ciao', '2024-09-28T17:44:00', 'android'],
      ['[21/01/2025, 15:40:00] Anna: ciao', '2025-01-21T15:40:00', 'ios'],
      [`05/06/25, 12:40${NNBSP}AM - Anna: ciao`, '2025-06-05T00:40:00', 'android'],
      [`[11/11/25, 7:58:41${NNBSP}PM] Anna: ciao`, '2025-11-11T19:58:41', 'ios'],
      ['24.02.25, 14:03 - Anna: ciao', '2025-02-24T14:03:00', 'android'],
      ['[24.02.25, 14:03:00] Anna: ciao', '2025-02-24T14:03:00', 'ios'],
      ['[06/12/22 18:30:05] Anna: ciao', '2022-12-06T18:30:05', 'ios'],
      [`3/14/25, 10:03${NNBSP}AM - Anna: hi`, '2025-03-14T10:03:00', 'android'],
      [`[8/15/23, 9:12:33${NNBSP}AM] Anna: hi`, '2023-08-15T09:12:33', 'ios'],
      ['4/16/19, 19:02 - Anna: hi', '2019-04-16T19:02:00', 'android'],
      ['06/03/2017, 00:45 - Anna: hi', '2017-03-06T00:45:00', 'android'],
      ['[31/12/2022 11:40:26] Anna: hi', '2022-12-31T11:40:26', 'ios'],
      [`[14/10/2021, 3:34:09${NNBSP}PM] Anna: hi`, '2021-10-14T15:34:09', 'ios'],
      [`19/10/2023, 11:11${NNBSP}am - Anna: hi`, '2023-10-19T11:11:00', 'android'],
      [`2025-03-05, 9:07${NNBSP}a.m. - Anna: hi`, '2025-03-05T09:07:00', 'android'],
      [`14/3/2025, 8:15${NNBSP}p.${NBSP}m. - Anna: hola`, '2025-03-14T20:15:00', 'android'],
      ['20/6/2017 8:28 p. m. - Anna: hola', '2017-06-20T20:28:00', 'android'],
      ['[29/9/20 10:13:49] Anna: hola', '2020-09-29T10:13:49', 'ios'],
      ['03.08.21, 12:30 - Anna: hallo', '2021-08-03T12:30:00', 'android'],
      ['[27.10.23, 22:42:29] Anna: hallo', '2023-10-27T22:42:29', 'ios'],
      ['[27.10.23, 10:42:29 PM] Anna: hallo', '2023-10-27T22:42:29', 'ios'],
      ['10-12-2024, 14:30 - Anna: hoi', '2024-12-10T14:30:00', 'android'],
      ['[27-11-18 18:43:20] Anna: hoi', '2018-11-27T18:43:20', 'ios'],
      ['2019-01-01 12:00 - Anna: hej', '2019-01-01T12:00:00', 'android'],
      ['[1.1.2019, 12.00.00] Anna: hej', '2019-01-01T12:00:00', 'ios'],
      ['31.5.2019 klo 16.58 - Anna: moi', '2019-05-31T16:58:00', 'android'],
      ['[12.3.2022 klo 14.08.18] Anna: moi', '2022-03-12T14:08:18', 'ios'],
      ['30/08/25 18.00 - Anna: halo', '2025-08-30T18:00:00', 'android'],
      ['2024/10/31 15:50 - Anna: こんにちは', '2024-10-31T15:50:00', 'android'],
      ['[2023/5/4, 16:17:13] Anna: 你好', '2023-05-04T16:17:13', 'ios'],
      ['[2024/10/31 15:50:46] Anna: 你好', '2024-10-31T15:50:46', 'ios'],
      ['13. 6. 2018. 21:25:15 - Anna: szia', '2018-06-13T21:25:15', 'android'],
      ['2018. 06. 13. 21:25 - Anna: szia', '2018-06-13T21:25:00', 'android'],
      ['09/12/2012 17:03:48: Sender: msg', '2012-12-09T17:03:48', 'legacy'],
      ['3/24/14, 1:59:59 PM: Sender: msg', '2014-03-24T13:59:59', 'legacy'],
      ['2016-06-27, 8:04:08 AM: Neil: Hi', '2016-06-27T08:04:08', 'legacy'],
    ]
    for (const [line, expected, platform] of cases) {
      it(`reads ${JSON.stringify(line.slice(0, 30))}`, () => {
        const chat = ok(parseChat(`${line}\nseconda riga\n`))
        assert.equal(chat.format.platform, platform)
        assert.equal(chat.messages.length, 1)
        assert.equal(local(chat), expected)
        assert.equal(chat.messages[0].author, line.includes('Sender') ? 'Sender' : (line.includes('Neil') ? 'Neil' : 'Anna'))
        assert.match(chat.messages[0].text, /\nseconda riga$/)
      })
    }

    it('turns 12 AM into 00 and 12 PM into 12', () => {
      const chat = ok(parseChat(`20/05/25, 12:10${NNBSP}AM - A: x\n20/05/25, 12:10${NNBSP}PM - A: y\n`))
      assert.deepEqual([local(chat, 0), local(chat, 1)], ['2025-05-20T00:10:00', '2025-05-20T12:10:00'])
    })

    it('gives receivedAt with the Rome offset, the earlier one in the autumn fold, like wallClockToIso in the spring gap', () => {
      const chat = ok(parseChat([
        '15/01/25, 10:00 - A: inverno',
        '15/07/25, 10:00 - A: estate',
        '27/10/24, 02:30 - A: ora ripetuta',
        '27/10/24, 03:30 - A: dopo il cambio',
        '30/03/25, 02:30 - A: ora saltata',
        '30/03/25, 01:59 - A: prima del salto',
      ].join('\n')))
      assert.deepEqual(
        chat.messages.map(m => m.receivedAt),
        [
          '2025-01-15T10:00:00+01:00',
          '2025-07-15T10:00:00+02:00',
          '2024-10-27T02:30:00+02:00',
          '2024-10-27T03:30:00+01:00',
          wallClockToIso({
            day: 30, hour: 2, minute: 30, month: 3, second: 0, year: 2025,
          }),
          '2025-03-30T01:59:00+01:00',
        ],
      )
    })

    it('keeps messages in file order, even when the clock goes backwards (§3)', () => {
      const chat = ok(parseChat('14/03/25, 09:22 - A: secondo\n14/03/25, 09:21 - B: primo\n'))
      assert.deepEqual(chat.messages.map(m => m.text), ['secondo', 'primo'])
    })
  })

  describe('lines, authors and text', () => {
    it('keeps multi-line text with \\n, blank lines included, and numbers the header line', () => {
      const chat = ok(parseChat('14/03/25, 09:21 - A: uno\n\ndue\n14/03/25, 09:22 - B: tre\n'))
      assert.deepEqual(
        chat.messages.map(m => [m.line, m.author, m.text]),
        [
          [1, 'A', 'uno\n\ndue'],
          [4, 'B', 'tre'],
        ],
      )
    })

    it('a typed line with another glue or year width stays a continuation (§6)', () => {
      const text = [
        '15/04/25, 18:00 - Comune di Valdoria - URP: La seduta è fissata:',
        '16/04/2025 ore 21:00 - sala consiliare, giusto?',
        '16/04/25 alle 21:00 - in municipio',
        '[16/04/25, 21:00:00] Pro Loco: sì',
        '15/04/25, 18:05 - Anna: Grazie',
      ].join('\n')
      const chat = ok(parseChat(text))
      assert.equal(chat.messages.length, 2)
      assert.equal(chat.messages[0].author, 'Comune di Valdoria - URP')
      assert.equal(chat.messages[0].text.split('\n').length, 4)
    })

    it('iOS: a header after a bare \\n is typed text when messages end with \\r\\n (§1.2)', () => {
      const text = [
        '[02/04/25, 17:05:12] Marco: Guarda cosa ho trovato:\n[12/04/25, 10:00:00] Pro Loco: sagra confermata',
        '[02/04/25, 17:06:30] Marco: Servizio Info ON Marco Bianchi',
        '',
      ].join('\r\n')
      const chat = ok(parseChat(text))
      assert.equal(chat.messages.length, 2)
      assert.equal(chat.continuationHeaders, 1)
      assert.equal(chat.messages[0].text, 'Guarda cosa ho trovato:\n[12/04/25, 10:00:00] Pro Loco: sagra confermata')
    })

    it('iOS re-saved with \\r\\n everywhere: the signal is absent and every header counts', () => {
      const text = '[02/04/25, 17:05:12] Marco: uno\r\n[02/04/25, 17:06:30] Marco: due\r\n'
      assert.equal(ok(parseChat(text)).messages.length, 2)
    })

    it('strips the BOM and keeps the first message (§1.2)', () => {
      const chat = ok(parseChat('\uFEFF14/03/25, 09:21 - Anna: Servizio Info ON Anna Neri\n'))
      assert.equal(chat.messages.length, 1)
      assert.equal(chat.messages[0].author, 'Anna')
    })

    it('reads old Mac line ends (\\r only)', () => {
      assert.equal(ok(parseChat('14/03/25, 09:21 - A: x\r14/03/25, 09:22 - B: y\r')).messages.length, 2)
    })

    it('normalises authors: bidi wrappers, ~ with U+202F, odd spaces (§5, §9)', () => {
      const chat = ok(parseChat([
        '14/03/25, 09:21 - \u202A+39 333 123 4567\u202C: a',
        '[14/03/25, 09:22:00] ~\u202FSerena: b',
        '14/03/25, 09:23 - Maria\u00A0Grazia  Conti: c',
      ].join('\n')))
      // The iOS line does not match the file's Android layout: it stays text of the first message.
      assert.deepEqual(
        chat.messages.map(m => m.author),
        ['+39 333 123 4567', 'Maria Grazia Conti'],
      )
      const ios = ok(parseChat('[14/03/25, 09:22:00] ~\u202FSerena: b\n'))
      assert.equal(ios.messages[0].author, 'Serena')
    })

    it('removes invisible marks from the text but keeps ZWJ emoji', () => {
      const chat = ok(parseChat('14/03/25, 09:21 - A: \u200Eciao \u2068@Eurico\u2069 👩\u200D💻\n'))
      assert.equal(chat.messages[0].text, 'ciao @Eurico 👩\u200D💻')
    })

    it('splits author and text at the first ": " and keeps " - " inside authors (§2)', () => {
      const chat = ok(parseChat('14/03/25, 09:21 - Comune di Valdoria - URP: Orari: 9-12: lun-ven\n'))
      assert.equal(chat.messages[0].author, 'Comune di Valdoria - URP')
      assert.equal(chat.messages[0].text, 'Orari: 9-12: lun-ven')
    })

    it('reads empty messages, with or without the trailing space', () => {
      const chat = ok(parseChat('03/02/17, 18:42 - Luke: \n03/02/17, 18:43 - Luke Skywalker:\n'))
      assert.deepEqual(
        chat.messages.map(m => [m.author, m.text, m.system]),
        [
          ['Luke', '', false],
          ['Luke Skywalker', '', false],
        ],
      )
    })

    it('flags Android system lines, including one with ": " in a group subject (§7 trap)', () => {
      const chat = ok(parseChat([
        '01/09/24, 08:00 - Hai creato il gruppo "Valdoria"',
        '01/09/24, 08:01 - Mario ha cambiato l\'oggetto da "Valdoria" a "Valdoria Informa: avvisi"',
        '01/09/24, 08:02 - Mario: ciao',
      ].join('\n')))
      assert.deepEqual(
        chat.messages.map(m => [m.author, m.system]),
        [
          [null, true],
          [null, true],
          ['Mario', false],
        ],
      )
      assert.equal(chat.group, true)
    })

    it('flags iOS system lines attributed to a person, not the placeholders (§7, §8)', () => {
      const text = [
        '[14/08/24, 21:00:10] Gruppo: \u200EBoris ti ha aggiunto',
        '[14/08/24, 21:00:11] Boris: \u200Eimmagine omessa',
        '[14/08/24, 21:00:12] Boris: \u200EQuesto messaggio è stato eliminato.',
        '[14/08/24, 21:00:13] Boris: \u200E<allegato: 00000009-PHOTO-2024-08-14-21-00-13.jpg>',
        '[14/08/24, 21:00:14] Boris: Nome.pdf • 3 pagine \u200E<allegato: 00000004-Nome.pdf>',
        '[14/08/24, 21:00:15] Boris: ciao',
      ].join('\r\n')
      const chat = ok(parseChat(text))
      assert.deepEqual(
        chat.messages.map(m => m.kind),
        ['system', 'media', 'deleted', 'media', 'media', 'text'],
      )
    })

    it('recognises Android placeholders', () => {
      const chat = ok(parseChat([
        '14/03/25, 09:21 - A: <Media omessi>',
        '14/03/25, 09:22 - A: \u200EIMG-20250320-WA0004.jpg (file allegato)',
        'didascalia',
        '14/03/25, 09:23 - A: Questo messaggio è stato eliminato',
        '14/03/25, 09:24 - A: Vengo (forse)',
      ].join('\n')))
      assert.deepEqual(
        chat.messages.map(m => m.kind),
        ['media', 'media', 'deleted', 'text'],
      )
    })

    it('a header with an impossible date under the chosen order is text', () => {
      const chat = ok(parseChat('14/03/25, 09:21 - A: ecco\n31/02/25, 10:00 - B: non esiste\n'))
      assert.equal(chat.messages.length, 1)
      assert.equal(chat.continuationHeaders, 1)
    })
  })

  describe('date order (§4)', () => {
    it('year-first files are never read as day or month first, whatever the option', () => {
      const chat = ok(parseChat('2025-03-11, 09:00 - A: x\n', {dateOrder: 'dmy'}))
      assert.deepEqual([chat.dateOrder, chat.dateOrderReason, local(chat)], ['ymd', 'year-first', '2025-03-11T09:00:00'])
    })

    it('a first field above 12 means day first; a second field above 12 means month first', () => {
      const d = ok(parseChat('01/02/25, 09:00 - A: x\n13/02/25, 09:00 - A: y\n'))
      assert.deepEqual([d.dateOrder, d.dateOrderReason], ['dmy', 'field-over-12'])
      const m = ok(parseChat('01/02/25, 09:00 - A: x\n02/13/25, 09:00 - A: y\n'))
      assert.deepEqual([m.dateOrder, m.dateOrderReason, local(m)], ['mdy', 'field-over-12', '2025-01-02T09:00:00'])
    })

    it('small Italian files with days <= 12 stay day first (the whatsapp-chat-parser trap)', () => {
      const text = '10/01/25, 09:00 - A: x\n10/02/25, 09:00 - A: y\n11/03/25, 09:00 - A: z\n'
      const byName = ok(parseChat(text, {names: ['Chat WhatsApp con Anna.txt']}))
      assert.deepEqual([byName.dateOrder, byName.dateOrderReason, byName.evidence.locale?.cue], ['dmy', 'locale', 'italian-title'])
      assert.equal(local(byName, 2), '2025-03-11T09:00:00')
      const byText = ok(parseChat(text + '11/03/25, 09:01 - A: <Media omessi>\n'))
      assert.deepEqual([byText.dateOrderReason, byText.evidence.locale?.cue], ['locale', 'italian-text'])
      const bare = ok(parseChat(text))
      assert.deepEqual([bare.dateOrder, bare.dateOrderReason, bare.evidence.decided], ['dmy', 'default', null])
    })

    it('upper-case AM/PM with an English file name means month first; en_IN lower-case am does not', () => {
      const us = ok(parseChat(`4/2/25, 6:45${NNBSP}PM - A: x\n`, {names: ['WhatsApp Chat with A.txt']}))
      assert.deepEqual([us.dateOrder, us.evidence.locale?.cue], ['mdy', 'english-title-ampm'])
      const india = ok(parseChat(`4/2/25, 6:45${NNBSP}pm - A: x\n`, {names: ['WhatsApp Chat with A.txt']}))
      assert.deepEqual([india.dateOrder, india.dateOrderReason], ['dmy', 'default'])
    })

    it('an undecided file takes the batch majority, then the option, then day first', () => {
      const small = {names: ['mario.txt'], text: '04/02/25, 18:45 - A: x\n'}
      const us = {names: ['b.txt'], text: '4/13/25, 18:45 - B: x\n'}
      const it = {names: ['c.txt'], text: '13/04/25, 18:45 - C: x\n'}
      const batch = parseChats([small, us, {...us}, it], {dateOrder: 'dmy'}).map(r => ok(r))
      assert.deepEqual([batch[0].dateOrder, batch[0].dateOrderReason, local(batch[0])], ['mdy', 'batch', '2025-04-02T18:45:00'])
      assert.equal(batch[3].dateOrderReason, 'field-over-12')
      const tie = parseChats([small, us, it], {dateOrder: 'mdy'}).map(r => ok(r))
      assert.deepEqual([tie[0].dateOrder, tie[0].dateOrderReason], ['mdy', 'option'])
      const alone = ok(parseChat(small.text, {dateOrder: 'mdy'}))
      assert.equal(alone.dateOrderReason, 'option')
      const decided = ok(parseChat('13/04/25, 18:45 - C: x\n', {batchOrder: 'mdy', dateOrder: 'mdy'}))
      assert.deepEqual([decided.dateOrder, decided.dateOrderReason], ['dmy', 'field-over-12'])
    })
  })

  describe('errors and detection', () => {
    it('returns structured errors, never throws', () => {
      assert.deepEqual(parseChat(''), {error: {reason: 'empty'}, ok: false})
      assert.deepEqual(parseChat(' \n\uFEFF\n'), {error: {reason: 'empty'}, ok: false})
      assert.deepEqual(parseChat('Ciao a tutti\n14/03/25, 09:21 - A: x\n'), {
        error: {line: 1, reason: 'unrecognized-format'},
        ok: false,
      })
      assert.deepEqual(parseChat('\n\nnome;telefono\n'), {error: {line: 3, reason: 'unrecognized-format'}, ok: false})
      assert.deepEqual(parseChat('14/03/25, 09:21 - A: x\u0000y\n'), {error: {line: 1, reason: 'binary'}, ok: false})
      assert.deepEqual(parseChat('31/02/25, 09:21 - A: x\n'), {error: {line: 1, reason: 'invalid-date'}, ok: false})
      assert.deepEqual(parseChat(42 as unknown as string), {error: {reason: 'empty'}, ok: false})
    })

    it('tells chat exports from other text by content', () => {
      assert.equal(looksLikeChatExport('14/03/25, 09:21 - A: x\n'), true)
      assert.equal(looksLikeChatExport('\uFEFF[02/04/25, 17:03:40] A: x\r\n'), true)
      assert.equal(looksLikeChatExport('\u200E[02/04/25, 17:03:40] A: \u200Eimmagine omessa\r\n'), true)
      assert.equal(looksLikeChatExport('telefono;nome\n+393331234567;Anna\n'), false)
      assert.equal(looksLikeChatExport('{"object":"whatsapp_business_account","entry":[]}'), false)
      assert.equal(looksLikeChatExport('Verbale del 14/03/25, 09:21 - seduta\n'), false)
      assert.equal(looksLikeChatExport(''), false)
    })
  })
})

import fc from 'fast-check'
import {strict as assert} from 'node:assert'

import {
  extractRequests,
  inferSelfName,
  normalizeAuthor,
  parseChat,
  type ParsedChat,
} from '../../../src/core/chat-export/index.js'
import {matchRequest, mentionsKeyword} from '../../../src/core/requests/match.js'

const KEYWORD = 'Servizio Info'
const SELF = ['Comune di Valdoria - URP']

function chat(text: string, names: string[] = []): ParsedChat {
  const r = parseChat(text, {names})
  if (!r.ok) assert.fail(JSON.stringify(r.error))
  return r.chat
}

describe('chat-export/extract (§11)', () => {
  it('skips the comune itself, whatever the case, invisible marks or apostrophe', () => {
    const c = chat([
      '14/03/25, 09:21 - \u202AComune dell\u2019Isola\u202C: Servizio Info ON Nome Cognome',
      '14/03/25, 09:22 - Anna Neri: Servizio Info ON Anna Neri',
    ].join('\n'))
    const out = extractRequests(c, {keyword: KEYWORD, selfNames: ["comune dell'isola"]})
    assert.deepEqual(
      out.requests.map(r => r.author),
      ['Anna Neri'],
    )
    assert.deepEqual(out.otherAuthors, ['Anna Neri'])
    assert.equal(out.individual, true)
  })

  it('never counts system lines, only messages whose first line starts with the keyword', () => {
    const c = chat([
      '14/03/25, 09:21 - Servizio Info ON ha creato il gruppo',
      '14/03/25, 09:22 - Anna: Per iscriverti scrivi: Servizio Info ON Nome',
      '14/03/25, 09:23 - Anna: ',
      'Servizio Info OFF',
      '14/03/25, 09:24 - Anna: SERVIZIO   INFO - on  giorgia  rinaldi!',
    ].join('\n'))
    const out = extractRequests(c, {keyword: KEYWORD, selfNames: SELF})
    assert.deepEqual(
      out.requests.map(r => [r.line, r.action, r.name]),
      [
        [3, 'OFF', null],
        [5, 'ON', 'giorgia rinaldi'],
      ],
    )
    assert.deepEqual(
      out.nearMisses.map(n => n.line),
      [2],
    )
    assert.equal(out.messages, 4)
    assert.equal(out.ignored, 2)
  })

  it('phone: author number first, then the title in a 1:1 chat, then --phone', () => {
    const text = '14/03/25, 09:21 - Anna: Servizio Info ON Anna\n14/03/25, 09:22 - Comune di Valdoria - URP: ok\n'
    const byTitle = extractRequests(chat(text, ['WhatsApp Chat - +39 333 123 4567.zip']), {
      keyword: KEYWORD,
      phone: '+393339999999',
      selfNames: SELF,
    })
    assert.deepEqual([byTitle.requests[0].phone, byTitle.requests[0].phoneSource], ['+393331234567', 'title'])
    assert.equal(byTitle.titlePhone, '+393331234567')
    const byOption = extractRequests(chat(text, ['Chat WhatsApp con Anna.txt']), {
      keyword: KEYWORD,
      phone: '+393339999999',
      selfNames: SELF,
    })
    assert.deepEqual([byOption.requests[0].phone, byOption.requests[0].phoneSource], ['+393339999999', 'option'])
    const none = extractRequests(chat(text, ['Chat WhatsApp con Anna.txt']), {keyword: KEYWORD, selfNames: SELF})
    assert.deepEqual([none.requests[0].phone, none.requests[0].phoneSource], [null, null])
    const author = extractRequests(
      chat('14/03/25, 09:21 - \u202A+41 79 555 01 23\u202C: Servizio Info ON Anna\n', ['WhatsApp Chat - +39 333 123 4567.zip']),
      {keyword: KEYWORD, selfNames: SELF},
    )
    assert.deepEqual([author.requests[0].phone, author.requests[0].phoneSource], ['+41795550123', 'author'])
  })

  it('without --self a 1:1 chat has two authors: the title is not used', () => {
    const text = '14/03/25, 09:21 - Anna: Servizio Info ON Anna\n14/03/25, 09:22 - Comune di Valdoria - URP: ok\n'
    const out = extractRequests(chat(text, ['WhatsApp Chat - +39 333 123 4567.zip']), {keyword: KEYWORD})
    assert.equal(out.individual, false)
    assert.equal(out.requests[0].phone, null)
  })

  it('a group never takes the phone of its title or of --phone, even with one citizen writing', () => {
    const text = [
      '14/03/25, 09:20 - Hai creato il gruppo "333 123 4567"',
      '14/03/25, 09:21 - Anna: Servizio Info ON Anna',
    ].join('\n')
    const out = extractRequests(chat(text, ['Chat WhatsApp con 333 123 4567.txt']), {
      keyword: KEYWORD,
      phone: '+393339999999',
      selfNames: SELF,
    })
    assert.equal(out.individual, false)
    assert.deepEqual([out.requests[0].phone, out.requests[0].phoneSource, out.titlePhone], [null, null, null])
    const many = extractRequests(
      chat('14/03/25, 09:21 - Anna: Servizio Info ON Anna\n14/03/25, 09:22 - Bruno: Servizio Info ON Bruno\n', [
        'Chat WhatsApp con +39 333 123 4567.txt',
      ]),
      {keyword: KEYWORD, phone: '+393339999999', selfNames: SELF},
    )
    assert.deepEqual(
      many.requests.map(r => r.phone),
      [null, null],
    )
  })

  it('names the comune from a batch: the one author common to every two-author chat', () => {
    const a = chat('14/03/25, 09:21 - Anna: x\n14/03/25, 09:22 - Comune di Valdoria: y\n')
    const b = chat('14/03/25, 09:21 - \u202AComune di Valdoria\u202C: y\n14/03/25, 09:22 - Bruno: x\n')
    assert.equal(inferSelfName([a, b]), 'Comune di Valdoria')
    assert.equal(inferSelfName([a]), null)
  })

  it('requests and near misses are exactly matchRequest and mentionsKeyword over citizen messages (property)', () => {
    const fragment = fc.constantFrom('Servizio Info ON Anna', 'servizio\u00A0info off', 'SERVIZIO', 'Info', 'info', ' ', '\n', 'ciao', '?', 'Servizio Info online', 'Ser\u200Bvizio', 'è', ':', '-')
    const message = fc.tuple(fc.constantFrom('Anna', 'Comune di Valdoria - URP', 'Bruno'), fc.array(fragment, {maxLength: 6}))
    fc.assert(
      fc.property(fc.array(message, {maxLength: 12}), msgs => {
        const text = msgs.map(([a, parts]) => `14/03/25, 09:21 - ${a}: x${parts.join('')}\n`).join('')
        const parsed = chat(text || '14/03/25, 09:21 - A: x\n')
        const out = extractRequests(parsed, {keyword: KEYWORD, selfNames: SELF})
        const citizen = parsed.messages.filter(m => m.author !== SELF[0])
        // The leading `x` keeps every message a non-request; drop it to test both paths.
        const expectedMiss = citizen.filter(m => !matchRequest(m.text, KEYWORD) && mentionsKeyword(m.text, KEYWORD))
        assert.deepEqual(out.nearMisses.map(n => n.line), expectedMiss.map(m => m.line))
        const asRequests = msgs.map(([a, parts]) => `14/03/25, 09:21 - ${a}: ${parts.join('')}\n`).join('')
        const p2 = chat(asRequests || '14/03/25, 09:21 - A: x\n')
        const out2 = extractRequests(p2, {keyword: KEYWORD, selfNames: SELF})
        const expected2 = p2.messages.filter(m => m.author !== SELF[0] && matchRequest(m.text, KEYWORD))
        assert.deepEqual(out2.requests.map(r => r.line), expected2.map(m => m.line))
        const miss2 = p2.messages.filter(m => m.author !== SELF[0] && !matchRequest(m.text, KEYWORD) && mentionsKeyword(m.text, KEYWORD))
        assert.deepEqual(out2.nearMisses.map(n => n.line), miss2.map(m => m.line))
      }),
      {numRuns: 300},
    )
  })

  it('normalizeAuthor strips ~, marks and odd spaces', () => {
    assert.equal(normalizeAuthor('~\u202FSerena  Bianchi\u200E'), 'Serena Bianchi')
    assert.equal(normalizeAuthor('\u202A+39 333 123 4567\u202C'), '+39 333 123 4567')
  })
})

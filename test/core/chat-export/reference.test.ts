import {strict as assert} from 'node:assert'
import {parseString} from 'whatsapp-chat-parser'

import {generateChat} from '../../../scripts/bench/chat-generate.js'
import {extractRequests, parseChat} from '../../../src/core/chat-export/index.js'

const INVISIBLE = /[\u200B\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g

describe('chat-export against whatsapp-chat-parser on a generated Italian export', () => {
  it('finds the same messages, authors and texts', () => {
    const text = generateChat(3000, 7)
    const ours = parseChat(text, {names: ['Chat WhatsApp con Valdoria.txt']})
    assert.ok(ours.ok)
    const theirs = parseString(text, {daysFirst: true})
    assert.equal(ours.chat.messages.length, 3000)
    assert.equal(theirs.length, 3000)
    for (const [i, m] of ours.chat.messages.entries()) {
      const t = theirs[i]
      assert.equal(m.author, t.author === null ? null : t.author.replaceAll(INVISIBLE, ''), `message ${i}`)
      // whatsapp-chat-parser keeps the file's final line break in the last message.
      const theirText: string = i === theirs.length - 1 ? t.message.replace(/\n$/, '') : t.message
      assert.equal(m.text, theirText.replaceAll(INVISIBLE, ''), `message ${i}`)
      const d = t.date
      const local = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
      assert.equal(m.receivedAt.slice(0, 10), local, `message ${i}`)
    }

    const out = extractRequests(ours.chat, {keyword: 'Servizio Info', selfNames: ['Comune di Valdoria - URP']})
    const expected = theirs.filter(t => t.author !== 'Comune di Valdoria - URP' && /^Servizio Info (ON|OFF)\b/.test(t.message)).length
    assert.ok(expected > 0)
    assert.equal(out.requests.length, expected)
  })
})

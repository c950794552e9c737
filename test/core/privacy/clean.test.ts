import {strict as assert} from 'node:assert'

import {
  cleanCsvRecords, cleanJsonDocument, cleanJsonLines, cleanLines, cleanVcards,
} from '../../../src/core/privacy/clean.js'
import {Matcher} from '../../../src/core/privacy/match.js'

const m = new Matcher({ids: ['aaaa111122'], names: ['Paolo Rossi'], phones: ['+393331234567']})

describe('privacy cleaners', () => {
  it('JSON Lines: lines about them go, other lines stay byte for byte, nested lists lose only their element', () => {
    const text = [
      '{"action":"subscriber.add","after":{"phone":"+393331234567","name":"Paolo Rossi"},"subject":"+393331234567"}',
      '{"action":"subscriber.add","after":{"phone":"+393339999999","name":"Anna  Bianchi"},"subject":"+393339999999"}',
      '{"action":"request.approve","subject":"aaaa111122"}',
      '{"action":"broadcast.start","after":{"to":["+393331234567","+393339999999"]},"subject":"r1"}',
      '{"action":"request.import","after":{"name":"Paolo Rossi","phone":null}}',
      'not json +39 333 123 4567',
      '',
    ].join('\n')
    const out = cleanJsonLines(text, m)
    assert.equal(
      out.content,
      [
        '{"action":"subscriber.add","after":{"phone":"+393339999999","name":"Anna  Bianchi"},"subject":"+393339999999"}',
        '{"action":"broadcast.start","after":{"to":["+393339999999"]},"subject":"r1"}',
        '',
      ].join('\n'),
    )
    assert.equal(out.removed, 5)
  })

  it('JSON documents: maps keyed by data lose the entry; a document about them is deleted', () => {
    const statuses = JSON.stringify({'wamid.A': {recipient: '393331234567'}, 'wamid.B': {recipient: '393339999999'}}, null, 2) + '\n'
    assert.equal(cleanJsonDocument(statuses, m).content, JSON.stringify({'wamid.B': {recipient: '393339999999'}}, null, 2) + '\n')
    assert.equal(cleanJsonDocument('{"phone":"+393331234567","name":"x"}', m).content, null)
    const keyed = '{"+393331234567":{"n":1},"+393339999999":{"n":2}}'
    assert.equal(cleanJsonDocument(keyed, m).content, '{"+393339999999":{"n":2}}')
    const untouched = '{ "a": 1 }'
    assert.equal(cleanJsonDocument(untouched, m).content, untouched)
  })

  it('CSV rows and vCards go whole; the header stays', () => {
    const rows = [['telefono', 'nome'], ["'+393331234567", 'Paolo Rossi'], ['+393339999999', 'Anna'], ['', 'paolo rossi']]
    assert.deepEqual(cleanCsvRecords(rows, m).content, [['telefono', 'nome'], ['+393339999999', 'Anna']])
    const card = (name: string, tel: string) => `BEGIN:VCARD\r\nVERSION:3.0\r\nN:;${name};;;\r\nFN:${name}\r\nTEL;TYPE=CELL:${tel}\r\nEND:VCARD\r\n`
    const both = card('Paolo Rossi', '+393331234567') + card('Anna', '+393339999999')
    assert.equal(cleanVcards(both, m).content, card('Anna', '+393339999999'))
    assert.equal(cleanVcards(card('Paolo Rossi', '+393331234567'), m).content, null)
    assert.equal(cleanLines('a\n3331234567 b\nc', m).content, 'a\nc')
  })
})

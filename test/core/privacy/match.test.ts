import fc from 'fast-check'
import {strict as assert} from 'node:assert'

import {Matcher, NameWordSet, NeedleSet} from '../../../src/core/privacy/match.js'
import {
  addErasure, emptyTombstones, nameKey, parseTombstones, TombstoneIndex,
} from '../../../src/core/privacy/tombstones.js'

describe('privacy matching', () => {
  it('NeedleSet finds any of many strings like a naive search would (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({maxLength: 6, unit: fc.constantFrom('a', 'b', 'c', '1', '+')}), {maxLength: 12}), fc.string({maxLength: 40, unit: fc.constantFrom('a', 'b', 'c', '1', '+', ' ')}), (needles, text) => {
        const naive = needles.some(n => n !== '' && text.includes(n))
        assert.equal(new NeedleSet(needles).foundIn(text), naive)
      }),
      {numRuns: 2000},
    )
  })

  it('folds case for names', () => {
    const s = new NeedleSet(['Paolo Rossi'], true)
    assert.ok(s.foundIn('servizio info on PAOLO ROSSI'))
    assert.ok(!s.foundIn('Paola Rossi'))
  })

  it('a record is theirs by any spelling of the number or by id; by name only without another number', () => {
    const m = new Matcher({ids: ['3f9c0a1b2c'], names: ['Paolo Rossi', 'Ugo'], phones: ['+393331234567']})
    for (const t of ['+393331234567', '393331234567', '+39 333 123 4567', '333 123 4567', 'tel 3331234567', 'req 3f9c0a1b2c']) assert.ok(m.isAbout(t), t)
    assert.ok(m.isAbout('{"name":"paolo rossi","phone":null}'))
    assert.ok(!m.isAbout('{"name":"Paolo Rossi","phone":"+393339999999"}'), 'a namesake with his own number stays')
    assert.ok(!m.isAbout('Ugo was here'), 'short single names are not searched alone')
    assert.ok(!m.isAbout('+393331234568'))
  })

  it('finds a name word by word, in any order and case, across any punctuation; not part of a longer word', () => {
    const s = new NameWordSet(['Paolo Rossi'])
    for (const t of ['ROSSI;Paolo;ok', 'paolo, rossi', '"Rossi Paolo"', 'on Paolo  Rossi.']) assert.ok(s.foundIn(t), t)
    for (const t of ['Paolo Rossini', 'Paola Rossi', 'Paolo Bianchi Rossi']) assert.ok(!s.foundIn(t), t)
  })

  it('a tombstone keeps a number\'s names as salted hashes only, and they are found again by that number alone', () => {
    const file = emptyTombstones('sale-di-prova')
    addErasure(file, {
      day: '2026-12-07', names: ['Paolo Rossi', 'Pinco'], phone: '+393331234567', requestIds: ['r1'],
    })
    const text = JSON.stringify(file)
    assert.doesNotMatch(text.toLowerCase(), /paolo|rossi|pinco|3331234567/)
    assert.equal(file.version, 2)
    const names = new TombstoneIndex(parseTombstones(text)!).namesOf('+393331234567')!
    assert.deepEqual(names.keys, [nameKey('sale-di-prova', 'Pinco'), nameKey('sale-di-prova', 'rossi PAOLO')].sort())
    assert.equal(new TombstoneIndex(file).namesOf('+393330000000'), undefined, 'another number has no names')
    const m = new Matcher({
      ids: [], names: [], namesHashed: names, phones: ['+393331234567'],
    })
    assert.ok(m.isAbout('telefonato a rossi paolo'))
    assert.ok(!m.isAbout('Paolo Rossi +393409998877'), 'a namesake with his own number stays')
    assert.ok(!m.isAbout('Paolo Bianchi'))
  })

  it('reads a version 1 tombstone file (no names) and writes it back as version 2', () => {
    const v1 = parseTombstones(JSON.stringify({
      phones: {}, requests: ['abc'], salt: 's', version: 1,
    }))!
    assert.deepEqual(v1.names, {})
    assert.equal(new TombstoneIndex(v1).namesOf('+393331234567'), undefined)
    addErasure(v1, {
      day: '2026-12-07', names: ['Anna Verdi'], phone: '+393331234567', requestIds: [],
    })
    assert.equal(v1.version, 2)
    assert.deepEqual(v1.requests, ['abc'])
  })
})

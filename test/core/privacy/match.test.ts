import fc from 'fast-check'
import {strict as assert} from 'node:assert'

import {
  Matcher, NameWordSet, NeedleSet, NumberSet,
} from '../../../src/core/privacy/match.js'
import {
  addErasure, emptyTombstones, nameKey, parseTombstones, phoneSecrets, saltedHash, TombstoneIndex,
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
    // Neither the number's fast hash nor names hashed with the file's salt alone: both need the number's scrypt.
    assert.ok(!text.includes(saltedHash('sale-di-prova', '+393331234567')))
    assert.ok(!text.includes(nameKey('sale-di-prova', 'Paolo Rossi')!.split(':')[1]))
    const {nameSecret} = phoneSecrets('sale-di-prova', '+393331234567')
    const names = new TombstoneIndex(parseTombstones(text)!).namesOf('+393331234567')!
    assert.deepEqual(names.keys, [nameKey(nameSecret, 'Pinco'), nameKey(nameSecret, 'rossi PAOLO')].sort())
    assert.equal(new TombstoneIndex(file).phoneErasedOn('+393331234567'), '2026-12-07')
    assert.equal(new TombstoneIndex(file).namesOf('+393330000000'), undefined, 'another number has no names')
    const m = new Matcher({
      ids: [], names: [], namesHashed: names, phones: ['+393331234567'],
    })
    assert.ok(m.isAbout('telefonato a rossi paolo'))
    assert.ok(!m.isAbout('Paolo Rossi +393409998877'), 'a namesake with his own number stays')
    assert.ok(!m.isAbout('Paolo Bianchi'))
  })

  it('reads a version 1 tombstone file (fast number hashes, no names) and writes it back as version 2', () => {
    const v1 = parseTombstones(JSON.stringify({
      phones: {[saltedHash('s', '+393339990000')]: '2026-01-02'}, requests: ['abc'], salt: 's', version: 1,
    }))!
    assert.deepEqual(v1.names, {})
    assert.equal(new TombstoneIndex(v1).namesOf('+393331234567'), undefined)
    assert.equal(new TombstoneIndex(v1).phoneErasedOn('+393339990000'), '2026-01-02', 'a version 1 erasure is still known')
    addErasure(v1, {
      day: '2026-12-07', names: ['Anna Verdi'], phone: '+393331234567', requestIds: [],
    })
    assert.equal(v1.version, 2)
    assert.deepEqual(v1.requests, ['abc'])
    const back = parseTombstones(JSON.stringify(v1))!
    assert.equal(new TombstoneIndex(back).phoneErasedOn('+393339990000'), '2026-01-02')
    assert.equal(new TombstoneIndex(back).phoneErasedOn('+393331234567'), '2026-12-07')
  })

  it('ids and names count only as whole tokens: wamid.h5 is not in wamid.h50, Paolo Rossi not in Paolo Rossini', () => {
    const m = new Matcher({ids: ['wamid.h5', '393331110005'], names: ['Paolo Rossi'], phones: []})
    assert.ok(m.hasId('{"id":"wamid.h5"}'))
    assert.ok(!m.hasId('{"id":"wamid.h50"}'))
    assert.ok(!m.hasId('{"user":"3933311100051"}'))
    assert.ok(m.hasName('Paolo Rossi;ok'))
    assert.ok(!m.hasName('Paolo Rossini;ok'))
    const bounded = new NeedleSet(['àb'], true, true)
    assert.ok(bounded.foundIn('x àb y'))
    assert.ok(!bounded.foundIn('xàb y'), 'an accented letter is a letter too')
    assert.ok(!bounded.foundIn('𝐱àb'), 'and so is one outside the BMP')
  })

  it('finds a number however it is written, never inside a longer one', () => {
    const n = new NumberSet(['+393351234567'])
    for (const t of ['0039 335 1234567', '+39 335-1234567', '335.123.4567', '335/1234567', '+39 (335) 1234567', '393351234567', 'tel. 3351234567, ok', '3351234567 3339990000', '+39 335 123 4567']) {
      assert.ok(n.foundIn(t), t)
    }

    for (const t of ['13351234567', '33512345678', '+39 335 123 45678', '12393351234567', '2026-01-01T10:00:00+01:00']) assert.ok(!n.foundIn(t), t)
  })

  it('a name beside a number written with spaces is a namesake, not them', () => {
    const m = new Matcher({ids: [], names: ['Mario Rossi'], phones: ['+393351234567']})
    assert.ok(m.isAbout('Mario Rossi;richiamare'))
    assert.ok(m.isAbout('Mario Rossi;+39 335 123 4567'))
    assert.ok(!m.isAbout('Mario Rossi;+39 340 999 8877'))
    assert.ok(!m.isAbout('Mario Rossi;340 999 8877'))
    assert.ok(m.isAbout('{"name":"Mario Rossi","ts":"2026-01-01T10:00:00+01:00"}'), 'a date is not a number')
  })
})

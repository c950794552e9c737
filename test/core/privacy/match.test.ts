import fc from 'fast-check'
import {strict as assert} from 'node:assert'

import {Matcher, NeedleSet} from '../../../src/core/privacy/match.js'

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
})

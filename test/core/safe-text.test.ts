import fc from 'fast-check'
import {strict as assert} from 'node:assert'

import {
  checkName, jsonForTerminal, storedField, storedText, terminalSafe, visible,
} from '../../src/core/safe-text.js'

// eslint-disable-next-line no-control-regex
const OBEYED = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/

describe('safe-text (issue 13)', () => {
  it('checks names: controls removed, over 100 characters or a formula start refused', () => {
    assert.deepEqual(checkName('  Anna\u0007\b Rossi\u202E\u0000 '), {name: 'Anna Rossi', ok: true})
    assert.deepEqual(checkName('Anna\tMaria\nRossi'), {name: 'Anna Maria Rossi', ok: true})
    for (const raw of ['=1+2', '+39', '-x', '@SUM(1)', ' =x', '\uFF1Dx']) assert.deepEqual(checkName(raw), {ok: false, problem: 'formula'}, raw)
    assert.deepEqual(checkName('a'.repeat(101)), {ok: false, problem: 'too-long'})
    assert.equal(checkName('à'.repeat(100)).ok, true)
    assert.deepEqual(checkName('\u0007\u001B'), {ok: false, problem: 'empty'})
  })

  it('stores texts without NUL, ESC or C1, and short fields capped and defused', () => {
    assert.equal(storedText('a\u0000b\u001B[2Jc\u009Bd\te\r\nf'), 'ab[2Jcd\te\r\nf')
    assert.equal(storedField('=HYPERLINK(1)'), "'=HYPERLINK(1)")
    assert.equal(storedField('+39 347 765 4321'), '+39 347 765 4321')
    assert.equal([...storedField('x'.repeat(1000))].length, 256)
  })

  it('makes every control visible for the terminal; terminalSafe keeps line breaks and colours only', () => {
    assert.equal(visible('A\u0007\b\u001B[2J\n\u202E'), String.raw`A\u0007\u0008\u001B[2J\n\u202E`)
    assert.equal(terminalSafe('\u001B[31mrosso\u001B[39m\nriga\u0007'), '\u001B[31mrosso\u001B[39m\nriga\\u0007')
    assert.equal(terminalSafe('\u001B]0;titolo\u0007'), String.raw`\u001B]0;titolo\u0007`)
    const json = jsonForTerminal(JSON.stringify({n: 'a\u009B\u202Eb'}, null, 2))
    assert.deepEqual(JSON.parse(json), {n: 'a\u009B\u202Eb'})
    assert.ok(!OBEYED.test(json.replaceAll('\n', '')))
  })

  it('never lets a control through visible(), whatever the string (property)', () => {
    fc.assert(fc.property(fc.string({unit: 'binary'}), s => {
      assert.ok(!OBEYED.test(visible(s)))
      // eslint-disable-next-line no-control-regex
      assert.ok(!OBEYED.test(terminalSafe(s).replaceAll(/\u001B\[[\d;]*m/g, '').replaceAll('\n', '')))
      const name = checkName(s)
      if (name.ok) assert.ok(!OBEYED.test(name.name) && [...name.name].length <= 100)
    }))
  })
})

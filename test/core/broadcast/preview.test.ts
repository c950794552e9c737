import fc from 'fast-check'
import {strict as assert} from 'node:assert'

import {isInvalidParameter} from '../../../src/core/broadcast/payload.js'
import {flattenNotice, previewLines, wrapWords} from '../../../src/core/broadcast/preview.js'

const labels = {count: (n: number) => `${n} caratteri.`, media: (k: string) => `[${k}]`}

describe('notice flattening and the whole-message preview', () => {
  it('joins a line without closing punctuation with ". ", keeps the line\'s own punctuation, continues lower-case lines', () => {
    assert.deepEqual(flattenNotice('AVVISO\n\nAcqua sospesa\nin Via Roma.\nGrazie!\nInfo:\nUfficio tecnico'), {
      stops: 1, text: 'AVVISO. Acqua sospesa in Via Roma. Grazie! Info: Ufficio tecnico',
    })
    assert.deepEqual(flattenNotice('Chiusa (lavori).\n"Via Roma"\nriapre domani'), {stops: 0, text: 'Chiusa (lavori). "Via Roma" riapre domani'})
    assert.deepEqual(flattenNotice('  a\t\tb    c  '), {stops: 0, text: 'a b c'})
    assert.deepEqual(flattenNotice('\n\n'), {stops: 0, text: ''})
  })

  it('always gives a valid template parameter (or nothing)', () => {
    fc.assert(fc.property(fc.string({maxLength: 300, unit: 'binary'}), text => {
      const flat = flattenNotice(text).text
      assert.ok(flat === '' || !isInvalidParameter(flat), JSON.stringify(flat))
    }), {numRuns: 500})
  })

  it('wraps at the width without breaking words; a longer word stands alone', () => {
    assert.deepEqual(wrapWords('uno due tre quattro', 7), ['uno due', 'tre', 'quattro'])
    assert.deepEqual(wrapWords('a supercalifragilistico b', 6), ['a', 'supercalifragilistico', 'b'])
    assert.deepEqual(wrapWords('riga uno\nriga due', 80), ['riga uno', 'riga due'])
    fc.assert(fc.property(fc.array(fc.stringMatching(/^[a-zà]{1,12}$/), {maxLength: 40}), fc.integer({max: 60, min: 12}), (words, width) => {
      const lines = wrapWords(words.join(' '), width)
      assert.deepEqual(lines.join(' ').split(' ').filter(Boolean), words)
      for (const l of lines) assert.ok(l.length <= width)
    }))
  })

  it('lays out header, body, footer and buttons in a frame, with the character count', () => {
    const lines = previewLines({
      body: 'Avviso ai cittadini: acqua sospesa martedì in Via Roma.', buttons: ['STOP'], footer: 'Servizio Info', header: 'Comune di Cerveno',
    }, 40, labels)
    assert.deepEqual(lines, [
      '  │ Comune di Cerveno',
      '  │',
      '  │ Avviso ai cittadini: acqua sospesa',
      '  │ martedì in Via Roma.',
      '  │',
      '  │ Servizio Info',
      '  │ [ STOP ]',
      '  85 caratteri.',
    ])
    assert.deepEqual(previewLines({body: 'x', buttons: [], headerMedia: 'image'}, 80, labels), ['  │ [image]', '  │ x', '  1 caratteri.'])
  })
})

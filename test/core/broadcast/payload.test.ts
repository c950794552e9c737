import fc from 'fast-check'
import {strict as assert} from 'node:assert'

import {
  buildTemplateMessage,
  buildTextMessage,
  flattenParameter,
  isInvalidParameter,
  validateNotice,
} from '../../../src/core/broadcast/index.js'
import {CervenoError} from '../../../src/core/errors.js'

const TEMPLATE = {language: 'it', name: 'avviso_servizio'}

// Strings rich in the characters that matter: whitespace of every kind, controls, accents, emoji.
const tricky = fc.string({
  maxLength: 60,
  unit: fc.constantFrom(
    ' ',
    '\n',
    '\r\n',
    '\t',
    '\u000B',
    '\u000C',
    '\u00A0',
    '\u2028',
    '\u3000',
    '\u0000',
    '\u001B',
    '\u0085',
    '\u200B',
    'a',
    'è',
    '1',
    '.',
    '👍',
    '👨‍👩‍👧',
  ),
})
const anyText = fc.oneof(tricky, fc.string({maxLength: 60, unit: 'grapheme'}), fc.string({maxLength: 60}))
// Not blank: holds at least one character that is neither whitespace nor a control.
// eslint-disable-next-line no-control-regex
const isBlank = (s: string): boolean => /^[\s\u0000-\u001F\u007F-\u009F]*$/.test(s)

describe('broadcast/payload', () => {
  describe('flattenParameter', () => {
    it('turns line breaks and tabs into single spaces and trims', () => {
      assert.equal(flattenParameter('  Via Roma\nchiusa\r\ndalle 8\t alle 14  '), 'Via Roma chiusa dalle 8 alle 14')
      assert.equal(flattenParameter('a      b'), 'a b')
      assert.equal(flattenParameter('a\n\n\nb'), 'a b')
    })

    it('drops control characters, keeps accents, emoji and ZWJ sequences', () => {
      assert.equal(flattenParameter('caff\u00E8\u0000 \u001B[31m👨‍👩‍👧'), 'caffè [31m👨‍👩‍👧')
    })

    it('gives an empty string only for blank input', () => {
      assert.equal(flattenParameter(' \n\t\u0000 '), '')
    })

    it('property: output never has \\n, \\t or 5 spaces in a row, is trimmed, and is not empty for non-blank input', () => {
      fc.assert(
        fc.property(anyText, input => {
          const out = flattenParameter(input)
          assert.ok(!out.includes('\n') && !out.includes('\t') && !out.includes('\r'), JSON.stringify(out))
          assert.ok(!out.includes('     '), JSON.stringify(out))
          assert.equal(out, out.trim())
          if (!isBlank(input)) {
            assert.notEqual(out, '')
            assert.equal(isInvalidParameter(out), false)
          }

          assert.equal(flattenParameter(out), out, 'idempotent')
        }),
        {numRuns: 2000},
      )
    })
  })

  describe('isInvalidParameter (Meta rules)', () => {
    it('rejects empty, newline, tab, 5 spaces; accepts 4 spaces', () => {
      for (const bad of ['', '   ', 'a\nb', 'a\tb', 'a     b']) assert.equal(isInvalidParameter(bad), true, JSON.stringify(bad))
      for (const good of ['a', 'a    b', 'Via Roma, 12']) assert.equal(isInvalidParameter(good), false, good)
    })
  })

  describe('validateNotice', () => {
    it('accepts a normal notice without problems', () => {
      assert.deepEqual(validateNotice('Domani chiusura di Via Roma dalle 8 alle 14.', 'template'), [])
      assert.deepEqual(validateNotice('Riga 1\nRiga 2', 'text'), [])
    })

    it('reports empty notices in both modes', () => {
      for (const mode of ['template', 'text'] as const) {
        assert.deepEqual(validateNotice(' \n ', mode), [{code: 'empty', severity: 'error'}])
        assert.deepEqual(validateNotice('', mode), [{code: 'empty', severity: 'error'}])
      }
    })

    it('measures the template limit on the flattened text, default 1024, configurable', () => {
      assert.deepEqual(validateNotice('x'.repeat(1024), 'template'), [])
      assert.deepEqual(validateNotice('x'.repeat(1025), 'template'), [
        {
          code: 'tooLong', length: 1025, max: 1024, severity: 'error',
        },
      ])
      // 1030 typed characters, 1024 after flattening the spaces: fits.
      assert.deepEqual(validateNotice(`${'x'.repeat(512)}       ${'x'.repeat(511)}`, 'template'), [
        {code: 'flattened', severity: 'warning'},
      ])
      assert.deepEqual(validateNotice('x'.repeat(61), 'template', {maxLength: 60}), [
        {
          code: 'tooLong', length: 61, max: 60, severity: 'error',
        },
      ])
    })

    it('applies 4096 to free text', () => {
      assert.deepEqual(validateNotice('x'.repeat(4096), 'text'), [])
      assert.deepEqual(validateNotice('x'.repeat(4097), 'text'), [
        {
          code: 'tooLong', length: 4097, max: 4096, severity: 'error',
        },
      ])
    })

    it('reports control characters with their count and first position', () => {
      assert.deepEqual(validateNotice('ok\u0007 then\u001B', 'text'), [
        {
          code: 'controlChars', count: 2, firstIndex: 2, severity: 'error',
        },
      ])
    })

    it('warns that line breaks will be flattened in template mode only', () => {
      assert.deepEqual(validateNotice('Riga 1\nRiga 2', 'template'), [{code: 'flattened', severity: 'warning'}])
      assert.deepEqual(validateNotice('  spazi ai bordi  ', 'template'), [])
    })
  })

  describe('buildTemplateMessage', () => {
    it('gives the exact body of cloud-api.md §1', () => {
      assert.deepEqual(buildTemplateMessage('+393471234567', TEMPLATE, 'Via Roma chiusa\ndalle 8'), {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        template: {
          components: [{parameters: [{text: 'Via Roma chiusa dalle 8', type: 'text'}], type: 'body'}],
          language: {code: 'it', policy: 'deterministic'},
          name: 'avviso_servizio',
        },
        to: '393471234567',
        type: 'template',
      })
    })

    it('adds biz_opaque_callback_data and parameter_name when asked', () => {
      const message = buildTemplateMessage(
        '+393471234567',
        {...TEMPLATE, parameterName: 'avviso'},
        'Testo',
        {callbackData: 'attempt-7f3a'},
      )
      assert.equal(message.biz_opaque_callback_data, 'attempt-7f3a')
      assert.deepEqual(message.template.components[0].parameters, [
        {parameter_name: 'avviso', text: 'Testo', type: 'text'},
      ])
    })

    it('serialises in the documented key order', () => {
      const json = JSON.stringify(buildTemplateMessage('+393471234567', TEMPLATE, 'x', {callbackData: 'a'}))
      assert.ok(json.startsWith('{"messaging_product":"whatsapp","recipient_type":"individual","to":"393471234567","type":"template"'))
    })

    it('refuses what Meta would reject', () => {
      assert.throws(
        () => buildTemplateMessage('+393471234567', TEMPLATE, ' \n\t '),
        (error: CervenoError) => error.code === 'NOTICE_INVALID' && error.params.problem === 'empty',
      )
      assert.throws(
        () => buildTemplateMessage('+393471234567', TEMPLATE, 'x'.repeat(1025)),
        (error: CervenoError) => error.code === 'NOTICE_INVALID' && error.params.problem === 'tooLong',
      )
      assert.throws(
        () => buildTemplateMessage('3471234567', TEMPLATE, 'x'),
        (error: CervenoError) => error.code === 'PHONE_INVALID',
      )
      assert.throws(
        () => buildTemplateMessage('+393471234567', TEMPLATE, 'x', {callbackData: 'x'.repeat(513)}),
        (error: CervenoError) => error.code === 'NOTICE_INVALID' && error.params.problem === 'callbackData',
      )
    })

    it('property: every parameter it builds satisfies Meta', () => {
      fc.assert(
        fc.property(anyText, input => {
          let message
          try {
            message = buildTemplateMessage('+393471234567', TEMPLATE, input)
          } catch (error) {
            assert.ok(error instanceof CervenoError && error.code === 'NOTICE_INVALID')
            return
          }

          assert.equal(isInvalidParameter(message.template.components[0].parameters[0].text as string), false)
        }),
        {numRuns: 1000},
      )
    })
  })

  describe('buildTextMessage', () => {
    it('gives the exact body of cloud-api.md §1, text as typed', () => {
      assert.deepEqual(buildTextMessage('+393471234567', 'Avviso:\nriga 2'), {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        text: {body: 'Avviso:\nriga 2', preview_url: false},
        to: '393471234567',
        type: 'text',
      })
      const withOptions = buildTextMessage('+393471234567', 'https://comune.example', {
        callbackData: 'id-1',
        previewUrl: true,
      })
      assert.equal(withOptions.text.preview_url, true)
      assert.equal(withOptions.biz_opaque_callback_data, 'id-1')
    })

    it('refuses empty or too long text', () => {
      assert.throws(() => buildTextMessage('+393471234567', '  '), CervenoError)
      assert.throws(() => buildTextMessage('+393471234567', 'x'.repeat(4097)), CervenoError)
    })
  })
})

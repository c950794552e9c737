import {strict as assert} from 'node:assert'

import {
  fillText, messageLength, noticeVariable, parseTemplateDefinition, renderMessage, templateComponents,
  type TemplateDefinition, templateProblems, templateShape, variablesOf,
} from '../../../src/core/broadcast/template.js'

const def = (components: unknown[], extra: Record<string, unknown> = {}): TemplateDefinition => {
  const parsed = parseTemplateDefinition({
    category: 'UTILITY', components, language: 'it', name: 'avviso', status: 'APPROVED', ...extra,
  })
  assert.ok(parsed)
  return parsed
}

const FULL = def([
  {format: 'TEXT', text: 'Comune di Cerveno', type: 'HEADER'},
  {text: 'Avviso: {{1}}', type: 'BODY'},
  {text: 'Servizio Info', type: 'FOOTER'},
  {buttons: [{text: 'STOP', type: 'QUICK_REPLY'}], type: 'BUTTONS'},
])

describe('template definition: shape, problems, components, rendering', () => {
  it('reads variables in order of first appearance, positional and named', () => {
    assert.deepEqual(variablesOf('{{2}} e {{1}} e ancora {{2}}'), ['2', '1'])
    assert.deepEqual(variablesOf('Via {{via}} dalle {{ ora }}'), ['via', 'ora'])
    assert.equal(fillText('A {{1}} B {{2}}', {1: 'x'}), 'A x B {{2}}')
  })

  it('rejects what is not a definition', () => {
    assert.equal(parseTemplateDefinition(null), undefined)
    assert.equal(parseTemplateDefinition({
      category: 'UTILITY', language: 'it', name: 'a', status: 'APPROVED',
    }), undefined)
    assert.equal(parseTemplateDefinition({
      category: 'UTILITY', components: [{text: 5, type: 'BODY'}], language: 'it', name: 'a', status: 'APPROVED',
    }), undefined)
    assert.equal(parseTemplateDefinition({
      category: 'UTILITY', components: [{buttons: 'x', type: 'BUTTONS'}], language: 'it', name: 'a', status: 'APPROVED',
    }), undefined)
  })

  it('gives the shape of each header kind, the body, footer and buttons', () => {
    assert.deepEqual(templateShape(FULL), {
      body: {text: 'Avviso: {{1}}', variables: ['1']},
      buttons: [{
        index: 0, text: 'STOP', type: 'QUICK_REPLY', variables: [],
      }],
      footer: 'Servizio Info',
      header: {kind: 'text', text: 'Comune di Cerveno', variables: []},
      named: false,
    })
    for (const format of ['IMAGE', 'DOCUMENT', 'VIDEO', 'LOCATION']) {
      const shape = templateShape(def([{format, type: 'HEADER'}, {text: '{{1}}', type: 'BODY'}]))
      assert.deepEqual(shape.header, {kind: format.toLowerCase()})
      assert.deepEqual(templateProblems(shape), [{code: 'headerMedia', kind: format.toLowerCase()}])
    }

    assert.deepEqual(templateShape(def([{text: '{{1}}', type: 'BODY'}])).header, {kind: 'none'})
    assert.deepEqual(templateShape(def([{format: 'TEXT', text: 'Avviso {{1}}', type: 'HEADER'}, {text: '{{1}}', type: 'BODY'}])).header, {kind: 'text', text: 'Avviso {{1}}', variables: ['1']})
  })

  it('finds the one variable the notice fills, and every reason a template cannot carry it', () => {
    const shape = templateShape(FULL)
    assert.equal(noticeVariable(shape), '1')
    assert.deepEqual(templateProblems(shape, {notice: 'Acqua sospesa.'}), [])

    const two = templateShape(def([{text: '{{1}} - {{2}}', type: 'BODY'}]))
    assert.deepEqual(templateProblems(two), [{code: 'noticeVariable', count: 2, variables: '{{1}} {{2}}'}])
    assert.deepEqual(templateProblems(two, {bodyFixed: {2: 'Comune di Cerveno'}}), [])
    assert.equal(noticeVariable(two, {2: 'Comune di Cerveno'}), '1')
    assert.deepEqual(templateProblems(two, {bodyFixed: {2: 'a\nb'}}), [{code: 'fixedInvalid', variable: '2'}])

    const none = templateShape(def([{text: 'Testo fisso', type: 'BODY'}]))
    assert.deepEqual(templateProblems(none), [{code: 'noticeVariable', count: 0, variables: ''}])
    assert.deepEqual(templateProblems(templateShape(def([{text: 'x', type: 'FOOTER'}]))), [{code: 'bodyMissing'}])

    const headerVar = templateShape(def([{format: 'TEXT', text: '{{1}}', type: 'HEADER'}, {text: '{{1}}', type: 'BODY'}]))
    assert.deepEqual(templateProblems(headerVar), [{code: 'headerVariable', count: 1}])
    const url = templateShape(def([{text: '{{1}}', type: 'BODY'}, {buttons: [{text: 'Apri', type: 'URL', url: 'https://x.it/{{1}}'}], type: 'BUTTONS'}]))
    assert.deepEqual(templateProblems(url), [{code: 'buttonVariable', index: 0}])

    const long = 'x'.repeat(1016) // 'Avviso: ' makes 1024
    assert.deepEqual(templateProblems(shape, {notice: long}), [])
    assert.deepEqual(templateProblems(shape, {notice: long + 'y'}), [{code: 'bodyTooLong', length: 1025, max: 1024}])
  })

  it('builds exactly the body parameters, positional ones in the order of their numbers, named ones with their names', () => {
    const two = templateShape(def([{text: '{{2}}: {{1}}', type: 'BODY'}]))
    assert.deepEqual(templateComponents(two, {bodyFixed: {2: 'Comune  di\nCerveno'}, notice: 'N'}), [
      {parameters: [{text: 'N', type: 'text'}, {text: 'Comune di Cerveno', type: 'text'}], type: 'body'},
    ])
    const named = templateShape(def([{text: 'Via {{via}}: {{avviso}}', type: 'BODY'}], {parameter_format: 'NAMED'}))
    assert.deepEqual(templateComponents(named, {bodyFixed: {via: 'Roma'}, notice: 'N'}), [
      {parameters: [{parameter_name: 'via', text: 'Roma', type: 'text'}, {parameter_name: 'avviso', text: 'N', type: 'text'}], type: 'body'},
    ])
  })

  it('renders the message as the citizen reads it and counts its characters', () => {
    const rendered = renderMessage(templateShape(FULL), {notice: 'Acqua sospesa.'})
    assert.deepEqual(rendered, {
      body: 'Avviso: Acqua sospesa.', buttons: ['STOP'], footer: 'Servizio Info', header: 'Comune di Cerveno',
    })
    assert.equal(messageLength(rendered), 17 + 22 + 13)
    const image = renderMessage(templateShape(def([{format: 'IMAGE', type: 'HEADER'}, {text: '{{1}}', type: 'BODY'}])), {notice: 'x'})
    assert.deepEqual(image, {body: 'x', buttons: [], headerMedia: 'image'})
  })
})


import fc from 'fast-check'
import {strict as assert} from 'node:assert'

import {
  emptyExtraction, extractFromPayload, mergeExtractions, type WebhookExtraction,
} from '../../../src/core/webhook/index.js'

const CTX = {defaultCountry: 'IT', keyword: 'Servizio Info', source: 'prova.json'}

function envelope(value: unknown, field: unknown = 'messages'): unknown {
  return {entry: [{changes: [{field, value}], id: '104938271650433'}], object: 'whatsapp_business_account'}
}

function textMessage(body: string, more: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    from: '393471150201', id: 'wamid.T1', text: {body}, timestamp: '1773476460', type: 'text', ...more,
  }
}

function one(payload: unknown): WebhookExtraction {
  return extractFromPayload(payload, CTX)
}

/** What must hold for any extraction, whatever went in. */
function invariants(x: WebhookExtraction): void {
  const c = x.counts
  assert.equal(c.payloads + c.ignoredPayloads, 1)
  assert.equal(x.requests.length, c.requests)
  assert.equal(x.statuses.length, c.statuses)
  assert.equal(x.nearMisses.length, c.nearMisses)
  assert.equal(c.messages, c.requests + c.ignoredMessages)
  assert.equal(Object.values(c.ignoredTypes).reduce((s, n) => s + n, 0), c.ignoredMessages)
  assert.equal(Object.values(c.ignoredFields).reduce((s, n) => s + n, 0), c.ignoredChanges)
  for (const r of x.requests) {
    assert.ok(r.action === 'ON' || r.action === 'OFF')
    assert.ok(r.phone === null || /^\+\d{8,15}$/.test(r.phone))
    assert.ok(r.receivedAt === null || /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/.test(r.receivedAt), r.receivedAt ?? '')
  }

  assert.doesNotThrow(() => JSON.stringify(x))
}

describe('extractFromPayload', () => {
  it('ignores what is not a WhatsApp envelope, counting it', () => {
    for (const p of [null, 42, 'testo', [], {}, {entry: [], object: 'page'}, {entry: [{changes: []}], object: 'instagram'}]) {
      const x = one(p)
      assert.equal(x.counts.ignoredPayloads, 1, JSON.stringify(p))
      assert.equal(x.counts.payloads, 0)
    }
  })

  it('reads an envelope that lost its object key', () => {
    const x = one({entry: [{changes: [{field: 'messages', value: {messages: [textMessage('Servizio Info ON Mario Rossi')]}}]}]})
    assert.equal(x.requests.length, 1)
  })

  it('unwraps a logger record holding the envelope under body, as an object or as the raw string', () => {
    const env = envelope({messages: [textMessage('Servizio Info ON Mario Rossi')]})
    assert.equal(one({body: env, headers: {}}).requests.length, 1)
    assert.equal(one({body: JSON.stringify(env), headers: {}}).requests.length, 1)
    assert.equal(one({body: '{non json', headers: {}}).counts.ignoredPayloads, 1)
  })

  it('reads the name on the next line and keeps the raw text', () => {
    const [r] = one(envelope({messages: [textMessage('Servizio Info ON\n\nMario Rossi')]})).requests
    assert.equal(r.name, 'Mario Rossi')
    assert.equal(r.rawText, 'Servizio Info ON\n\nMario Rossi')
    assert.equal(r.receivedAt, '2026-03-14T09:21:00+01:00')
  })

  it('applies the request rule: invisible marks are fine, a keyword elsewhere is a near miss', () => {
    const x = one(envelope({
      messages: [
        textMessage('\u200EServizio\u00A0Info ON Mario Rossi', {id: 'wamid.1'}),
        textMessage('Per iscriverti scrivi: Servizio Info ON Nome Cognome', {id: 'wamid.2'}),
        textMessage('Servizio Info online?', {id: 'wamid.3'}),
        textMessage('Buongiorno', {id: 'wamid.4'}),
        {
          document: {caption: 'servizio info off', filename: 'modulo.pdf'}, from: '393471150201', id: 'wamid.5', type: 'document',
        },
      ],
    }))
    assert.deepEqual(x.requests.map(r => r.wamid), ['wamid.1'])
    assert.deepEqual(x.nearMisses.map(m => [m.wamid, m.type]), [
      ['wamid.2', 'text'],
      ['wamid.3', 'text'],
      ['wamid.5', 'document'],
    ])
    assert.deepEqual(x.counts.ignoredTypes, {document: 1, text: 3})
  })

  it('uses the configured keyword', () => {
    const x = extractFromPayload(envelope({messages: [textMessage('Avvisi Comune OFF')]}), {...CTX, keyword: 'Avvisi Comune'})
    assert.equal(x.requests[0]?.action, 'OFF')
  })

  it('falls back to the button payload and prefers button_reply over list_reply', () => {
    const x = one(envelope({
      messages: [
        {
          button: {payload: 'Servizio Info OFF', text: ''}, from: '393471150201', id: 'b1', type: 'button',
        },
        {
          from: '393471150201', id: 'i1', interactive: {list_reply: {title: 'Servizio Info ON'}, type: 'list_reply'}, type: 'interactive',
        },
        {
          from: '393471150201', id: 'i2', interactive: {button_reply: {title: 'Servizio Info OFF'}, list_reply: {title: 'Servizio Info ON'}}, type: 'interactive',
        },
        {
          from: '393471150201', id: 'i3', interactive: {button_reply: {id: 'Servizio Info ON'}, type: 'button_reply'}, type: 'interactive',
        },
      ],
    }))
    assert.deepEqual(x.requests.map(r => [r.wamid, r.action, r.messageType]), [
      ['b1', 'OFF', 'button'],
      ['i1', 'ON', 'interactive'],
      ['i2', 'OFF', 'interactive'],
    ])
  })

  it('keeps a wa_id that is no valid number as the user id', () => {
    const [r] = one(envelope({contacts: [{profile: {name: 'Ana'}, wa_id: '5215512345678'}], messages: [textMessage('Servizio Info ON Ana López', {from: '5215512345678'})]})).requests
    assert.equal(r.phone, null)
    assert.equal(r.waId, '5215512345678')
    assert.equal(r.userId, '5215512345678')
  })

  it('normalises foreign numbers and numbers that a logger stored as numbers', () => {
    const x = one(envelope({messages: [textMessage('Servizio Info ON Jan Novak', {from: 4_915_112_345_678, id: 'n1'}), textMessage('Servizio Info ON Kim', {from: '+393405522918', id: 'n2'})]}))
    assert.deepEqual(x.requests.map(r => r.phone), ['+4915112345678', '+393405522918'])
  })

  it('matches each message to its contact by wa_id, not by position', () => {
    const x = one(envelope({
      contacts: [{profile: {name: 'Rosa'}, wa_id: '393405522918'}, {profile: {name: 'Luigi'}, wa_id: '393332870415'}],
      messages: [textMessage('Servizio Info ON Luigi F.', {from: '393332870415'})],
    }))
    assert.equal(x.requests[0].profileName, 'Luigi')
  })

  it('takes the phone from the contact when from is missing, and null when nobody is known', () => {
    const x = one(envelope({
      contacts: [{profile: {name: 'Rosa'}, wa_id: '393405522918'}],
      messages: [{id: 'm1', text: {body: 'Servizio Info ON Rosa T.'}, type: 'text'}],
    }))
    assert.equal(x.requests[0].phone, '+393405522918')
    const y = one(envelope({messages: [{text: {body: 'Servizio Info ON'}, type: 'text'}]}))
    assert.deepEqual([y.requests[0].phone, y.requests[0].userId, y.requests[0].wamid, y.requests[0].receivedAt], [null, null, null, null])
  })

  it('turns a missing timestamp into null and accepts whole seconds as digits or numbers', () => {
    const ats = [null, undefined, '1773476460', ' 1773476460 ', 1_773_476_460].map(timestamp => one(envelope({messages: [textMessage('Servizio Info ON', {timestamp})]})).requests[0].receivedAt)
    assert.deepEqual(ats, [null, null, '2026-03-14T09:21:00+01:00', '2026-03-14T09:21:00+01:00', '2026-03-14T09:21:00+01:00'])
  })

  it('refuses the whole payload when a timestamp is not seconds between 2009 and the limit (issue 13, point 3)', () => {
    const bad = ['', 'ieri', '-5', '0', 'abc', '1e20', '1764410400000', 1e308, 1_764_410_400.5, {}, '1230767999', '1773476461']
    for (const timestamp of bad) {
      const x = extractFromPayload(envelope({
        messages: [textMessage('Servizio Info ON Anna', {id: 'ok'}), textMessage('Servizio Info ON Bruno', {id: 'bad', timestamp})],
        statuses: [{
          id: 'wamid.S', recipient_id: '393332870415', status: 'sent', timestamp: '1773476460',
        }],
      }), {...CTX, latestSeconds: 1_773_476_460})
      assert.equal(x.problems.length, 1, String(timestamp))
      assert.equal(x.problems[0].code, 'timestamp')
      assert.deepEqual([x.requests.length, x.statuses.length, x.counts.messages, x.counts.payloads], [0, 0, 0, 1])
      invariants(x)
    }

    const status = extractFromPayload(envelope({statuses: [{id: 'wamid.S', status: 'read', timestamp: '1764410400000'}]}), CTX)
    assert.deepEqual([status.problems.map(p => p.value), status.statuses.length], [['1764410400000'], 0])
  })

  it('reads statuses tolerantly: case, string codes, message instead of title', () => {
    const x = one(envelope({
      statuses: [
        {
          errors: [{code: '131026', message: 'Message undeliverable'}, 'x', {code: 'abc'}], id: 'wamid.S', recipient_id: 393_332_870_415, status: 'FAILED', timestamp: 1_773_644_406,
        },
        {id: '', status: 'sent'},
        {id: 'wamid.S', status: ''},
        null,
      ],
    }))
    assert.deepEqual(x.statuses, [
      {
        at: '2026-03-16T08:00:06+01:00',
        errors: [
          {code: 131_026, details: null, title: 'Message undeliverable'},
          {code: null, details: null, title: null},
        ],
        recipientId: '393332870415',
        recipientUserId: null,
        status: 'failed',
        wamid: 'wamid.S',
      },
    ])
    assert.equal(x.counts.malformed, 3)
  })

  it('counts odd field and type names as own keys, without touching Object.prototype', () => {
    const x = one({
      entry: [
        {
          changes: [
            {field: '__proto__', value: {}},
            {field: 'constructor', value: {}},
            {field: 'x'.repeat(500), value: {}},
            {field: 7, value: {}},
            {field: 'messages', value: {messages: [{type: '__proto__'}, {type: 'hasOwnProperty'}, {type: 42}]}},
          ],
        },
      ],
      object: 'whatsapp_business_account',
    })
    assert.equal(Object.getPrototypeOf(x.counts.ignoredFields), Object.prototype)
    assert.deepEqual(Object.keys(x.counts.ignoredFields), ['__proto__', 'constructor', 'x'.repeat(64), '(invalid)'])
    assert.deepEqual(Object.keys(x.counts.ignoredTypes), ['__proto__', 'hasOwnProperty', '(invalid)'])
    // a JSON round trip (what --json prints) keeps them as data
    // eslint-disable-next-line unicorn/prefer-structured-clone
    assert.equal((JSON.parse(JSON.stringify(x.counts.ignoredTypes)) as Record<string, number>).hasOwnProperty, 1)
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
  })

  it('merges extractions: lists appended, counts added', () => {
    const a = one(envelope({messages: [textMessage('Servizio Info ON A B', {id: 'a'}), {id: 'i', type: 'image'}]}))
    const b = one(envelope({}, 'account_alerts'))
    const c = one(envelope({messages: [{id: 'j', type: 'image'}], statuses: [{id: 'w', status: 'sent'}]}))
    const all = emptyExtraction()
    for (const x of [a, b, c]) mergeExtractions(all, x)
    assert.equal(all.requests.length, 1)
    assert.equal(all.statuses.length, 1)
    assert.equal(all.counts.payloads, 3)
    assert.equal(all.counts.messages, 3)
    assert.deepEqual(all.counts.ignoredTypes, {image: 2})
    assert.deepEqual(all.counts.ignoredFields, {account_alerts: 1})
  })

  describe('on arbitrary input (property)', () => {
    it('never throws on any JSON value', () => {
      fc.assert(
        fc.property(fc.jsonValue(), v => {
          invariants(one(v))
        }),
        {numRuns: 500},
      )
    })

    it('never throws on envelopes with arbitrary parts', () => {
      const any = fc.jsonValue({maxDepth: 3})
      const text = fc.oneof(fc.string(), fc.constantFrom('Servizio Info ON Mario Rossi', 'servizio info off', 'Servizio Info online', ''))
      const message = fc.record(
        {
          button: fc.oneof(fc.record({payload: text, text}, {requiredKeys: []}), any),
          context: any,
          errors: fc.oneof(fc.array(fc.record({code: any, error_data: any, title: any}, {requiredKeys: []})), any),
          from: fc.oneof(fc.constantFrom('393471150201', '5215512345678', 'IT.123', '', '+39 347'), any),
          id: fc.oneof(fc.string(), any),
          interactive: fc.oneof(fc.record({button_reply: fc.record({title: text}), list_reply: fc.record({title: text})}, {requiredKeys: []}), any),
          text: fc.oneof(fc.record({body: text}), any),
          timestamp: fc.oneof(fc.constantFrom('1773476460', '0', '-1', '9'.repeat(30)), fc.integer(), fc.double(), any),
          type: fc.oneof(fc.constantFrom('text', 'button', 'interactive', 'image', 'unsupported', '__proto__'), any),
        },
        {requiredKeys: []},
      )
      const status = fc.record({
        errors: any, id: fc.oneof(fc.string(), any), status: fc.oneof(fc.constantFrom('sent', 'read', 'failed'), any), timestamp: any,
      }, {requiredKeys: []})
      const value = fc.record(
        {
          contacts: fc.oneof(fc.array(fc.record({profile: fc.oneof(fc.record({name: any, username: any}, {requiredKeys: []}), any), user_id: any, wa_id: any}, {requiredKeys: []})), any),
          errors: any,
          messages: fc.oneof(fc.array(fc.oneof(message, any)), any),
          metadata: any,
          statuses: fc.oneof(fc.array(fc.oneof(status, any)), any),
        },
        {requiredKeys: []},
      )
      const change = fc.oneof(fc.record({field: fc.oneof(fc.constant('messages'), any), value: fc.oneof(value, any)}, {requiredKeys: []}), any)
      const entry = fc.oneof(fc.record({changes: fc.oneof(fc.array(change), any), id: any}, {requiredKeys: []}), any)
      const payload = fc.record(
        {entry: fc.oneof(fc.array(entry), any), object: fc.oneof(fc.constant('whatsapp_business_account'), any)},
        {requiredKeys: []},
      )
      fc.assert(
        fc.property(payload, p => {
          invariants(one(p))
          assert.equal(({} as Record<string, unknown>).text, undefined)
        }),
        {numRuns: 1000},
      )
    })
  })
})

import fc from 'fast-check'
/**
 * Issue 13, property: whatever bytes arrive as webhook payloads or chat lines, the data folder stays readable —
 * import, then requests, subscribers, review --approve-all and export all succeed (the built CLI, temp folders).
 */
import {strict as assert} from 'node:assert'
import {writeFileSync} from 'node:fs'
import path from 'node:path'

import {freshDataDir, runCli} from '../helpers/cli.js'

const NASTY = [
  '',
  ' ',
  '=cmd|\' /C calc\'!A0',
  '+39 333',
  '-1',
  '@SUM(1)',
  '\u0000',
  '\u001B[2J',
  '\u001B]0;t\u0007',
  '\u009B31m',
  '\u202E',
  '\uFEFF',
  '\r\n',
  '"',
  ';',
  'Servizio Info ON',
  'Servizio Info OFF',
  '\uD800',
  'x'.repeat(300),
  '1764410400000',
  '__proto__',
]

const text = fc.oneof(
  fc.string({maxLength: 40, unit: 'binary'}),
  fc.constantFrom(...NASTY),
  fc.tuple(fc.constantFrom('Servizio Info ON ', 'Servizio Info OFF ', 'servizio info on:'), fc.oneof(fc.string({maxLength: 60, unit: 'binary'}), fc.constantFrom(...NASTY)))
  .map(([a, b]) => a + b),
)
/** A message text: most often a request, so that what it carries reaches the tables. */
const body = fc.oneof(
  {arbitrary: fc.tuple(fc.constantFrom('Servizio Info ON ', 'Servizio Info OFF '), text).map(([a, b]) => a + b), weight: 3},
  {arbitrary: text, weight: 1},
)

const anyJson: fc.Arbitrary<unknown> = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant({}))

const timestamp = fc.oneof(
  fc.integer({max: 1_800_000_000, min: 1_300_000_000}).map(String),
  {arbitrary: fc.constantFrom('1764410400000', '0', '-5', 'abc', 1e308, '99999999999', 1_764_410_400_000), weight: 2},
  fc.integer().map(String),
  fc.double(),
  anyJson,
)

/** A WhatsApp envelope whose every citizen-controlled field is hostile. */
const envelope = fc.record({
  body,
  from: fc.oneof(fc.constantFrom('393331234567', '393471112223', '12', '+0'), text),
  // Fresh ids mostly: a repeated id is a duplicate, and would keep what it carries out of the tables.
  id: fc.oneof({arbitrary: fc.uuid().map(u => `wamid.${u}`), weight: 3}, {arbitrary: text, weight: 1}),
  name: text,
  timestamp,
  type: fc.constantFrom('text', 'button', 'interactive'),
  username: text,
}).map(m => ({
  entry: [{
    changes: [{
      field: 'messages',
      value: {
        contacts: [{profile: {name: m.name, username: m.username}, wa_id: m.from}],
        messages: [{
          button: {text: m.body}, from: m.from, id: m.id, interactive: {button_reply: {title: m.body}}, text: {body: m.body}, timestamp: m.timestamp, type: m.type,
        }],
        messaging_product: 'whatsapp',
        statuses: [{
          id: m.id, recipient_id: m.from, status: 'delivered', timestamp: m.timestamp,
        }],
      },
    }],
    id: '1',
  }],
  object: 'whatsapp_business_account',
}))

const chatLine = fc.oneof(
  fc.tuple(fc.constantFrom('14/03/25, 09:21 - ', '26/10/25, 02:30 - ', '31/12/99, 23:59 - ', '[14/03/25, 09:21:00] ', '01/01/08, 10:00 - '), text, text)
  .map(([h, author, body]) => `${h}${author}: ${body}`),
  text,
)

const ENVELOPE_HEAD = '{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"from":"393331234567","type":"text","text":{"body":"Servizio Info ON '

describe('validation at the boundary: property (issue 13)', () => {
  it('any bytes as webhook payloads or chat lines never make the data folder unreadable', async function () {
    this.timeout(600_000)
    const {cleanup, dataDir, root} = await freshDataDir()
    let run = 0
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(envelope, {maxLength: 6, minLength: 1}),
          fc.uint8Array({maxLength: 200}),
          fc.array(chatLine, {maxLength: 8, minLength: 1}),
          async (payloads, bytes, lines) => {
            run++
            const files = [
              path.join(root, `w${run}.ndjson`),
              path.join(root, `raw${run}.json`),
              path.join(root, `Chat WhatsApp con +39 347 765 432${run % 10}.txt`),
            ]
            writeFileSync(files[0], payloads.map(p => JSON.stringify(p)).join('\n') + '\n')
            writeFileSync(files[1], Buffer.concat([Buffer.from(ENVELOPE_HEAD), bytes]))
            writeFileSync(files[2], '14/03/25, 09:20 - +39 347 765 4321: ciao\n' + lines.join('\n') + '\n')
            const imported = await runCli(['import', ...files], dataDir)
            assert.ok(imported.code === 0 || imported.code === 7, `import exit ${imported.code}: ${imported.stderr}`)
            for (const args of [
              ['requests', '--status', 'all', '--json'],
              ['review', '--approve-all', '--json'],
              ['subscribers', '--status', 'all'],
              ['export', 'requests', '--out', path.join(root, `r${run}.csv`)],
              ['export', 'subscribers', '--out', path.join(root, `s${run}.csv`)],
            ]) {
              const r = await runCli(args, dataDir)
              assert.equal(r.code, 0, `${args.join(' ')} exit ${r.code}: ${r.stderr}`)
            }
          },
        ),
        {numRuns: 6},
      )
    } finally {
      cleanup()
    }
  })
})

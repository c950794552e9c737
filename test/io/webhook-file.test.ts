import fc from 'fast-check'
import {strict as assert} from 'node:assert'
import {
  existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {extractFromPayload} from '../../src/core/webhook/index.js'
import {looksLikeWebhookDump, readWebhookFile, type WebhookFileItem} from '../../src/io/webhook-file.js'

const FIXTURES = fileURLToPath(new URL('../../fixtures/webhooks/', import.meta.url))

let dir: string
let n = 0

function fds(): number {
  return readdirSync('/proc/self/fd').length
}

/** What a JSON file holds for a value (-0 becomes 0, undefined keys vanish): structuredClone would keep them. */
function jsonRoundTrip(v: unknown): unknown {
  // eslint-disable-next-line unicorn/prefer-structured-clone
  return JSON.parse(JSON.stringify(v))
}

function file(content: Buffer | string): string {
  const path = join(dir, `f${n++}`)
  writeFileSync(path, content)
  return path
}

async function read(path: string, chunkSize?: number) {
  const items: WebhookFileItem[] = []
  for await (const item of readWebhookFile(path, chunkSize ? {chunkSize} : {})) items.push(item)
  const last = items.at(-1)
  assert.ok(last && last.kind !== 'payload', 'ends with an end or error item')
  assert.ok(items.slice(0, -1).every(i => i.kind === 'payload'), 'only payloads before the last item')
  const payloads = items.filter((i): i is Extract<WebhookFileItem, {kind: 'payload'}> => i.kind === 'payload')
  return {last, payloads, values: payloads.map(p => p.payload)}
}

async function errorOf(content: Buffer | string, chunkSize?: number) {
  const {last} = await read(file(content), chunkSize)
  assert.equal(last.kind, 'error', JSON.stringify(last))
  return last.kind === 'error' ? last.error : assert.fail()
}

async function shapeOf(content: Buffer | string) {
  const {last, values} = await read(file(content))
  assert.equal(last.kind, 'end', JSON.stringify(last))
  return {shape: last.kind === 'end' ? last.shape : null, values}
}

describe('webhook-file', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cerveno-webhook-'))
  })

  after(() => {
    rmSync(dir, {force: true, recursive: true})
  })

  describe('shapes, told from the content', () => {
    it('one pretty-printed object', async () => {
      assert.deepEqual(await shapeOf('{\n  "a": 1,\n  "b": [1, 2]\n}\n'), {shape: 'object', values: [{a: 1, b: [1, 2]}]})
    })

    it('one object on one line, with or without a final newline', async () => {
      assert.deepEqual(await shapeOf('{"a":1}'), {shape: 'object', values: [{a: 1}]})
      assert.deepEqual(await shapeOf('  {"a":1}\n\n'), {shape: 'object', values: [{a: 1}]})
    })

    it('an array, pretty or one payload per line, and an empty one', async () => {
      assert.deepEqual(await shapeOf('[\n  {\n    "a": 1\n  },\n  {\n    "b": 2\n  }\n]\n'), {shape: 'array', values: [{a: 1}, {b: 2}]})
      assert.deepEqual(await shapeOf('[{"a":1},\n{"b":2}]'), {shape: 'array', values: [{a: 1}, {b: 2}]})
      assert.deepEqual(await shapeOf('[{"a":1},{"b":2}]\n'), {shape: 'array', values: [{a: 1}, {b: 2}]})
      assert.deepEqual(await shapeOf('[ ]'), {shape: 'array', values: []})
    })

    it('NDJSON with CRLF, blank lines and lines holding arrays, numbered by line', async () => {
      const {last, payloads} = await read(file('{"a":1}\r\n\r\n  \r\n{"b":2}\r\n[{"c":3},{"d":4}]\r\n'))
      assert.deepEqual(
        payloads.map(p => [p.index, p.line, p.payload]),
        [
          [0, 1, {a: 1}],
          [1, 4, {b: 2}],
          [2, 5, {c: 3}],
          [3, 5, {d: 4}],
        ],
      )
      assert.deepEqual(last, {
        bytes: 43, kind: 'end', payloads: 4, shape: 'ndjson',
      })
    })

    it('multi-line objects one after another', async () => {
      assert.deepEqual(await shapeOf('{\n "a": 1\n}\n{\n "b": 2\n}\n'), {shape: 'concatenated', values: [{a: 1}, {b: 2}]})
    })

    it('does not go by the extension', async () => {
      const path = join(dir, 'dump.ndjson')
      writeFileSync(path, '[\n{"a":1}\n]')
      const {last, values} = await read(path)
      assert.deepEqual([last.kind === 'end' && last.shape, values], ['array', [{a: 1}]])
    })

    it('reads UTF-8 with a BOM and UTF-16 with its BOM', async () => {
      assert.deepEqual((await shapeOf('\uFEFF{"nome":"Niccolò"}\n')).values, [{nome: 'Niccolò'}])
      const utf16 = Buffer.concat([Buffer.from([0xFF, 0xFE]), Buffer.from('[{"nome":"Niccolò"}]\r\n', 'utf16le')])
      assert.deepEqual((await shapeOf(utf16)).values, [{nome: 'Niccolò'}])
    })

    it('keeps __proto__ keys as plain data', async () => {
      for (const text of ['[\n{"__proto__":{"x":1}}\n]', '[\n{"__proto__":"testo"}\n]', '{\n"__proto__":{"x":1}\n}', '{"__proto__":{"x":1}}']) {
        const [v] = (await shapeOf(text)).values as Array<Record<string, unknown>>
        assert.equal(Object.getPrototypeOf(v), Object.prototype, text)
        assert.deepEqual(Object.keys(v), ['__proto__'])
      }
    })

    it('gives the same payloads whatever the read size', async () => {
      const names = readdirSync(FIXTURES).filter(f => f !== 'expected')
      for (const name of names) {
        const whole = await read(join(FIXTURES, name))
        for (const size of [1, 3, 64]) {
          const bits = await read(join(FIXTURES, name), size)
          assert.deepEqual(bits.values, whole.values, `${name} @${size}`)
          assert.deepEqual({...bits.last, bytes: 0}, {...whole.last, bytes: 0}, `${name} @${size}`)
        }
      }
    })

    it('reports bytes read for progress', async () => {
      const {last, payloads} = await read(join(FIXTURES, 'dump.ndjson'), 512)
      const counts = payloads.map(p => p.bytesRead)
      assert.ok(counts.every((b, i) => i === 0 || b >= counts[i - 1]))
      assert.equal(last.kind === 'end' && last.bytes, readFileSync(join(FIXTURES, 'dump.ndjson')).length)
    })
  })

  describe('structured errors', () => {
    it('EMPTY for nothing or whitespace', async () => {
      assert.equal((await errorOf('')).code, 'EMPTY')
      assert.equal((await errorOf(' \r\n\t\n')).code, 'EMPTY')
    })

    it('BINARY for archives, images and NUL bytes', async () => {
      assert.deepEqual(await errorOf(Buffer.from([0x50, 0x4B, 0x03, 0x04, 1, 2, 3])), {
        code: 'BINARY', column: null, detail: 'zip', line: null, payloadsBefore: 0,
      })
      assert.equal((await errorOf(Buffer.from([0x1F, 0x8B, 8, 0]))).detail, 'gzip')
      assert.equal((await errorOf(Buffer.from('{"a":\u0000}'))).code, 'BINARY')
    })

    it('NOT_JSON for chat exports and other text', async () => {
      assert.equal((await errorOf('[14/03/25, 09:21:00] Giovanna: Servizio Info ON\n')).code, 'NOT_JSON')
      assert.equal((await errorOf('14/03/25, 09:21 - Giovanna: Servizio Info ON\n')).code, 'NOT_JSON')
      assert.equal((await errorOf('[1, 2]')).code, 'NOT_JSON')
    })

    it('INVALID_UTF8 with the line of the bad byte', async () => {
      const text = Buffer.concat([Buffer.from('{"a":1}\n{"b":"caffè"}\n{"c":"'), Buffer.from([0xE8]), Buffer.from('"}\n{"d":4}\n')])
      for (const size of [undefined, 5]) {
        const e = await errorOf(text, size)
        assert.deepEqual([e.code, e.line], ['INVALID_UTF8', 3], String(size))
      }

      const array = Buffer.concat([Buffer.from('[\n{"a":1},\n{"b":2},\n{"c":"'), Buffer.from([0xC3, 0x28]), Buffer.from('"}\n]')])
      const e = await errorOf(array)
      assert.deepEqual([e.code, e.line], ['INVALID_UTF8', 4])
      assert.deepEqual((await errorOf(Buffer.from([0xFF, 0x7B, 0x7D]))).code, 'INVALID_UTF8')
      const cut = await errorOf(Buffer.concat([Buffer.from('{"a":1}\n{"b":"'), Buffer.from([0xE2, 0x82])]))
      assert.deepEqual([cut.code, cut.line], ['INVALID_UTF8', 2])
    })

    it('TRUNCATED with the line where a JSON array or document ends', async () => {
      const e = await errorOf('[\n  {"a": 1},\n  {"b": [1,\n')
      assert.deepEqual([e.code, e.line, e.payloadsBefore], ['TRUNCATED', 3, 1])
      const d = await errorOf('{\n  "object": "whatsapp_business_account",\n  "entry": [\n    {"id": "1"')
      assert.deepEqual([d.code, d.line], ['TRUNCATED', 4])
      assert.equal((await errorOf('[')).code, 'TRUNCATED')
      for (const cut of ['tr', 'fal', 'nul', '12', '-0.5e', '"caff']) {
        const c = await errorOf(`[\n  {"a": 1},\n  {"b": ${cut}`)
        assert.deepEqual([c.code, c.line], ['TRUNCATED', 3], cut)
      }

      const garbage = await errorOf('[\n  {"a": 1},\n  {"b": xyz')
      assert.deepEqual([garbage.code, garbage.line], ['INVALID_JSON', 3])
    })

    it('TRUNCATED for an NDJSON file cut in its last line', async () => {
      const e = await errorOf('{"a":1}\n{"b":2}\n{"c":"cut her')
      assert.deepEqual([e.code, e.line, e.payloadsBefore], ['TRUNCATED', 3, 2])
    })

    it('NDJSON_LINE with line and column for a broken line in the middle', async () => {
      const e = await errorOf('{"a":1}\r\n\r\n{"b":2,,}\r\n{"c":3}\r\n')
      assert.deepEqual([e.code, e.line, e.column, e.payloadsBefore], ['NDJSON_LINE', 3, 8, 1])
      const first = await errorOf('{"a":\n{"b":2}\n')
      assert.deepEqual([first.code, first.line], ['NDJSON_LINE', 1])
    })

    it('INVALID_JSON with line and column inside a document', async () => {
      const e = await errorOf('[\n  {"a": 1},\n  {"b": 2 "c": 3},\n  {"d": 4}\n]\n')
      assert.deepEqual([e.code, e.line, e.column, e.payloadsBefore], ['INVALID_JSON', 3, 11, 1])
      const tail = await errorOf('[\n{"a":1}\n]\n{"b":2}\n')
      assert.deepEqual([tail.code, tail.line], ['INVALID_JSON', 4])
      const near = await errorOf('[\n{"a":1},\n{"b": x}]')
      assert.deepEqual([near.code, near.line], ['INVALID_JSON', 3])
    })

    it('UNREADABLE for a missing file or a folder', async () => {
      assert.deepEqual((await read(join(dir, 'nessuno.json'))).last, {
        error: {
          code: 'UNREADABLE', column: null, detail: 'ENOENT', line: null, payloadsBefore: 0,
        },
        kind: 'error',
        shape: null,
      })
      const {last} = await read(dir)
      assert.equal(last.kind === 'error' && last.error.code, 'UNREADABLE')
    })
  })

  it('closes the file when the caller stops early', async () => {
    const path = file(`[\n${Array.from({length: 2000}, (_, i) => JSON.stringify({i})).join(',\n')}\n]`)
    const canCount = existsSync('/proc/self/fd')
    const before = canCount ? fds() : 0
    for (let k = 0; k < 20; k++) {
      for await (const item of readWebhookFile(path, {chunkSize: 256})) if (item.kind === 'payload') break
    }

    if (canCount) {
    // closing is asynchronous: give it a few turns of the event loop
      for (let k = 0; k < 50 && fds() > before; k++) {
        await new Promise(resolve => {
          setTimeout(resolve, 10)
        })
      }

      assert.ok(fds() <= before, `${fds()} descriptors open, ${before} before`)
    }
  })

  describe('on arbitrary input (property)', () => {
    const payloads = fc.array(fc.dictionary(fc.string(), fc.jsonValue({maxDepth: 3}), {maxKeys: 5}), {maxLength: 6})

    it('reads back any payloads written as NDJSON, array or pretty array', async () => {
      await fc.assert(
        fc.asyncProperty(payloads, fc.constantFrom('ndjson', 'array', 'pretty'), fc.constantFrom('\n', '\r\n'), async (list, how, eol) => {
          const text
            = how === 'ndjson'
              ? list.map(p => JSON.stringify(p)).join(eol) + eol
              : (how === 'array'
                ? `[${list.map(p => JSON.stringify(p)).join(`,${eol}`)}]`
                : JSON.stringify(list, null, 2).replaceAll('\n', eol))
          const {last, values} = await read(file(text), 16)
          if (how === 'ndjson' && list.length === 0) {
            assert.equal(last.kind === 'error' && last.error.code, 'EMPTY')
            return
          }

          assert.equal(last.kind, 'end', JSON.stringify(last))
          assert.deepEqual(values, jsonRoundTrip(list))
        }),
        {numRuns: 150},
      )
    })

    it('never throws on any JSON text, and ends with one end or error item', async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue(), fc.boolean(), async (value, pretty) => {
          await read(file(JSON.stringify(value, null, pretty ? 2 : undefined) ?? ''), 8)
        }),
        {numRuns: 200},
      )
    })

    it('never throws on arbitrary bytes, and ends with one end or error item', async () => {
      const bytes = fc.oneof(
        fc.uint8Array({maxLength: 300}),
        fc.uint8Array({maxLength: 300}).map(b => Buffer.concat([Buffer.from('[{"a":'), b])),
        fc.uint8Array({maxLength: 300}).map(b => Buffer.concat([Buffer.from('{"a":1}\n{'), b])),
        fc.string({maxLength: 200, unit: 'binary'}).map(s => Buffer.from(s)),
      )
      await fc.assert(
        fc.asyncProperty(bytes, fc.constantFrom(1, 7, 4096), async (b, size) => {
          await read(file(Buffer.from(b)), size)
        }),
        {numRuns: 300},
      )
    })
  })

  it('reads back what the bench generator writes (NDJSON and array)', async () => {
    interface Written {bytes: number; messages: number; payloads: number; requests: number; statuses: number}
    type Writer = (path: string, bytes: number, options?: {pretty?: boolean; seed?: number}) => Promise<Written>
    const url = new URL('../../scripts/bench/webhook-generate.js', import.meta.url).href
    const gen = (await import(url)) as {writeArrayDump: Writer; writeNdjsonDump: Writer}
    for (const [write, shape, options] of [
      [gen.writeNdjsonDump, 'ndjson', {}],
      [gen.writeArrayDump, 'array', {}],
      [gen.writeArrayDump, 'array', {pretty: true}],
    ] as const) {
      const path = join(dir, `bench-${n++}`)

      const written = await write(path, 200_000, options)
      assert.equal(readFileSync(path).length, written.bytes)
      assert.ok(written.bytes <= 200_000 && written.bytes > 150_000, String(written.bytes))

      const {last, values} = await read(path, 4096)
      assert.deepEqual(last, {
        bytes: written.bytes, kind: 'end', payloads: written.payloads, shape,
      })
      let requests = 0
      let statuses = 0
      for (const v of values) {
        const x = extractFromPayload(v, {defaultCountry: 'IT', keyword: 'Servizio Info', source: path})
        requests += x.requests.length
        statuses += x.statuses.length
      }

      assert.deepEqual([requests, statuses], [written.requests, written.statuses])
    }
  })

  describe('looksLikeWebhookDump', () => {
    it('says yes to every readable fixture and to UTF-16 dumps', () => {
      for (const name of readdirSync(FIXTURES).filter(f => f !== 'expected')) {
        assert.ok(looksLikeWebhookDump(readFileSync(join(FIXTURES, name)).subarray(0, 4096)), name)
      }

      const utf16 = Buffer.concat([Buffer.from([0xFF, 0xFE]), Buffer.from('[{"object":"whatsapp_business_account"}]', 'utf16le')])
      assert.ok(looksLikeWebhookDump(utf16))
      assert.ok(looksLikeWebhookDump(Buffer.from('\uFEFF\r\n[ {"entry": []}]')))
    })

    it('says no to chat exports, archives and other JSON', () => {
      for (const text of [
        '[14/03/25, 09:21:00] Giovanna Bertoli: Servizio Info ON',
        '14/03/25, 09:21 - Giovanna Bertoli: Servizio Info ON',
        '{"comune":"Cerveno","keyword":"Servizio Info"}',
        '',
        '   ',
      ]) {
        assert.equal(looksLikeWebhookDump(Buffer.from(text)), false, text)
      }

      assert.equal(looksLikeWebhookDump(Buffer.from([0x50, 0x4B, 0x03, 0x04, 0x7B])), false)
      assert.equal(looksLikeWebhookDump(Buffer.from('{"entry":\u0000}')), false)
    })
  })
})

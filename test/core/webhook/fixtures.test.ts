import {strict as assert} from 'node:assert'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {
  dedupeByWamid,
  dedupeStatuses,
  emptyExtraction,
  extractFromPayload,
  foldStatuses,
  mergeExtractions,
} from '../../../src/core/webhook/index.js'
import {readWebhookFile, type WebhookFileItem} from '../../../src/io/webhook-file.js'

const DIR = fileURLToPath(new URL('../../../fixtures/webhooks/', import.meta.url))
const CTX = {defaultCountry: 'IT', keyword: 'Servizio Info'}

interface Expected {
  counts: unknown
  delivery?: Record<string, unknown>
  file: string
  issues: unknown[]
  nearMisses: unknown[]
  read: {error?: {code: string; line: number; payloadsBefore: number}; lines?: number[]; payloads?: number; shape: string}
  requests: unknown[]
  statuses: unknown[]
  uniqueRequests: number
  uniqueStatuses: number
}

async function load(file: string) {
  const payloads: Array<Extract<WebhookFileItem, {kind: 'payload'}>> = []
  let last: undefined | WebhookFileItem
  for await (const item of readWebhookFile(join(DIR, file))) {
    if (item.kind === 'payload') payloads.push(item)
    else last = item
  }

  const all = emptyExtraction()
  for (const p of payloads) {
    const source = p.line === null ? `${file}#${p.index + 1}` : `${file}:${p.line}`
    mergeExtractions(all, extractFromPayload(p.payload, {...CTX, source}))
  }

  return {all, last, payloads}
}

const expectations = readdirSync(join(DIR, 'expected'))
.filter(f => f.endsWith('.json'))
.map(f => JSON.parse(readFileSync(join(DIR, 'expected', f), 'utf8')) as Expected)

describe('webhook fixtures', () => {
  it('has an expectation for every fixture, and the fixtures the brief asks for', () => {
    const inputs = readdirSync(DIR).filter(f => f !== 'expected').sort()
    assert.deepEqual(expectations.map(e => e.file).sort(), inputs)
    assert.ok(inputs.length >= 11)
  })

  it('keeps the CRLF line ends of dump.ndjson (mark fixtures/webhooks/*.ndjson -text)', () => {
    const bytes = readFileSync(join(DIR, 'dump.ndjson'))
    assert.ok(bytes.includes('}\r\n'))
  })

  for (const exp of expectations) {
    describe(exp.file, () => {
      let got: Awaited<ReturnType<typeof load>>

      before(async () => {
        got = await load(exp.file)
      })

      it('is read with the expected shape and outcome', () => {
        assert.ok(got.last)
        if (exp.read.error) {
          assert.equal(got.last.kind, 'error')
          if (got.last.kind !== 'error') return
          assert.equal(got.last.shape, exp.read.shape)
          assert.equal(got.last.error.code, exp.read.error.code)
          assert.equal(got.last.error.line, exp.read.error.line)
          assert.equal(got.last.error.payloadsBefore, exp.read.error.payloadsBefore)
          assert.equal(got.payloads.length, exp.read.error.payloadsBefore)
        } else {
          assert.deepEqual(got.last.kind === 'end' && {payloads: got.last.payloads, shape: got.last.shape}, {
            payloads: exp.read.payloads,
            shape: exp.read.shape,
          })
          assert.equal(got.payloads.length, exp.read.payloads)
        }

        if (exp.read.lines) assert.deepEqual(got.payloads.map(p => p.line), exp.read.lines)
      })

      it('yields the expected requests', () => {
        assert.deepEqual(got.all.requests, exp.requests)
      })

      it('yields the expected statuses', () => {
        assert.deepEqual(got.all.statuses, exp.statuses)
      })

      it('reports near misses and Meta errors', () => {
        assert.deepEqual(got.all.nearMisses, exp.nearMisses)
        assert.deepEqual(got.all.issues, exp.issues)
      })

      it('counts what it read and what it ignored', () => {
        assert.deepEqual(got.all.counts, exp.counts)
      })

      it('dedupes redeliveries', () => {
        assert.equal(dedupeByWamid(got.all.requests).length, exp.uniqueRequests)
        assert.equal(dedupeStatuses(got.all.statuses).length, exp.uniqueStatuses)
      })

      if (exp.delivery) {
        it('folds statuses into the expected delivery states', () => {
          assert.deepEqual(Object.fromEntries(foldStatuses(got.all.statuses)), exp.delivery)
        })
      }
    })
  }
})

import fc from 'fast-check'
import {strict as assert} from 'node:assert'

import {
  ArrayStore, BatchMerge, IncomingBatch, type IncomingRequest, requestId, requestRecord,
} from '../../../src/core/requests/merge.js'
import {REQUEST_STATUSES, type RequestRecord} from '../../../src/core/requests/types.js'

const NOW = '2026-11-29T18:00:00+01:00'
const PHONES = ['+393331110001', '+393331110002', '+393331110003', null]
// Few distinct times, so that ties (broken by id) happen.
const TIMES = ['2026-03-01T09:00:00+01:00', '2026-03-01T09:00:00+01:00', '2026-03-02T10:30:00+01:00', '2026-07-01T08:00:00+02:00']

/** The merge as it was before it streamed: the whole list in memory, sorted per phone. The oracle. */
function oracle(stored: RequestRecord[], incoming: RequestRecord[], now: string) {
  const list = structuredClone(stored)
  const known = new Set(list.map(r => r.id))
  const added: RequestRecord[] = []
  let duplicates = 0
  for (const r of incoming) {
    if (known.has(r.id)) {
      duplicates++
      continue
    }

    const record = {...r, importedAt: now}
    list.push(record)
    added.push(record)
  }

  const phones = new Set(added.map(r => r.phone).filter(p => p !== null))
  const byTime = (a: RequestRecord, b: RequestRecord) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || (a.id < b.id ? -1 : 1)
  const groups = new Map<string, number[]>()
  for (const [i, r] of list.entries()) {
    if (r.status !== 'pending' || r.phone === null || !phones.has(r.phone)) continue
    groups.set(r.phone, [...(groups.get(r.phone) ?? []), i])
  }

  const superseded: {before: RequestRecord; by: string}[] = []
  for (const idx of groups.values()) {
    idx.sort((a, b) => byTime(list[a], list[b]))
    const newest = list[idx.at(-1)!]
    for (const i of idx.slice(0, -1)) {
      superseded.push({before: list[i], by: newest.id})
      list[i] = {
        ...list[i], decidedAt: now, decidedBy: 'cerveno-info', reason: newest.id, status: 'superseded',
      }
    }
  }

  return {
    added, duplicates, list, superseded,
  }
}

const incomingArb = fc.record({
  action: fc.constantFrom('ON' as const, 'OFF' as const),
  identity: fc.integer({max: 40, min: 0}).map(n => `m${n}`),
  name: fc.option(fc.constantFrom('Paolo Rossi', 'Anna "Nina" Bianchi', 'Riga\ndue'), {nil: null}),
  phone: fc.constantFrom(...PHONES),
  receivedAt: fc.constantFrom(...TIMES),
})
const toIncoming = (x: {action: 'OFF' | 'ON'; identity: string; name: null | string; phone: null | string; receivedAt: string}): IncomingRequest => ({
  ...x, rawText: `Servizio Info ${x.action}`, source: `chat.txt:${x.identity}`,
})

const storedArb = fc.array(
  fc.tuple(incomingArb, fc.constantFrom(...REQUEST_STATUSES)).map(([x, status]) => ({
    ...requestRecord(toIncoming(x)), importedAt: TIMES[0], status,
  })),
  {maxLength: 12},
).map(rows => rows.filter((r, i) => rows.findIndex(o => o.id === r.id) === i))

describe('request merge (streamed)', () => {
  it('adds, counts duplicates and supersedes exactly as the whole-list merge does (property)', () => {
    fc.assert(
      fc.property(storedArb, fc.array(incomingArb, {maxLength: 16}), (stored, found) => {
        const batch = new IncomingBatch(new ArrayStore())
        for (const x of found) batch.add(toIncoming(x))
        const incoming = [...batch.records()]
        const expected = oracle(stored, incoming, NOW)
        const storedCopy = structuredClone(stored)
        const m = new BatchMerge(() => storedCopy, batch, NOW)

        assert.deepEqual([...m.rows()], expected.list)
        assert.deepEqual([...m.newRequests()], expected.added)
        assert.equal(m.added, expected.added.length)
        assert.equal(m.duplicates, expected.duplicates + (found.length - incoming.length))
        assert.equal(m.superseded, expected.superseded.length)
        assert.equal(m.unresolvedPhones, expected.added.filter(r => r.phone === null).length)
        const key = (s: {before: RequestRecord; by: string}) => `${s.before.id}>${s.by}`
        assert.deepEqual([...m.supersessions()].map(s => key(s)).sort(), expected.superseded.map(s => key(s)).sort())
        assert.deepEqual(
          [...m.supersessions()].map(s => s.before),
          expected.superseded.map(s => s.before).sort((a, b) => expected.list.findIndex(r => r.id === a.id) - expected.list.findIndex(r => r.id === b.id)),
          'stored rows first, then new requests, each in table order',
        )
        // Appending the new rows is right exactly when no stored row changes.
        assert.equal(m.changesStored, expected.list.slice(0, stored.length).some((r, i) => r.status !== stored[i].status))
        if (!m.changesStored) assert.deepEqual([...stored, ...m.newRows()], expected.list)
        assert.deepEqual(storedCopy, stored, 'the stored rows are not changed in place')
      }),
      {numRuns: 1000},
    )
  })

  it('a batch takes back what a failed file added; duplicates within the batch are counted once found', () => {
    const batch = new IncomingBatch(new ArrayStore())
    const req = (identity: string) => toIncoming({
      action: 'ON', identity, name: 'Paolo Rossi', phone: PHONES[0], receivedAt: TIMES[0],
    })
    batch.add(req('a'))
    const mark = batch.mark()
    batch.add(req('b'))
    batch.add(req('a'))
    assert.equal(batch.duplicates, 1)
    batch.rollback(mark)
    assert.deepEqual([...batch.records()].map(r => r.id), [requestId('a')])
    assert.equal(batch.duplicates, 0)
    batch.add(req('b'))
    assert.deepEqual([...batch.records()].map(r => r.id), [requestId('a'), requestId('b')], 'b is new again after the rollback')
  })
})

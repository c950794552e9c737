import {strict as assert} from 'node:assert'
import {
  appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync,
} from 'node:fs'
import path from 'node:path'

import {InboxWriter} from '../../src/io/inbox-writer.js'
import {inboxSources, nextInboxState} from '../../src/io/webhook-inbox.js'
import {tempDir} from '../helpers/cli.js'

async function read(dataDir: string, state?: Parameters<typeof inboxSources>[1]) {
  const sources = await inboxSources(dataDir, state)
  const payloads: unknown[] = []
  for (const s of sources) for await (const item of s.items(16)) if (item.kind === 'payload') payloads.push(item.payload)
  return {payloads, sources}
}

describe('webhook inbox (io)', () => {
  let dir: string
  let cleanup: () => void
  let inbox: string

  beforeEach(() => {
    ({cleanup, dir} = tempDir())
    inbox = path.join(dir, 'webhook')
    mkdirSync(inbox)
  })

  afterEach(() => cleanup())

  it('reads whole lines only, from the last position, and skips lines that are not JSON', async () => {
    const file = path.join(inbox, '2026-12-07.ndjson')
    writeFileSync(file, '{"n":1}\nnot json\n\n{"n":2}\n{"n":3,"torn')
    const first = await read(dir)
    assert.deepEqual(first.payloads, [{n: 1}, {n: 2}])
    assert.deepEqual(first.sources[0].skipped, [2])
    const state = nextInboxState(undefined, first.sources, new Set(['2026-12-07.ndjson']))
    assert.deepEqual(state.files['2026-12-07.ndjson'], {line: 4, offset: 26})

    // The writer finishes the line: now it is read, with the next one, and only those.
    appendFileSync(file, '":1}\n{"n":4}\n')
    const second = await read(dir, state)
    assert.deepEqual(second.payloads, [{n: 3, torn: 1}, {n: 4}])
    assert.deepEqual(second.sources[0].position, {line: 6, offset: readFileSync(file).length})
  })

  it('positions: a replaced file is read again from the start, a position moved by another import never goes back, gone files are forgotten', async () => {
    const file = path.join(inbox, '2026-12-08.ndjson')
    writeFileSync(file, '{"a":1}\n')
    const stale = {files: {'2026-01-01.ndjson': {line: 1, offset: 8}, '2026-12-08.ndjson': {line: 9, offset: 999}}}
    const replaced = await read(dir, stale)
    assert.deepEqual(replaced.payloads, [{a: 1}])
    const present = new Set(['2026-12-08.ndjson'])
    assert.deepEqual(nextInboxState(stale, replaced.sources, present), {files: {'2026-12-08.ndjson': {line: 1, offset: 8}}})
    // Another import committed 999 after this one saw 8: keep 999.
    const fresh = await read(dir, {files: {'2026-12-08.ndjson': {line: 0, offset: 0}}})
    assert.deepEqual(nextInboxState(stale, fresh.sources, present).files['2026-12-08.ndjson'], {line: 9, offset: 999})
  })

  it('each line goes to the file of its day of receipt (local time), a new file private', async () => {
    const writer = new InboxWriter(inbox)
    await writer.open()
    await Promise.all([
      writer.append(Buffer.from('{"d":1}'), new Date(2026, 11, 7, 23, 59, 59)),
      writer.append(Buffer.from('{"d":2}'), new Date(2026, 11, 8, 0, 0, 1)),
    ])
    await writer.append(Buffer.from('{"d":3}'), new Date(2026, 11, 7, 23, 59, 59, 500))
    await writer.close()
    assert.equal(readFileSync(path.join(inbox, '2026-12-07.ndjson'), 'utf8'), '{"d":1}\n{"d":3}\n')
    assert.equal(readFileSync(path.join(inbox, '2026-12-08.ndjson'), 'utf8'), '{"d":2}\n')
    if (process.platform !== 'win32') assert.equal(statSync(path.join(inbox, '2026-12-08.ndjson')).mode & 0o777, 0o600)
  })

  it('group commit: concurrent appends share syncs, every line lands once, in order', async () => {
    const writer = new InboxWriter(inbox, () => 'day.ndjson')
    await writer.open()
    const at = new Date()
    await Promise.all(Array.from({length: 200}, (_, i) => writer.append(Buffer.from(`{"i":${i}}`), at)))
    await writer.close()
    const lines = readFileSync(path.join(inbox, 'day.ndjson'), 'utf8').split('\n')
    assert.deepEqual(lines, [...Array.from({length: 200}, (_, i) => `{"i":${i}}`), ''])
    assert.ok(writer.syncs < 200 && writer.syncs >= 1, `syncs ${writer.syncs}`)
  })
})

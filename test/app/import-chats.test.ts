import {strict as assert} from 'node:assert'
import {writeFileSync} from 'node:fs'
import path from 'node:path'

import {ChatBatch, type ChatSink} from '../../src/app/import-chats.js'
import {type IncomingRequest} from '../../src/core/requests/merge.js'
import {readChatFile} from '../../src/io/chat-file.js'
import {tempDir} from '../helpers/cli.js'

const SETTINGS = {
  defaultCountry: 'IT', keyword: 'Servizio Info', latestMs: Date.parse('2026-12-08T00:00:00Z'), phone: null, selfNames: [],
}

describe('ChatBatch: the chats of one import, one file at a time', () => {
  let cleanup: () => void
  let dir: string
  let requests: IncomingRequest[]
  let sink: ChatSink

  beforeEach(() => {
    ({cleanup, dir} = tempDir())
    requests = []
    sink = {
      addRequest: r => requests.push(r), keepNearMisses: false, nearMisses: [], results: [],
    }
  })

  afterEach(() => cleanup())

  async function take(batch: ChatBatch, name: string, text: string): Promise<string> {
    const file = path.join(dir, name)
    writeFileSync(file, text)
    const read = await readChatFile(file)
    assert.ok(read.ok)
    batch.take(file, read.container, read.chats)
    return file
  }

  it('extracts a chat that decides its own order at once, and holds one that cannot until finish()', async () => {
    const batch = new ChatBatch(SETTINGS, sink)
    await take(batch, 'incerta.txt', '04/02/25, 18:45 - +39 347 765 4321: Servizio Info ON Anna Bianchi\n')
    assert.deepEqual([requests.length, sink.results.length], [0, 0], 'waiting for the vote')
    await take(batch, 'decisa.txt', '4/13/25, 18:45 - +39 347 765 0000: Servizio Info ON Paolo Neri\n')
    assert.deepEqual(requests.map(r => r.name), ['Paolo Neri'])
    await batch.finish()
    assert.deepEqual(requests.map(r => [r.name, r.receivedAt]), [['Paolo Neri', '2025-04-13T18:45:00+02:00'], ['Anna Bianchi', '2025-04-02T18:45:00+02:00']])
    assert.deepEqual(sink.results.map(r => [path.basename(r.path), r.dateOrder?.reason]), [['decisa.txt', 'field-over-12'], ['incerta.txt', 'batch']])
  })

  it('a waiting chat changed or removed before it is read again contributes nothing, and says so', async () => {
    const batch = new ChatBatch(SETTINGS, sink)
    const changed = await take(batch, 'cambiata.txt', '04/02/25, 18:45 - +39 347 765 4321: Servizio Info ON Anna Bianchi\n')
    const removed = await take(batch, 'tolta.txt', '05/02/25, 18:45 - +39 347 765 1111: Servizio Info ON Lia Rossi\n')
    writeFileSync(changed, '04/02/25, 18:45 - +39 347 765 4321: Servizio Info ON Anna Bianchi Verdi\n')
    writeFileSync(removed, '')
    await batch.finish()
    assert.deepEqual(requests, [])
    assert.deepEqual(sink.results.map(r => [path.basename(r.path), r.error?.code, r.requests]), [
      ['cambiata.txt', 'chat-file:changed', 0],
      ['tolta.txt', 'chat-file:changed', 0],
    ])
  })
})

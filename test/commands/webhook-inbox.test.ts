import {strict as assert} from 'node:assert'
import {readdirSync, readFileSync} from 'node:fs'
import http from 'node:http'
import path from 'node:path'

import {runJson} from '../helpers/cli.js'
import {freshDataDirEach} from '../helpers/each.js'
import {type FakeCloudApi, startFakeCloudApi} from '../helpers/fake-cloud-api.js'
import {postSigned, type Receiver, startReceiver} from '../helpers/receiver.js'
import {seedSubscribers} from '../helpers/seed.js'
import {inboundEnvelope} from '../helpers/webhooks.js'
import {apiEnv, writeNotice} from './broadcast.helpers.js'

interface ImportJson {
  deliveryStatuses: {duplicates: number; stored: number}
  files: {messages: number; path: string}[]
  newRequests: number
  statuses: number
}

interface Req {
  source: string
}

/** wamid → how many inbox lines carry it. */
function inboxCounts(dataDir: string): Map<string, number> {
  const dir = path.join(dataDir, 'webhook')
  const counts = new Map<string, number>()
  for (const name of readdirSync(dir)) {
    for (const line of readFileSync(path.join(dir, name), 'utf8').split('\n')) {
      if (line === '') continue
      const id = JSON.parse(line).entry[0].changes[0].value.messages[0].id as string
      counts.set(id, (counts.get(id) ?? 0) + 1)
    }
  }

  return counts
}

const message = (i: number, prefix = 'wamid.K') => JSON.stringify(inboundEnvelope([{
  body: `Servizio Info ON Cittadino ${i}`, from: `39333${String(i).padStart(7, '0')}`, id: `${prefix}${i}`, ts: 1_760_000_000 + i,
}]))

async function stop(rx: Receiver): Promise<void> {
  rx.child.kill('SIGTERM')
  assert.equal((await rx.exited).code, 0, rx.stderr())
}

describe('import with no path: the receiver\'s inbox (CLI)', () => {
  let dataDir: string
  let root: string
  freshDataDirEach(f => {
    ({dataDir, root} = f)
  })

  it('SIGKILL during a burst: every POST answered 200 is in the inbox once; imports read each line once', async () => {
    const rx = await startReceiver(dataDir)
    const agent = new http.Agent({keepAlive: true, maxSockets: 24})
    const total = 600
    const killAfter = 200
    const answered: string[] = []
    let next = 0
    let killed = false
    const worker = async () => {
      while (next < total && !killed) {
        const i = next++
        try {
          const r = await postSigned(rx.url, message(i), {agent})
          if (r.status === 200) answered.push(`wamid.K${i}`)
        } catch {
          // The connection died with the process: no answer, no promise.
        }

        if (answered.length >= killAfter && !killed) {
          killed = true
          rx.child.kill('SIGKILL')
        }
      }
    }

    await Promise.all(Array.from({length: 24}, () => worker()))
    agent.destroy()
    assert.equal((await rx.exited).signal, 'SIGKILL')
    assert.ok(answered.length >= killAfter)

    const counts = inboxCounts(dataDir)
    for (const id of answered) assert.equal(counts.get(id), 1, id)
    for (const n of counts.values()) assert.equal(n, 1)

    const first = await runJson<ImportJson>(['import'], dataDir)
    assert.equal(first.code, 0, first.stderr)
    assert.equal(first.json.newRequests, counts.size)
    const sources = new Set((await runJson<Req[]>(['requests'], dataDir)).json.map(q => q.source))
    for (const id of answered) assert.ok(sources.has(id), id)

    const second = await runJson<ImportJson>(['import'], dataDir)
    assert.equal(second.json.newRequests, 0)
    assert.equal(second.json.files.reduce((a, f) => a + f.messages, 0), 0)

    // Lines appended after an import are the only ones the next import reads.
    const again = await startReceiver(dataDir)
    for (let i = 0; i < 5; i++) assert.equal((await postSigned(again.url, message(i, 'wamid.L'))).status, 200)
    await stop(again)
    const third = await runJson<ImportJson>(['import'], dataDir)
    assert.equal(third.json.newRequests, 5)
    assert.equal(third.json.files.reduce((a, f) => a + f.messages, 0), 5)
    const state = JSON.parse(readFileSync(path.join(dataDir, '.stato.json'), 'utf8'))
    const [position] = Object.values(state.values.webhookInbox.files) as Array<{line: number; offset: number}>
    assert.equal(position.line, counts.size + 5)
  })

  it('the whole loop: broadcast, status webhooks posted to the receiver, import, broadcast show says delivered and read', async () => {
    let fake: FakeCloudApi | undefined
    let rx: Receiver | undefined
    try {
      fake = await startFakeCloudApi()
      const phones = seedSubscribers(dataDir, 6)
      const sent = await runJson<{id: string; sent: number}>(['broadcast', '--file', writeNotice(root), '--yes'], dataDir, {env: apiEnv(fake)})
      assert.equal(sent.code, 0, sent.stderr)
      assert.equal(sent.json.sent, 6)

      rx = await startReceiver(dataDir)
      const envelopes = fake.statusWebhooks({statusesPerEnvelope: 4})
      // Meta delivers in no order and with duplicates.
      for (const envelope of [...envelopes].reverse()) assert.equal((await postSigned(rx.url, JSON.stringify(envelope))).status, 200)
      assert.equal((await postSigned(rx.url, JSON.stringify(envelopes[0]))).status, 200)
      await stop(rx)

      const imported = await runJson<ImportJson>(['import'], dataDir)
      assert.equal(imported.code, 0, imported.stderr)
      assert.equal(imported.json.statuses, 6 * 3 + 4)
      assert.equal(imported.json.deliveryStatuses.stored, 18)

      const show = await runJson<{recipients: Array<{delivery: null | string; phone: string}>; totals: Record<string, number>}>(['broadcast', 'show', sent.json.id], dataDir)
      assert.equal(show.code, 0, show.stderr)
      assert.deepEqual([show.json.totals.sent, show.json.totals.delivered, show.json.totals.read], [6, 6, 6])
      assert.deepEqual(show.json.recipients.map(r => [r.phone, r.delivery]).sort(), phones.map(p => [p, 'read']).sort())
    } finally {
      if (rx && rx.child.exitCode === null) rx.child.kill('SIGKILL')
      await fake?.close()
    }
  })
})

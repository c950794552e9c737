import {strict as assert} from 'node:assert'
import {
  appendFileSync, copyFileSync, mkdirSync, readdirSync, readFileSync,
} from 'node:fs'
import path from 'node:path'

import {recordDeliveryStatuses} from '../../src/app/broadcast.js'
import {extractFromPayload, type StatusEvent} from '../../src/core/webhook/index.js'
import {DataFolder} from '../../src/io/data-folder.js'
import {
  freshDataDir, runCli, runJson, spawnCli,
} from '../helpers/cli.js'
import {
  FAKE_TOKEN, type FakeCloudApi, type RecordedRequest, startFakeCloudApi, statusWebhooksFor,
} from '../helpers/fake-cloud-api.js'
import {
  apiEnv,
  assertEveryIntentHasOutcome,
  assertSecretAbsent,
  journal,
  runIds,
  seedSubscribers,
  writeNotice,
} from './broadcast.helpers.js'

interface Report {
  recipients: Array<{outcome: string; phone: string}>
  status: string
  totals: {failed: number; pending: number; sent: number; uncertain: number}
}

function copyTree(from: string, to: string): void {
  mkdirSync(to, {recursive: true})
  for (const entry of readdirSync(from, {withFileTypes: true})) {
    if (entry.isDirectory()) copyTree(path.join(from, entry.name), path.join(to, entry.name))
    else copyFileSync(path.join(from, entry.name), path.join(to, entry.name))
  }
}

/** Accepted requests per recipient (E.164) among `requests`. */
function accepted(requests: readonly RecordedRequest[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const r of requests) if (r.outcome.kind === 'accepted') counts.set(`+${r.to}`, (counts.get(`+${r.to}`) ?? 0) + 1)
  return counts
}

/** The status webhooks Meta would have posted for these requests, as the importer extracts them. */
function statusEvents(requests: readonly RecordedRequest[]): StatusEvent[] {
  return statusWebhooksFor(requests).flatMap(envelope =>
    extractFromPayload(envelope, {defaultCountry: 'IT', keyword: 'Servizio Info', source: 'test'}).statuses)
}

describe('broadcast interrupted (CLI): Ctrl-C and SIGKILL', function () {
  this.timeout(600_000)
  let dataDir: string
  let root: string
  let cleanup: () => void
  let fake: FakeCloudApi
  let outputs: string[]

  beforeEach(async () => {
    ({cleanup, dataDir, root} = await freshDataDir())
    outputs = []
  })

  afterEach(async () => {
    await fake?.close()
    cleanup()
  })

  it('Ctrl-C: in-flight requests finish, the journal is closed, the resume command is printed, exit 130', async () => {
    const phones = seedSubscribers(dataDir, 150)
    fake = await startFakeCloudApi({latencyMs: 150})
    const child = spawnCli(['broadcast', '--file', writeNotice(root), '--yes', '--rate', '40'], dataDir, {env: apiEnv(fake)})
    let stderr = ''
    let stdout = ''
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
    })
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
    })
    const exit = new Promise<null | number>(resolve => {
      child.on('close', code => resolve(code))
    })
    // Interrupt while requests are in flight (each answer takes 150 ms).
    while (fake.requests.length < 20) await new Promise(r => setTimeout(r, 10))
    child.kill('SIGINT')
    assert.equal(await exit, 130, stderr)
    outputs.push(stdout, stderr)
    const [id] = runIds(dataDir)
    assert.match(stderr, new RegExp(`cerveno-info broadcast --resume ${id}`))
    assertEveryIntentHasOutcome(dataDir, id)
    const records = journal(dataDir, id)
    assert.deepEqual(records.at(-1)?.reason, 'interrupted')
    // Every request the server answered is in the journal as sent, and nothing more.
    const sentInJournal = records.filter(r => r.result === 'sent').length
    assert.equal(sentInJournal, fake.accepted().length)
    assert.ok(sentInJournal < 150)

    const list = await runJson<Array<{status: string}>>(['broadcast', 'list'], dataDir)
    assert.equal(list.json[0].status, 'interrupted')
    // A torn last line (as a process killed mid-append leaves) is cut on resume.
    const file = path.join(dataDir, 'invii', id, 'giornale.jsonl')
    appendFileSync(file, '{"at":"2026-01-01T00:00:00+01:00","attempt":"x')
    const resumed = await runJson<{sent: number; skipped: number}>(['broadcast', '--resume', id, '--yes', '--rate', '200'], dataDir, {env: apiEnv(fake)})
    outputs.push(resumed.stdout, resumed.stderr)
    assert.equal(resumed.code, 0, resumed.stderr)
    assert.equal(resumed.json.sent + resumed.json.skipped, 150)
    const counts = accepted(fake.requests)
    assert.deepEqual([...counts.keys()].sort(), [...phones].sort())
    assert.ok([...counts.values()].every(n => n === 1))
    for (const line of readFileSync(file, 'utf8').split('\n').filter(l => l !== '')) JSON.parse(line)
    assertSecretAbsent(FAKE_TOKEN, dataDir, outputs)
  })

  it('SIGKILL at random moments (at least 20 times), each followed by --resume: everyone gets it, duplicates only among the uncertain', async function () {
    const n = 600
    const phones = seedSubscribers(dataDir, n)
    // Answers take 0–40 ms, so requests are in flight whenever the kill lands.
    fake = await startFakeCloudApi({latencyMs: (_r, i) => (i * 7919) % 41})
    const env = apiEnv(fake)
    const file = writeNotice(root)
    const t0 = Date.now()
    const probe = await runCli(['broadcast', '--file', file, '--dry-run'], dataDir, {env})
    assert.equal(probe.code, 0)
    const startupMs = Date.now() - t0

    let id: string | undefined
    let kills = 0
    let killedWhileSending = 0
    let completed = false
    for (let round = 0; round < 60 && !completed; round++) {
      const args = id === undefined ? ['broadcast', '--file', file, '--yes', '--rate', '50'] : ['broadcast', '--resume', id, '--yes', '--rate', '50']
      const before = fake.requests.length
      const child = spawnCli(args, dataDir, {env})
      let out = ''
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d
      })
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        out += d
      })
      const delay = Math.floor(startupMs * 0.6 + Math.random() * (startupMs * 0.6 + 900))

      const outcome = await new Promise<{code: null | number; signal: NodeJS.Signals | null}>(resolve => {
        const timer = setTimeout(() => child.kill('SIGKILL'), delay)
        child.on('close', (code, signal) => {
          clearTimeout(timer)
          resolve({code, signal})
        })
      })
      outputs.push(out)
      if (outcome.signal === 'SIGKILL') {
        kills++
        if (fake.requests.length > before) killedWhileSending++
      } else {
        assert.equal(outcome.code, 0, out)
        completed = kills >= 20
      }

      id ??= runIds(dataDir).find(x => journal(dataDir, x).length > 0)
      // Invariant after every kill: nobody received it twice (nothing is ever resent blindly).
      assert.ok([...accepted(fake.requests).values()].every(c => c === 1), `duplicate after round ${round}`)
      if (kills >= 20 && !completed) {
        // Enough kills: let the next resume run to the end.

        const last = await runCli(['broadcast', '--resume', id!, '--yes', '--rate', '200'], dataDir, {env})
        outputs.push(last.stdout, last.stderr)
        assert.equal(last.code, 0, last.stderr)
        completed = true
      }
    }

    assert.ok(kills >= 20, `only ${kills} kills`)
    this.test!.title += ` (${kills} kills, ${killedWhileSending} while sending)`
    assert.ok(id)

    // The journal's view: nobody pending or failed; sent ⇒ received exactly once; uncertain ⇒ at most once.
    const report = (await runJson<Report>(['broadcast', 'show', id], dataDir)).json
    assert.equal(report.totals.pending, 0)
    assert.equal(report.totals.failed, 0)
    const counts = accepted(fake.requests)
    const uncertain = new Set(report.recipients.filter(r => r.outcome === 'uncertain').map(r => r.phone))
    for (const r of report.recipients) {
      if (r.outcome === 'sent') assert.equal(counts.get(r.phone), 1, r.phone)
      else assert.equal(r.outcome, 'uncertain')
    }

    const requestsBefore = [...fake.requests]

    // (1) Resending the uncertain blindly: everyone has it, and only uncertain recipients may have it twice.
    const blind = path.join(root, 'copia')
    copyTree(dataDir, blind)
    const copy = await runJson<{uncertain: number}>(['broadcast', '--resume', id, '--retry-uncertain', '--yes', '--rate', '200'], blind, {env})
    outputs.push(copy.stdout, copy.stderr)
    assert.equal(copy.code, 0, copy.stderr)
    const afterBlind = accepted(fake.requests)
    const twice = phones.filter(p => (afterBlind.get(p) ?? 0) > 1).length
    this.test!.title += ` (${uncertain.size} uncertain, ${twice} of them received it twice when resent blindly)`
    for (const phone of phones) {
      const c = afterBlind.get(phone) ?? 0
      assert.ok(c >= 1, `${phone} never received it`)
      if (c > 1) assert.ok(uncertain.has(phone), `${phone} received it ${c} times but was not uncertain`)
    }

    // (2) Reconciling first with the status webhooks (attempt id echoed): then exactly once for everyone.
    const result = await recordDeliveryStatuses(new DataFolder(dataDir), statusEvents(requestsBefore))
    assert.equal(result.unmatched, 0)
    const mark = fake.requests.length
    const final = await runJson<{sent: number}>(['broadcast', '--resume', id, '--retry-uncertain', '--yes', '--rate', '200'], dataDir, {env})
    outputs.push(final.stdout, final.stderr)
    assert.equal(final.code, 0, final.stderr)
    const total = accepted([...requestsBefore, ...fake.requests.slice(mark)])
    assert.deepEqual([...total.keys()].sort(), [...phones].sort())
    assert.ok([...total.values()].every(c => c === 1), 'someone received it twice after reconciliation')
    const done = (await runJson<Report>(['broadcast', 'show', id], dataDir)).json
    assert.deepEqual([done.totals.sent, done.totals.uncertain, done.totals.pending], [n, 0, 0])
    assertSecretAbsent(FAKE_TOKEN, dataDir, outputs)
  })
})

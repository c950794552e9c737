import {strict as assert} from 'node:assert'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import path from 'node:path'

import {type BroadcastResult} from '../../src/app/broadcast.js'
import {withLock} from '../../src/io/lock.js'
import {
  FIXTURES, freshDataDir, runCli, runJson, type RunResult, spawnCli,
} from '../helpers/cli.js'
import {
  FAKE_PHONE_NUMBER_ID,
  FAKE_TOKEN,
  FAKE_VERSION,
  type FakeCloudApi,
  type FakeCloudApiOptions,
  graphError,
  startFakeCloudApi,
} from '../helpers/fake-cloud-api.js'
import {
  acceptedCounts,
  apiEnv,
  assertEveryIntentHasOutcome,
  assertPrivate,
  assertSecretAbsent,
  journal,
  NOTICE,
  NOTICE_FLAT,
  phoneOf,
  runIds,
  seedSubscribers,
  writeNotice,
} from './broadcast.helpers.js'

type Result = BroadcastResult

interface ErrorDoc {
  error: {code: string; exitCode: number; message: string}
}

interface ListItem {
  dryRun: boolean
  failed: number
  finishedAt: null | string
  id: string
  recipients: number
  sent: number
  startedAt: string
  status: string
  test: boolean
  uncertain: number
}

interface Report {
  id: string
  recipients: Array<{delivery: null | string; errorCode: null | number; outcome: string; phone: string; wamid: null | string}>
  status: string
  totals: {delivered: number; failed: number; pending: number; read: number; sent: number; uncertain: number}
}

const RESULT_KEYS = ['dryRun', 'durationMs', 'failed', 'id', 'recipients', 'sent', 'skipped', 'uncertain']
const LIST_KEYS = ['dryRun', 'failed', 'finishedAt', 'id', 'recipients', 'sent', 'startedAt', 'status', 'test', 'uncertain']
const NEW_TOKEN = 'renewed-token-for-tests-0002'

describe('broadcast (CLI against a local fake Cloud API)', function () {
  this.timeout(120_000)
  let dataDir: string
  let root: string
  let cleanup: () => void
  let fake: FakeCloudApi
  /** Everything the CLI printed in the current test, scanned for the token at the end. */
  let outputs: string[]

  async function start(options: FakeCloudApiOptions = {}): Promise<FakeCloudApi> {
    fake = await startFakeCloudApi(options)
    return fake
  }

  function keep<T extends RunResult>(r: T): T {
    outputs.push(r.stdout, r.stderr)
    return r
  }

  const cli = async (args: string[], env: NodeJS.ProcessEnv = apiEnv(fake)) => keep(await runCli(args, dataDir, {env}))
  const json = async <T>(args: string[], env: NodeJS.ProcessEnv = apiEnv(fake)) => keep(await runJson<T>(args, dataDir, {env}))
  const show = async (id: string) => (await json<Report>(['broadcast', 'show', id])).json

  beforeEach(async () => {
    ({cleanup, dataDir, root} = await freshDataDir())
    outputs = []
  })

  afterEach(async function () {
    // On every path, success or error: the token is nowhere.
    if (this.currentTest?.state === 'passed') {
      assertSecretAbsent(FAKE_TOKEN, dataDir, outputs)
      assertSecretAbsent(NEW_TOKEN, dataDir, outputs)
    }

    await fake?.close()
    cleanup()
  })

  it('200 recipients: exactly one request each, right body and Authorization, every intent has its outcome', async () => {
    const phones = seedSubscribers(dataDir, 200, 7)
    await start()
    const r = await json<Result>(['broadcast', '--file', writeNotice(root), '--yes', '--rate', '1000'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(Object.keys(r.json).sort(), RESULT_KEYS)
    const {id} = r.json
    assert.deepEqual({...r.json, durationMs: 0}, {
      dryRun: false, durationMs: 0, failed: 0, id, recipients: 200, sent: 200, skipped: 0, uncertain: 0,
    })

    assert.equal(fake.requests.length, 200)
    const counts = acceptedCounts(fake)
    assert.deepEqual([...counts.keys()].sort(), [...phones].sort())
    assert.ok([...counts.values()].every(n => n === 1))
    const attemptIds = new Set<string>()
    for (const req of fake.requests) {
      assert.equal(req.method, 'POST')
      assert.equal(req.path, `/${FAKE_VERSION}/${FAKE_PHONE_NUMBER_ID}/messages`)
      assert.equal(req.authorization, `Bearer ${FAKE_TOKEN}`)
      const {biz_opaque_callback_data: callback, ...body} = req.body as Record<string, unknown>
      assert.deepEqual(body, {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        template: {
          components: [{parameters: [{text: NOTICE_FLAT, type: 'text'}], type: 'body'}],
          language: {code: 'it', policy: 'deterministic'},
          name: 'avviso_servizio_info',
        },
        to: req.to,
        type: 'template',
      })
      assert.match(String(callback), new RegExp(`^${id}:\\d+:1$`))
      attemptIds.add(String(callback))
    }

    assert.equal(attemptIds.size, 200)
    assertEveryIntentHasOutcome(dataDir, id)
    const records = journal(dataDir, id)
    const wamids = new Set(fake.accepted().map(a => (a.outcome as {wamid: string}).wamid))
    const sent = records.filter(x => x.type === 'outcome' && x.result === 'sent')
    assert.equal(sent.length, 200)
    assert.ok(sent.every(x => wamids.has(x.wamid as string) && x.attempts === 1))
    assert.deepEqual(
      records.filter(x => x.type === 'end').map(x => x.reason),
      ['completed'],
    )

    // The manifest says what was sent; the snapshot holds the 200 active subscribers only.
    const manifest = JSON.parse(readFileSync(path.join(dataDir, 'invii', id, 'invio.json'), 'utf8'))
    assert.equal(manifest.sentText, NOTICE_FLAT)
    assert.equal(manifest.notice.text, NOTICE)
    assert.deepEqual(manifest.template, {language: 'it', name: 'avviso_servizio_info'})
    assert.equal(manifest.test, false)
    const snapshot = readFileSync(path.join(dataDir, 'invii', id, 'destinatari.jsonl'), 'utf8').trim().split('\n')
    assert.deepEqual(snapshot.map(l => JSON.parse(l).phone), phones)
    assertPrivate(dataDir)

    const list = await json<ListItem[]>(['broadcast', 'list'])
    assert.equal(list.code, 0)
    assert.equal(list.json.length, 1)
    assert.deepEqual(Object.keys(list.json[0]).sort(), LIST_KEYS)
    assert.deepEqual(
      {...list.json[0], finishedAt: 'x', startedAt: 'x'},
      {
        dryRun: false, failed: 0, finishedAt: 'x', id, recipients: 200, sent: 200, startedAt: 'x', status: 'completed', test: false, uncertain: 0,
      },
    )
    assert.match(list.json[0].startedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/)
    const report = await show(id)
    assert.deepEqual(report.totals, {
      delivered: 0, failed: 0, pending: 0, read: 0, sent: 200, uncertain: 0,
    })
    assert.deepEqual(Object.keys(report.recipients[0]).sort(), ['delivery', 'errorCode', 'outcome', 'phone', 'wamid'])
    assert.deepEqual(report.recipients[0], {
      delivery: null, errorCode: null, outcome: 'sent', phone: phoneOf(0), wamid: sent.find(x => x.i === 0)!.wamid,
    })

    // The audit log records the start and the end of the run.
    const audit = readFileSync(path.join(dataDir, 'registro.jsonl'), 'utf8')
    assert.match(audit, /"action":"broadcast.start"/)
    assert.match(audit, /"action":"broadcast.end"/)
  })

  it('--dry-run prints the plan and the exact request (token redacted), opens no connection, sends nothing', async () => {
    seedSubscribers(dataDir, 3)
    // A bare TCP listener: any connection attempt at all would be counted.
    let connections = 0
    const listener = net.createServer(socket => {
      connections++
      socket.destroy()
    })
    await new Promise<void>(resolve => {
      listener.listen(0, '127.0.0.1', resolve)
    })
    await start()
    const env: NodeJS.ProcessEnv = {...apiEnv(fake), WHATSAPP_API_URL: `http://127.0.0.1:${(listener.address() as net.AddressInfo).port}`}
    try {
      // The preview first; the request JSON only with --verbose (or --json).
      const plain = await cli(['broadcast', '--file', writeNotice(root), '--dry-run'], env)
      assert.equal(plain.code, 0, plain.stderr)
      assert.doesNotMatch(plain.stdout, /Bearer|"messaging_product"/)
      assert.match(plain.stdout, /aggiungere --verbose/)
      const human = await cli(['broadcast', '--file', writeNotice(root), '--dry-run', '--verbose'], env)
      assert.equal(human.code, 0, human.stderr)
      assert.match(human.stdout, /Destinatari: 3 iscritti attivi/)
      assert.match(human.stdout, /Bearer \[REDACTED\]/)
      const request = JSON.parse(human.stdout.slice(human.stdout.indexOf('{'), human.stdout.lastIndexOf('}') + 1))
      assert.equal(request.method, 'POST')
      assert.match(request.url, new RegExp(`/${FAKE_VERSION}/${FAKE_PHONE_NUMBER_ID}/messages$`))
      assert.equal(request.body.template.components[0].parameters[0].text, NOTICE_FLAT)
      assert.equal(request.body.to, phoneOf(0).slice(1))
      const r = await json<Result>(['broadcast', '--file', writeNotice(root), '--dry-run'], env)
      assert.equal(r.code, 0)
      const {request: jsonRequest, ...summary} = r.json as Result & {request?: typeof request}
      assert.equal(jsonRequest?.body.template.components[0].parameters[0].text, NOTICE_FLAT)
      assert.equal(jsonRequest?.headers.Authorization, 'Bearer [REDACTED]')
      assert.deepEqual({...summary, id: 'x'}, {
        dryRun: true, durationMs: 0, failed: 0, id: 'x', recipients: 3, sent: 0, skipped: 0, uncertain: 0,
      })
      // No token needed for a dry run.
      const {WHATSAPP_TOKEN: _t, ...noToken} = env
      assert.equal((await cli(['broadcast', '--file', writeNotice(root), '--dry-run'], noToken)).code, 0)
    } finally {
      await new Promise(resolve => {
        listener.close(resolve)
      })
    }

    assert.equal(connections, 0)
    assert.equal(fake.requests.length, 0)
    const ids = runIds(dataDir)
    assert.equal(ids.length, 4)
    for (const id of ids) {
      assert.ok(!existsSync(path.join(dataDir, 'invii', id, 'giornale.jsonl')))
      assert.ok(!existsSync(path.join(dataDir, 'invii', id, 'destinatari.jsonl')))
    }

    const list = await json<ListItem[]>(['broadcast', 'list'])
    assert.deepEqual(
      list.json.map(x => [x.dryRun, x.status, x.recipients, x.sent]),
      [
        [true, 'dry-run', 3, 0],
        [true, 'dry-run', 3, 0],
        [true, 'dry-run', 3, 0],
        [true, 'dry-run', 3, 0],
      ],
    )
    const resume = await json<ErrorDoc>(['broadcast', '--resume', ids[0], '--yes'])
    assert.equal(resume.code, 4)
    assert.equal(resume.json.error.code, 'BROADCAST_NOT_RESUMABLE')
  })

  it('the bundled notice (fixtures/avviso.txt) is a valid template parameter', async () => {
    seedSubscribers(dataDir, 2)
    await start()
    const r = await json<Result>(['broadcast', '--file', path.join(FIXTURES, 'avviso.txt'), '--dry-run'])
    assert.equal(r.code, 0, r.stderr)
    const human = await cli(['broadcast', '--file', path.join(FIXTURES, 'avviso.txt'), '--dry-run'])
    assert.match(human.stdout, /COMUNE DI CERVENO\. Provincia di Brescia\. AVVISO ALLA CITTADINANZA\. Sospensione dell'erogazione dell'acqua potabile\. Si informa/)
    assert.match(human.stdout, /è stato aggiunto "\. " \(4 volte\)/)
    assert.equal(fake.requests.length, 0)
  })

  it('throttling (HTTP 429 and 400/130429) on part of the requests: everyone still gets exactly one message', async () => {
    const phones = seedSubscribers(dataDir, 60)
    const throttled = new Set([2, 3, 4, 20, 41])
    await start({
      hook(_req, n) {
        if (!throttled.has(n)) return
        const response = n % 2 === 0 ? graphError(429, 130_429, 'Rate limit hit') : graphError(400, 130_429, 'Rate limit hit')
        if (n === 20) response.headers = {'Retry-After': '1'}
        return response
      },
    })
    const r = await json<Result>(['broadcast', '--file', writeNotice(root), '--yes', '--rate', '200'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.json.sent, 60)
    assert.equal(fake.requests.length, 65)
    const counts = acceptedCounts(fake)
    assert.deepEqual([...counts.keys()].sort(), [...phones].sort())
    assert.ok([...counts.values()].every(n => n === 1))
    const rejected = journal(dataDir, r.json.id).filter(x => x.result === 'rejected')
    assert.equal(rejected.length, 5)
    assert.ok(rejected.every(x => x.code === 130_429))
    assertEveryIntentHasOutcome(dataDir, r.json.id)
  })

  it('5xx are retried within the limit; past the limit the recipient fails, and --retry-failed sends it later', async () => {
    seedSubscribers(dataDir, 12)
    await start({transient: {attempts: 2, code: 131_000, recipients: [phoneOf(3), phoneOf(7)]}})
    const r = await json<Result>(['broadcast', '--file', writeNotice(root), '--yes', '--rate', '100'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.json.sent, 12)
    const byPhone = (p: string) => fake.requests.filter(x => `+${x.to}` === p)
    assert.deepEqual(byPhone(phoneOf(3)).map(x => x.outcome.kind), ['error', 'error', 'accepted'])
    assert.ok([...acceptedCounts(fake).values()].every(n => n === 1))
    const last = journal(dataDir, r.json.id).filter(x => x.type === 'outcome' && x.i === 3)
    assert.deepEqual(last.map(x => [x.result, x.attempts]), [['rejected', 1], ['rejected', 2], ['sent', 3]])

    // Beyond the limit (131000 allows 3 retries): recorded failed, may be temporary.
    await fake.close();
    ({cleanup, dataDir, root} = await freshDataDirKeepingCleanup(cleanup))
    seedSubscribers(dataDir, 3)
    await start({transient: {attempts: 4, code: 131_000, recipients: [phoneOf(1)]}})
    const first = await json<Result>(['broadcast', '--file', writeNotice(root), '--yes', '--rate', '100'])
    assert.equal(first.code, 7, first.stderr)
    assert.deepEqual([first.json.sent, first.json.failed], [2, 1])
    const failed = (await show(first.json.id)).recipients.find(x => x.phone === phoneOf(1))!
    assert.equal(failed.outcome, 'failed')
    const retry = await json<Result>(['broadcast', '--retry-failed', first.json.id, '--yes'])
    assert.equal(retry.code, 0, retry.stderr)
    assert.deepEqual([retry.json.sent, retry.json.skipped], [1, 2])
    assert.ok([...acceptedCounts(fake).values()].every(n => n === 1))
    assert.equal(acceptedCounts(fake).size, 3)
  })

  it('131026 for two recipients: those two recorded as failed, the rest sent, exit 7; --retry-failed tries only them', async () => {
    seedSubscribers(dataDir, 30)
    const bad = [phoneOf(5), phoneOf(17)]
    await start({permanent: {code: 131_026, recipients: bad}})
    const r = await json<Result>(['broadcast', '--file', writeNotice(root), '--yes', '--rate', '500'])
    assert.equal(r.code, 7, r.stderr)
    assert.deepEqual({...r.json, durationMs: 0, id: ''}, {
      dryRun: false, durationMs: 0, failed: 2, id: '', recipients: 30, sent: 28, skipped: 0, uncertain: 0,
    })
    const report = await show(r.json.id)
    assert.deepEqual(report.totals, {
      delivered: 0, failed: 2, pending: 0, read: 0, sent: 28, uncertain: 0,
    })
    assert.deepEqual(
      report.recipients.filter(x => x.outcome === 'failed').map(x => [x.phone, x.errorCode, x.wamid]),
      bad.map(p => [p, 131_026, null]),
    )
    const human = await cli(['broadcast', 'show', r.json.id])
    assert.match(human.stdout, /non riuscito +messaggio non recapitabile.*\[131026\]/)

    const before = fake.requests.length
    const retry = await json<Result>(['broadcast', '--retry-failed', r.json.id, '--yes'])
    assert.equal(retry.code, 7)
    assert.deepEqual([retry.json.failed, retry.json.skipped], [2, 28])
    assert.deepEqual(
      fake.requests.slice(before).map(x => `+${x.to}`).sort(),
      [...bad].sort(),
    )
    // Nothing left for a plain resume.
    const resume = await json<Result>(['broadcast', '--resume', r.json.id, '--yes'])
    assert.equal(resume.code, 0)
    assert.deepEqual([resume.json.sent, resume.json.skipped], [0, 30])
  })

  it('token expiry (190) after 50 sends: exit 5 with what to do; --resume with a new token completes, nobody twice', async () => {
    const phones = seedSubscribers(dataDir, 120)
    await start({acceptedTokens: [FAKE_TOKEN, NEW_TOKEN], tokenExpiry: {afterSuccesses: 50}})
    const file = writeNotice(root)
    const r = await json<ErrorDoc>(['broadcast', '--file', file, '--yes', '--rate', '200'])
    assert.equal(r.code, 5, r.stderr)
    assert.equal(r.json.error.code, 'BROADCAST_FATAL')
    assert.match(r.json.error.message, /codice 190/)
    assert.match(r.json.error.message, /WHATSAPP_TOKEN/)
    const [id] = runIds(dataDir)
    assert.match(r.json.error.message, new RegExp(`--resume ${id}`))
    assert.equal(fake.accepted().length, 50)
    assertEveryIntentHasOutcome(dataDir, id)
    const human = await cli(['broadcast', '--resume', id, '--yes'])
    assert.equal(human.code, 5, 'the expired token still fails')
    assert.match(human.stderr, /scaduto o non è valido/)

    const resumed = await json<Result>(['broadcast', '--resume', id, '--yes', '--rate', '200'], apiEnv(fake, NEW_TOKEN))
    assert.equal(resumed.code, 0, resumed.stderr)
    assert.deepEqual([resumed.json.sent, resumed.json.skipped, resumed.json.recipients], [70, 50, 120])
    const counts = acceptedCounts(fake)
    assert.deepEqual([...counts.keys()].sort(), [...phones].sort())
    assert.ok([...counts.values()].every(n => n === 1))
    const list = await json<ListItem[]>(['broadcast', 'list'])
    assert.deepEqual([list.json[0].status, list.json[0].sent], ['completed', 120])
  })

  it('a run of consecutive failures pauses the run (exit 5, resumable)', async () => {
    seedSubscribers(dataDir, 40)
    await start({permanent: {code: 131_026, recipients: Array.from({length: 25}, (_, i) => phoneOf(i))}})
    const r = await json<ErrorDoc>(['broadcast', '--file', writeNotice(root), '--yes', '--rate', '10'])
    assert.equal(r.code, 5, r.stderr)
    assert.equal(r.json.error.code, 'BROADCAST_PAUSED')
    const [id] = runIds(dataDir)
    assert.match(r.json.error.message, new RegExp(`--resume ${id}`))
    const paused = await show(id)
    assert.equal(paused.status, 'paused')
    assert.ok(paused.totals.failed >= 20 && paused.totals.pending > 0, JSON.stringify(paused.totals))
    const resumed = await json<Result>(['broadcast', '--resume', id, '--yes', '--rate', '100'])
    assert.ok(resumed.code === 0 || resumed.code === 7, resumed.stderr)
    const done = await show(id)
    assert.deepEqual([done.totals.sent, done.totals.failed, done.totals.pending], [15, 25, 0])
  })

  it('a fatal template error stops at once with exit 5 and a hint about the template', async () => {
    seedSubscribers(dataDir, 5)
    await start({templates: [{language: 'it', name: 'altro_modello'}]})
    const r = await json<ErrorDoc>(['broadcast', '--file', writeNotice(root), '--yes', '--rate', '1000'])
    assert.equal(r.code, 5)
    assert.equal(r.json.error.code, 'BROADCAST_FATAL')
    assert.match(r.json.error.message, /codice 132001/)
    assert.match(r.json.error.message, /modello/)
    assert.equal(fake.accepted().length, 0)
    assert.equal(fake.requests.length, 1, 'nothing after the fatal answer')
  })

  it('no TTY and no --yes: exit 2, nothing sent, no run created', async () => {
    seedSubscribers(dataDir, 3)
    await start()
    const human = await cli(['broadcast', '--file', writeNotice(root)])
    assert.equal(human.code, 2)
    assert.match(human.stderr, /terminale interattivo/)
    assert.match(human.stderr, /--yes/)
    const r = await json<ErrorDoc>(['broadcast', '--file', writeNotice(root)])
    assert.equal(r.code, 2)
    assert.equal(r.json.error.code, 'NO_TTY')
    assert.equal(fake.requests.length, 0)
    assert.deepEqual(runIds(dataDir), [])
  })

  it('missing configuration: exit 6 naming the variable, nothing sent', async () => {
    seedSubscribers(dataDir, 3)
    await start()
    const file = writeNotice(root)
    const {WHATSAPP_TOKEN: _t, ...noToken} = apiEnv(fake)
    const a = await json<ErrorDoc>(['broadcast', '--file', file, '--yes'], noToken)
    assert.equal(a.code, 6)
    assert.equal(a.json.error.code, 'CONFIG_MISSING')
    assert.match(a.json.error.message, /WHATSAPP_TOKEN/)
    const {WHATSAPP_PHONE_NUMBER_ID: _p, ...noId} = apiEnv(fake)
    const b = await cli(['broadcast', '--file', file, '--yes'], noId)
    assert.equal(b.code, 6)
    assert.match(b.stderr, /WHATSAPP_PHONE_NUMBER_ID/)
    const c = await json<ErrorDoc>(['broadcast', '--file', file, '--yes'], {...apiEnv(fake), WHATSAPP_API_VERSION: '24'})
    assert.equal(c.code, 6)
    assert.match(c.json.error.message, /WHATSAPP_API_VERSION/)
    // The phone-number id may come from config.json instead.
    const configFile = path.join(dataDir, 'config.json')
    writeFileSync(configFile, JSON.stringify({...JSON.parse(readFileSync(configFile, 'utf8')), phoneNumberId: FAKE_PHONE_NUMBER_ID}))
    const d = await json<Result>(['broadcast', '--file', file, '--yes', '--rate', '100'], noId)
    assert.equal(d.code, 0, d.stderr)
    assert.equal(fake.accepted().length, 3)
  })

  it('the notice file is validated, with errors naming the file (exit 3)', async () => {
    seedSubscribers(dataDir, 2)
    await start()
    const cases: Array<[string, RegExp]> = [
      [path.join(root, 'manca.txt'), /non esiste/],
      [writeNotice(root, Buffer.from([0x41, 0x76, 0x76, 0x69, 0x73, 0x6F, 0x0A, 0x63, 0x69, 0x74, 0x74, 0xE0, 0x0A]), 'latin1.txt'), /UTF-8 \(riga 2\)/],
      [writeNotice(root, '  \n\t\n', 'vuoto.txt'), /vuoto/],
      [writeNotice(root, 'x'.repeat(1025), 'lungo.txt'), /1025 caratteri, il massimo è 1024/],
      [root, /non è un file/],
    ]
    for (const [file, reason] of cases) {
      const r = await json<ErrorDoc>(['broadcast', '--file', file, '--yes'])
      assert.equal(r.code, 3, file)
      assert.equal(r.json.error.code, 'NOTICE_INVALID')
      assert.ok(r.json.error.message.includes(file), r.json.error.message)
      assert.match(r.json.error.message, reason)
    }

    assert.equal(fake.requests.length, 0)
    const usage = await json<ErrorDoc>(['broadcast', '--yes'])
    assert.equal(usage.code, 2)
  })

  it('--text sends the notice as typed, with the 24-hour warning', async () => {
    seedSubscribers(dataDir, 2)
    await start()
    const r = await cli(['broadcast', '--file', writeNotice(root), '--text', '--yes', '--rate', '100'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /ultime 24 ore/)
    assert.match(r.stdout, /131047/)
    assert.equal(fake.requests.length, 2)
    for (const req of fake.requests) {
      const body = req.body as {text: {body: string}; type: string}
      assert.equal(body.type, 'text')
      assert.equal(body.text.body, NOTICE)
    }
  })

  it('--to sends one test message, recorded as a test', async () => {
    seedSubscribers(dataDir, 5)
    await start()
    const r = await json<Result>(['broadcast', '--file', writeNotice(root), '--to', '333 123 4567', '--yes'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.json.recipients, 1)
    assert.deepEqual(fake.requests.map(x => x.to), ['393331234567'])
    const list = await json<ListItem[]>(['broadcast', 'list'])
    assert.deepEqual([list.json[0].test, list.json[0].recipients, list.json[0].status], [true, 1, 'completed'])
    const human = await cli(['broadcast', 'list'])
    assert.match(human.stdout, /completato \(prova\)/)
  })

  it('only one broadcast at a time per data folder (exit 4), and unknown ids are reported', async () => {
    seedSubscribers(dataDir, 2)
    await start()
    const file = writeNotice(root)
    const r = await withLock(path.join(dataDir, 'invii'), () => runJson<ErrorDoc>(['broadcast', '--file', file, '--yes'], dataDir, {env: apiEnv(fake)}))
    keep(r)
    assert.equal(r.code, 4)
    assert.equal(r.json.error.code, 'BROADCAST_RUNNING')
    assert.equal(fake.requests.length, 0)
    const unknown = await json<ErrorDoc>(['broadcast', 'show', '20990101-000000-abcd'])
    assert.equal(unknown.code, 4)
    assert.equal(unknown.json.error.code, 'BROADCAST_UNKNOWN')
    const bad = await json<ErrorDoc>(['broadcast', '--resume', '../../etc', '--yes'])
    assert.equal(bad.code, 4)
  })

  it('during a run the registry stays usable, a second broadcast is refused, and the snapshot is what was sent', async () => {
    const phones = seedSubscribers(dataDir, 30)
    await start({latencyMs: 100})
    const file = writeNotice(root)
    const child = spawnCli(['broadcast', '--file', file, '--yes', '--rate', '3', '--json'], dataDir, {env: apiEnv(fake)})
    let out = ''
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d
    })
    const exit = new Promise<null | number>(resolve => {
      child.on('close', resolve)
    })
    while (fake.requests.length < 3) await new Promise(r => setTimeout(r, 20))
    const add = await cli(['subscribers', 'add', '3471112222', 'Nuova Iscritta'])
    assert.equal(add.code, 0, add.stderr)
    const second = await json<ErrorDoc>(['broadcast', '--file', file, '--yes'])
    assert.equal(second.code, 4)
    assert.equal(second.json.error.code, 'BROADCAST_RUNNING')
    assert.match(second.json.error.message, /un solo invio alla volta/)
    assert.equal(await exit, 0)
    outputs.push(out)
    assert.equal(JSON.parse(out).sent, 30)
    assert.deepEqual([...acceptedCounts(fake).keys()].sort(), [...phones].sort())
  })

  it('no active subscribers: nothing to send (exit 4)', async () => {
    seedSubscribers(dataDir, 0, 3)
    await start()
    const r = await json<ErrorDoc>(['broadcast', '--file', writeNotice(root), '--yes'])
    assert.equal(r.code, 4)
    assert.equal(r.json.error.code, 'NO_RECIPIENTS')
  })
})

/** A second fresh data folder inside one test; both are removed by the returned cleanup. */
async function freshDataDirKeepingCleanup(previous: () => void): Promise<{cleanup: () => void; dataDir: string; root: string}> {
  const next = await freshDataDir()
  return {
    cleanup() {
      next.cleanup()
      previous()
    },
    dataDir: next.dataDir,
    root: next.root,
  }
}

import {strict as assert} from 'node:assert'
import {createHash} from 'node:crypto'
import {
  readdirSync, readFileSync, statSync, writeFileSync,
} from 'node:fs'
import path from 'node:path'

import {recordDeliveryStatuses} from '../../src/app/broadcast.js'
import {phoneSpellings} from '../../src/core/phone.js'
import {extractFromPayload} from '../../src/core/webhook/index.js'
import {type StatusEvent} from '../../src/core/webhook/types.js'
import {writeTable} from '../../src/io/csv-table.js'
import {DataFolder} from '../../src/io/data-folder.js'
import {REQUESTS, SUBSCRIBERS} from '../../src/io/tables.js'
import {freshDataDir, runCli, runJson} from '../helpers/cli.js'
import {
  FAKE_PHONE_NUMBER_ID, FAKE_TOKEN, type FakeCloudApi, startFakeCloudApi,
} from '../helpers/fake-cloud-api.js'
import {KEY, PtySession} from '../helpers/pty.js'
import {inboundEnvelope, type InboundText} from '../helpers/webhooks.js'

const T0 = Math.floor(Date.now() / 1000) - 86_400
const PAOLO = {name: 'Paolo Rossi', phone: '+393331234567'}
const ANNA = {name: 'Anna Bianchi', phone: '+393331234568'}
const CARLO = {name: 'Carlo Verdi', phone: '+393331234569'}

async function subscribe(dataDir: string, root: string, people: {name: string; phone: string}[], tag = 'A'): Promise<void> {
  const messages: InboundText[] = people.map((p, i) => ({
    body: `Servizio Info ON ${p.name}`, from: p.phone.replace('+', ''), id: `wamid.${tag}${i}`, name: p.name.split(' ')[0], ts: T0 + i,
  }))
  const file = path.join(root, `dump-${tag}.json`)
  writeFileSync(file, JSON.stringify(inboundEnvelope(messages)))
  assert.equal((await runCli(['import', file], dataDir)).code, 0)
  assert.equal((await runCli(['review', '--approve-all'], dataDir)).code, 0)
}

function apiEnv(fake: FakeCloudApi): NodeJS.ProcessEnv {
  return {WHATSAPP_API_URL: fake.baseUrl, WHATSAPP_PHONE_NUMBER_ID: FAKE_PHONE_NUMBER_ID, WHATSAPP_TOKEN: FAKE_TOKEN}
}

/** A real broadcast against the fake Cloud API, then its status webhooks recorded duplicated and out of order. */
async function broadcast(dataDir: string, root: string, fake: FakeCloudApi): Promise<string> {
  const notice = path.join(root, 'avviso.txt')
  writeFileSync(notice, 'Domani acqua interrotta dalle 8 alle 12.')
  const r = await runJson<{id: string; sent: number}>(['broadcast', '--file', notice, '--yes'], dataDir, {env: apiEnv(fake)})
  assert.equal(r.code, 0, r.stderr + r.stdout)
  const events: StatusEvent[] = fake
  .statusWebhooks({read: true})
  .flatMap(e => extractFromPayload(e, {defaultCountry: 'IT', keyword: 'Servizio Info', source: 'test'}).statuses)
  await recordDeliveryStatuses(new DataFolder(dataDir), [...[...events].reverse(), ...events.slice(0, 2)])
  return r.json.id
}

/** Every file under the data folder, as bytes. */
function allFiles(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>()
  const walk = (d: string) => {
    for (const e of readdirSync(d, {withFileTypes: true})) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else out.set(path.relative(dir, p), readFileSync(p))
    }
  }

  walk(dir)
  return out
}

function occurrences(dir: string, needles: string[]): string[] {
  const hits: string[] = []
  for (const [file, bytes] of allFiles(dir)) for (const n of needles) if (bytes.includes(Buffer.from(n, 'utf8'))) hits.push(`${file}: ${n}`)
  return hits
}

const audit = (dataDir: string) => readFileSync(path.join(dataDir, 'registro.jsonl'), 'utf8').trim().split('\n').map(l => JSON.parse(l))

describe('privacy (CLI)', () => {
  let dataDir: string
  let root: string
  let cleanup: () => void
  let fake: FakeCloudApi

  beforeEach(async () => {
    ({cleanup, dataDir, root} = await freshDataDir())
    fake = await startFakeCloudApi({undeliverable: {recipients: [CARLO.phone]}})
  })

  afterEach(async () => {
    await fake.close()
    cleanup()
  })

  it('privacy export: registry row, requests with their text, broadcasts received with the outcome, audit entries; --out 0600, never overwritten', async () => {
    await subscribe(dataDir, root, [PAOLO, ANNA])
    const id = await broadcast(dataDir, root, fake)
    const r = await runJson<{audit: {action: string}[]; broadcasts: {delivery: string; id: string; outcome: string; text: string}[]; phone: string; requests: {rawText: string; status: string}[]; subscriber: {consent: string; name: string; privacyNotice: string}}>(
      ['privacy', 'export', '333 123 4567'],
      dataDir,
    )
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.json.phone, PAOLO.phone)
    assert.equal(r.json.subscriber.name, PAOLO.name)
    assert.equal(r.json.subscriber.consent, 'message')
    assert.equal(r.json.subscriber.privacyNotice, '2021-12-21')
    assert.deepEqual(r.json.requests.map(x => [x.rawText, x.status]), [['Servizio Info ON Paolo Rossi', 'approved']])
    assert.deepEqual(r.json.broadcasts.map(b => [b.id, b.outcome, b.delivery, b.text]), [[id, 'sent', 'read', 'Domani acqua interrotta dalle 8 alle 12.']])
    assert.deepEqual(r.json.audit.map(a => a.action), ['request.import', 'request.approve', 'subscriber.add'])
    assert.ok(!JSON.stringify(r.json).includes(ANNA.phone))

    const out = path.join(root, 'paolo.txt')
    const written = await runCli(['privacy', 'export', PAOLO.phone, '--out', out], dataDir)
    assert.equal(written.code, 0, written.stderr)
    assert.equal(statSync(out).mode & 0o777, 0o600)
    const text = readFileSync(out, 'utf8')
    assert.match(text, /Paolo Rossi/)
    assert.match(text, /Servizio Info ON Paolo Rossi/)
    assert.match(text, new RegExp(id))
    const again = await runJson<{error: {code: string}}>(['privacy', 'export', PAOLO.phone, '--out', out], dataDir)
    assert.equal(again.code, 4)
    assert.equal(again.json.error.code, 'FILE_EXISTS')
    assert.ok(audit(dataDir).some(a => a.action === 'privacy.export' && a.subject === PAOLO.phone))
  })

  it('privacy erase without a terminal and without --yes: exit 2, nothing changed', async () => {
    await subscribe(dataDir, root, [PAOLO])
    const before = allFiles(dataDir)
    const r = await runCli(['privacy', 'erase', PAOLO.phone], dataDir)
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--yes/)
    assert.deepEqual(allFiles(dataDir), before)
  })

  it('privacy erase at a terminal: shows what goes and asks; Enter (no) cancels with 130, "y" erases', async function () {
    this.timeout(120_000)
    await subscribe(dataDir, root, [PAOLO, ANNA])
    const before = allFiles(dataDir)
    const no = new PtySession(['privacy', 'erase', PAOLO.phone], dataDir)
    try {
      await no.waitFor('Paolo Rossi')
      await no.waitFor('Cancellare definitivamente')
      no.press(KEY.enter)
      assert.equal((await no.exit).exitCode, 130)
    } finally {
      no.kill()
    }

    assert.deepEqual(allFiles(dataDir), before)
    const yes = new PtySession(['privacy', 'erase', PAOLO.phone, '--operator', 'Sportello'], dataDir)
    try {
      await yes.waitFor('Cancellare definitivamente')
      yes.type('y')
      yes.press(KEY.enter)
      await yes.waitFor('Cancellazione eseguita')
      assert.equal((await yes.exit).exitCode, 0)
    } finally {
      yes.kill()
    }

    assert.deepEqual(occurrences(dataDir, [...phoneSpellings(PAOLO.phone), PAOLO.name]), [])
    assert.deepEqual([audit(dataDir).at(-1).action, audit(dataDir).at(-1).operator], ['privacy.erase', 'Sportello'])
  })

  it('privacy erase --yes: no file under the data folder holds the number in any spelling or the name; recorded without them; runs stay truthful and never resend', async function () {
    this.timeout(120_000)
    await subscribe(dataDir, root, [PAOLO, ANNA, CARLO])
    const id = await broadcast(dataDir, root, fake)
    // Copies everywhere: exports in every format, an access export saved in the folder, backups from later writes.
    for (const args of [['export', 'subscribers'], ['export', 'requests', '--format', 'csv'], ['export', 'audit'], ['export', 'subscribers', '--format', 'vcf'], ['export', 'broadcast', id]]) {
      assert.equal((await runCli(args, dataDir)).code, 0, args.join(' '))
    }

    assert.equal((await runCli(['privacy', 'export', PAOLO.phone, '--out', path.join(dataDir, 'esportazioni', 'paolo.json')], dataDir)).code, 0)
    assert.equal((await runCli(['subscribers', 'remove', CARLO.phone], dataDir)).code, 0)
    const needles = [...phoneSpellings(PAOLO.phone), PAOLO.name]
    assert.ok(occurrences(dataDir, needles).length > 10, 'the person is in many files before')
    const shownBefore = (await runJson<{totals: Record<string, number>}>(['broadcast', 'show', id], dataDir)).json

    const r = await runJson<{erasureId: string; files: {file: string}[]; records: number; residues: unknown[]; uncleanable: unknown[]}>(['privacy', 'erase', '+39 333 123 4567', '--yes', '--operator', 'Protocollo'], dataDir)
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.json.erasureId, /^[0-9a-f]{16}$/)
    assert.deepEqual([r.json.residues, r.json.uncleanable], [[], []])
    assert.deepEqual(occurrences(dataDir, needles), [])

    const last = audit(dataDir).at(-1)
    assert.equal(last.action, 'privacy.erase')
    assert.equal(last.operator, 'Protocollo')
    assert.equal(last.subject, r.json.erasureId)
    assert.match(last.ts, /^\d{4}-\d{2}-\d{2}T/)

    // The others are untouched.
    const subs = (await runJson<{name: string; phone: string}[]>(['subscribers', '--status', 'all'], dataDir)).json
    assert.deepEqual(subs.map(s => s.phone).sort(), [ANNA.phone, CARLO.phone])
    assert.match(readFileSync(path.join(dataDir, 'esportazioni', readdirSync(path.join(dataDir, 'esportazioni')).find(f => f.endsWith('.vcf'))!), 'utf8'), /Anna Bianchi/)

    // The run keeps its totals and its positions; the erased recipient has no number; a resume sends nothing.
    const shown = (await runJson<{recipients: {outcome: string; phone: string}[]; totals: Record<string, number>}>(['broadcast', 'show', id], dataDir)).json
    assert.equal(shown.recipients.length, 3)
    assert.equal(shown.totals.sent + shown.totals.failed, shownBefore.totals.sent + shownBefore.totals.failed)
    assert.ok(shown.recipients.some(x => x.phone === 'cancellato'))
    const requestsBefore = fake.requests.length
    const resumed = await runJson<{sent: number}>(['broadcast', '--resume', id, '--yes'], dataDir, {env: apiEnv(fake)})
    assert.equal(resumed.code, 0, resumed.stderr)
    assert.equal(fake.requests.length, requestsBefore)

    // Hashes kept consistent: the next write does not mistake the erasure for a hand edit.
    const next = await runCli(['subscribers', 'remove', ANNA.phone], dataDir)
    assert.equal(next.code, 0)
    assert.equal(next.stderr, '')
    assert.ok(!audit(dataDir).some(a => a.action === 'file.hand-edited'))
    const state = JSON.parse(readFileSync(path.join(dataDir, '.stato.json'), 'utf8'))
    for (const f of ['iscritti.csv', 'richieste.csv']) assert.equal(state.files[f], createHash('sha256').update(readFileSync(path.join(dataDir, f))).digest('hex'))
  })

  it('erasing a recipient an interrupted run has not reached yet: the resume never sends to the erased slot', async function () {
    this.timeout(120_000)
    await subscribe(dataDir, root, [ANNA, CARLO, PAOLO])
    fake.configure({tokenExpiry: {afterSuccesses: 1}, undeliverable: undefined})
    const notice = path.join(root, 'avviso.txt')
    writeFileSync(notice, 'Avviso di prova.')
    const stopped = await runJson<{error: {code: string}}>(['broadcast', '--file', notice, '--yes', '--rate', '1'], dataDir, {env: apiEnv(fake)})
    assert.equal(stopped.json.error.code, 'BROADCAST_FATAL', stopped.stdout)
    const {id} = (await runJson<{id: string}[]>(['broadcast', 'list'], dataDir)).json[0]
    const before = (await runJson<{recipients: {outcome: string; phone: string}[]}>(['broadcast', 'show', id], dataDir)).json.recipients
    assert.equal(before.find(x => x.phone === PAOLO.phone)!.outcome, 'pending')

    assert.equal((await runCli(['privacy', 'erase', PAOLO.phone, '--yes'], dataDir)).code, 0)
    fake.configure({tokenExpiry: undefined})
    const sentBefore = fake.requests.length
    const resumed = await runJson<{sent: number}>(['broadcast', '--resume', id, '--yes'], dataDir, {env: apiEnv(fake)})
    assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout)
    const resent = fake.requests.slice(sentBefore).map(x => x.to)
    assert.deepEqual(resent, [CARLO.phone.replace('+', '')])
    const after = (await runJson<{recipients: {outcome: string; phone: string}[]}>(['broadcast', 'show', id], dataDir)).json.recipients
    assert.deepEqual(after.map(x => [x.phone, x.outcome]), [[ANNA.phone, 'sent'], [CARLO.phone, 'sent'], ['cancellato', 'failed']])
  })

  it('privacy purge: --dry-run lists what the retention period lets go and changes nothing; --yes erases it', async () => {
    await subscribe(dataDir, root, [PAOLO, ANNA])
    const old = new Date(Date.now() - 3 * 365 * 86_400_000).toISOString().replace(/\.\d+Z$/, '+00:00')
    const recent = new Date(Date.now() - 30 * 86_400_000).toISOString().replace(/\.\d+Z$/, '+00:00')
    const subscriber = (p: {name: string; phone: string}, ceasedAt: string) => ({
      approvedBy: 'Anagrafe', ceasedAt, ceasedBy: 'Anagrafe', consent: 'message' as const, name: p.name, phone: p.phone, privacyNotice: '2021-12-21', status: 'ceased' as const, subscribedAt: old, updatedAt: ceasedAt,
    })
    writeFileSync(path.join(dataDir, 'iscritti.csv'), writeTable(SUBSCRIBERS, [subscriber(PAOLO, old), subscriber(ANNA, recent)]))
    const rejected = {
      action: 'ON' as const, decidedAt: old, decidedBy: 'Anagrafe', id: 'abcdef0123', importedAt: old, name: 'Ugo Neri', phone: '+393339998877', rawText: 'Servizio Info ON Ugo Neri', reason: 'non residente', receivedAt: old, source: 'chat.txt:3', status: 'rejected' as const,
    }
    writeFileSync(path.join(dataDir, 'richieste.csv'), writeTable(REQUESTS, [rejected]))
    const before = allFiles(dataDir)
    const dry = await runJson<{citizens: {phone: string}[]; dryRun: boolean; requestsGone: {id: string}[]; retentionMonths: number}>(['privacy', 'purge', '--dry-run'], dataDir)
    assert.equal(dry.code, 0, dry.stderr)
    assert.equal(dry.json.dryRun, true)
    assert.equal(dry.json.retentionMonths, 24)
    assert.deepEqual(dry.json.citizens.map(c => c.phone), [PAOLO.phone])
    assert.deepEqual(dry.json.requestsGone.map(x => x.id), ['abcdef0123'])
    assert.deepEqual(allFiles(dataDir), before)
    const human = await runCli(['privacy', 'purge', '--dry-run'], dataDir)
    assert.match(human.stdout, /Paolo Rossi/)
    assert.match(human.stdout, /abcdef0123/)
    assert.equal((await runCli(['privacy', 'purge'], dataDir)).code, 2)

    const done = await runJson<{erasureId: string}>(['privacy', 'purge', '--yes'], dataDir)
    assert.equal(done.code, 0, done.stderr)
    assert.deepEqual(occurrences(dataDir, [...phoneSpellings(PAOLO.phone), PAOLO.name, ...phoneSpellings('+393339998877'), 'Ugo Neri']), [])
    assert.ok(occurrences(dataDir, [ANNA.phone]).length > 0, 'a recent cessation stays')
    const last = audit(dataDir).at(-1)
    assert.deepEqual([last.action, last.subject], ['privacy.purge', done.json.erasureId])
  })
})

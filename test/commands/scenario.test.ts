/**
 * The whole service as a clerk runs it (issue 7): chat exports and webhooks in, review at the terminal,
 * a test send and a broadcast against the local stand-in Cloud API, the delivery report from the status
 * webhooks, an Excel export and one erasure. Every step's output is checked.
 */
import {strict as assert} from 'node:assert'
import {
  readdirSync, readFileSync, statSync, writeFileSync,
} from 'node:fs'
import path from 'node:path'

import {phoneSpellings} from '../../src/core/phone.js'
import {
  FIXTURES, freshDataDir, runCli, runJson,
} from '../helpers/cli.js'
import {FAKE_TOKEN, type FakeCloudApi, startFakeCloudApi} from '../helpers/fake-cloud-api.js'
import {KEY, PtySession} from '../helpers/pty.js'
import {apiEnv} from './broadcast.helpers.js'

const CLERK_PHONE = '+393316509571'

function filesUnder(dir: string): string[] {
  return readdirSync(dir, {recursive: true, withFileTypes: true})
  .filter(e => e.isFile())
  .map(e => path.join(e.parentPath ?? (e as unknown as {path: string}).path, e.name))
}

describe('the whole service, end to end (CLI)', function () {
  this.timeout(300_000)
  let dataDir: string
  let root: string
  let cleanup: () => void
  let fake: FakeCloudApi
  const outputs: string[] = []
  const keep = <T extends {stderr: string; stdout: string}>(r: T): T => {
    outputs.push(r.stdout, r.stderr)
    return r
  }

  before(async () => {
    ({cleanup, dataDir, root} = await freshDataDir())
    fake = await startFakeCloudApi({
      // Requests 3 and 4 (the broadcast's 2nd and 3rd) are throttled (HTTP 429, code 130429) and must be retried.
      throttle: {requests: [3, 4], retryAfterSeconds: 0},
      undeliverable: {recipients: ['+393395556677']},
    })
  })

  after(async () => {
    await fake.close()
    cleanup()
  })

  it('runs the weekly routine from the exports to an erasure', async () => {
    const env = apiEnv(fake)

    // A citizen subscribed at the counter long ago; his OFF arrives in this week's exports.
    keep(await runCli(['subscribers', 'add', '347 765 4321', 'Giorgio', 'Salvetti', '--operator', 'Sportello'], dataDir))

    // 1. Import: txt, zip and NDJSON webhooks, one folder.
    const imp = keep(await runCli(['import', path.join(FIXTURES, 'demo')], dataDir))
    assert.equal(imp.code, 0, imp.stderr)
    assert.match(imp.stdout, /Richieste nuove: 6 · già importate: 0 · superate da una più recente: 1 · senza numero: 1/)
    assert.match(imp.stdout, /WhatsApp Chat - \+39 347 765 4321\.zip: chat \(\.zip\), 3 messaggi, 2 richieste/)

    // 2. Review at the terminal: approve, supply Maria's number and approve, approve all the rest.
    const s = new PtySession(['review', '--operator', 'Anagrafe'], dataDir)
    try {
      await s.waitFor('Richiesta 1 di 5')
      await s.waitFor('Paolo Rossi')
      await s.waitFor('Decisione')
      s.press(KEY.enter)
      await s.waitFor('Approvata.')
      await s.waitFor('Maria Bianchi')
      await s.waitFor('Decisione')
      s.press(KEY.enter)
      await s.waitFor('Numero di telefono')
      s.type('340 765 1122')
      s.press(KEY.enter)
      await s.waitFor('+39 340 765 1122')
      await s.waitFor('Decisione')
      s.press(KEY.enter)
      await s.waitFor('Approvata.')
      await s.waitFor('Decisione')
      // Third from the end, before "Annulla l'ultima decisione" and "Esci": up three times from the first (the list wraps).
      s.press(KEY.up, KEY.up, KEY.up, KEY.enter)
      await s.waitFor('Approvare tutte le 3 richieste rimanenti?')
      s.type('s')
      s.press(KEY.enter)
      await s.waitFor('Riepilogo: 5 approvate, 0 respinte, 0 scartate, 0 rimandate, 0 ancora in attesa.')
      assert.equal((await s.exit).exitCode, 0)
    } finally {
      s.kill()
    }

    const subs = keep(await runJson<{name: string; phone: string; status: string}[]>(['subscribers', '--status', 'all'], dataDir))
    assert.deepEqual(
      subs.json.map(x => [x.phone, x.status]),
      [
        ['+393477654321', 'ceased'],
        ['+393331234567', 'active'],
        ['+393407651122', 'active'],
        ['+393481112233', 'active'],
        ['+393395556677', 'active'],
      ],
    )

    // 3. A test send to the clerk's own phone, then the broadcast to everyone.
    const notice = path.join(root, 'avviso.txt')
    writeFileSync(notice, readFileSync(path.join(FIXTURES, 'avviso.txt')))
    const test = keep(await runJson<{recipients: number; sent: number}>(['broadcast', '--file', notice, '--to', CLERK_PHONE, '--yes'], dataDir, {env}))
    assert.equal(test.code, 0, test.stderr)
    assert.deepEqual([test.json.recipients, test.json.sent], [1, 1])

    const before = fake.requests.length
    const run = keep(await runJson<{failed: number; id: string; recipients: number; sent: number; uncertain: number}>(['broadcast', '--file', notice, '--yes', '--rate', '50'], dataDir, {env}))
    assert.equal(run.code, 0, run.stderr)
    assert.deepEqual([run.json.recipients, run.json.sent, run.json.failed, run.json.uncertain], [4, 4, 0, 0])
    const sent = fake.requests.slice(before)
    assert.ok(sent.some(r => r.outcome && 'status' in r.outcome && r.outcome.status === 429), 'some requests were throttled')
    const accepted = sent.filter(r => r.outcome?.kind === 'accepted').map(r => r.to).sort()
    assert.deepEqual(accepted, ['393331234567', '393395556677', '393407651122', '393481112233'])
    for (const r of sent) assert.equal(r.authorization, `Bearer ${FAKE_TOKEN}`)

    // 4. The status webhooks Meta would post, saved by the comune's receiver, imported.
    const statuses = path.join(root, 'stati.ndjson')
    writeFileSync(statuses, fake.statusWebhooks().map(p => JSON.stringify(p)).join('\n') + '\n')
    const st = keep(await runJson<{deliveryStatuses: {stored: number}}>(['import', statuses], dataDir))
    assert.equal(st.code, 0, st.stderr)
    assert.ok(st.json.deliveryStatuses.stored > 0)

    // 5. The delivery report.
    const show = keep(await runJson<{recipients: {delivery: null | string; errorCode: null | number; phone: string}[]; totals: Record<string, number>}>(['broadcast', 'show', run.json.id], dataDir))
    assert.equal(show.code, 0, show.stderr)
    const byPhone = new Map(show.json.recipients.map(r => [r.phone, r]))
    assert.equal(byPhone.get('+393395556677')!.delivery, 'failed')
    assert.equal(byPhone.get('+393395556677')!.errorCode, 131_026)
    for (const p of ['+393331234567', '+393407651122', '+393481112233']) assert.match(String(byPhone.get(p)!.delivery), /delivered|read/)
    assert.equal(show.json.totals.failed, 1)
    const human = keep(await runCli(['broadcast', 'show', run.json.id], dataDir))
    assert.match(human.stdout, /131026/)

    // 6. The registry for the comune's files, as Excel opens it.
    const exp = keep(await runJson<{files: string[]}>(['export', 'subscribers'], dataDir))
    assert.equal(exp.code, 0, exp.stderr)
    const excel = readFileSync(exp.json.files[0], 'utf8')
    assert.ok(excel.startsWith('\uFEFF'))
    assert.match(excel, /;/)
    assert.match(excel, /\r\n/)
    assert.match(excel, /Niccolò Bertoli/)

    // 7. A citizen asks to be erased: nothing of him remains anywhere in the data folder.
    const erase = keep(await runJson<{erasureId: string}>(['privacy', 'erase', '+39 339 555 6677', '--yes', '--operator', 'DPO'], dataDir))
    assert.equal(erase.code, 0, erase.stderr)
    const needles = [...phoneSpellings('+393395556677'), 'Niccolò Bertoli', 'Bertoli'].map(n => Buffer.from(n))
    for (const file of filesUnder(dataDir)) {
      const bytes = readFileSync(file)
      for (const n of needles) assert.equal(bytes.includes(n), false, `${path.relative(dataDir, file)} still holds ${n.toString()}`)
    }

    const audit = readFileSync(path.join(dataDir, 'registro.jsonl'), 'utf8')
    assert.match(audit, /"action":"privacy.erase","after":\{[^\n]*"operator":"DPO"/)
    const left = keep(await runJson<unknown[]>(['subscribers', '--status', 'all'], dataDir))
    assert.equal(left.json.length, 4)

    // The token never reached any output or file.
    for (const o of outputs) assert.ok(!o.includes(FAKE_TOKEN), 'token in output')
    for (const file of filesUnder(dataDir)) assert.ok(!readFileSync(file).includes(Buffer.from(FAKE_TOKEN)), `token in ${file}`)
    assert.ok(statSync(dataDir).isDirectory())
  })
})

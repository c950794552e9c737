import {strict as assert} from 'node:assert'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {
  deliveryStatusFilter,
  planBroadcast,
  planResume,
  recordDeliveryStatuses,
  resolveApiSettings,
  runBroadcast,
  showBroadcast,
} from '../../src/app/broadcast.js'
import {extractFromPayload, type StatusEvent} from '../../src/core/webhook/index.js'
import {DataFolder} from '../../src/io/data-folder.js'
import {
  apiEnv, journal, phoneOf, seedSubscribers, writeNotice,
} from '../commands/broadcast.helpers.js'
import {
  type FakeCloudApi, type FakeCloudApiOptions, type RecordedRequest, startFakeCloudApi, statusWebhooksFor,
} from '../helpers/fake-cloud-api.js'

function events(requests: readonly RecordedRequest[]): StatusEvent[] {
  return statusWebhooksFor(requests).flatMap(e => extractFromPayload(e, {defaultCountry: 'IT', keyword: 'Servizio Info', source: 't'}).statuses)
}

/** Deterministic shuffle, so the order of arrival is scrambled the same way on every run. */
function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items]
  let x = seed
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j], out[i]]
  }

  return out
}

describe('app/broadcast: delivery statuses from imported webhooks', function () {
  this.timeout(60_000)
  let dir: string
  let folder: DataFolder
  let fake: FakeCloudApi
  const ctx = () => ({now: new Date(), operator: 'test'})

  async function send(options: FakeCloudApiOptions = {}, n = 10): Promise<string> {
    fake ??= await startFakeCloudApi(options)
    seedSubscribers(folder.dir, n)
    const env = apiEnv(fake)
    const plan = await planBroadcast(folder, {file: writeNotice(dir), mode: 'template', rate: 200}, ctx(), env)
    try {
      return (await runBroadcast(folder, plan, ctx(), resolveApiSettings(env, plan.config, true))).id
    } catch {
      return plan.id
    }
  }

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cerveno-app-'))
    folder = new DataFolder(path.join(dir, 'dati'))
    await folder.init(new Date(), 'test')
  })

  afterEach(async () => {
    await fake?.close()
    fake = undefined as unknown as FakeCloudApi
    rmSync(dir, {force: true, recursive: true})
  })

  it('furthest status wins whatever the order; async failures count as failed; importing twice adds nothing', async () => {
    const id = await send({undeliverable: {code: 131_026, recipients: [phoneOf(2)]}})
    const all = events(fake.requests)
    const stranger: StatusEvent = {
      at: null, errors: [], recipientId: '390000', recipientUserId: null, status: 'read', wamid: 'wamid.someone-else',
    }
    const batch = shuffled([...all, ...all.slice(0, 7), stranger])
    const first = await recordDeliveryStatuses(folder, batch)
    assert.deepEqual(first, {
      duplicates: 7, runs: [{id, stored: all.length}], stored: all.length, unmatched: 1,
    })
    const report = await showBroadcast(folder, id)
    assert.deepEqual(report.totals, {
      delivered: 9, failed: 1, pending: 0, read: 9, sent: 9, uncertain: 0,
    })
    const two = report.recipients.find(r => r.phone === phoneOf(2))!
    assert.deepEqual([two.outcome, two.delivery, two.errorCode], ['sent', 'failed', 131_026])
    assert.ok(report.recipients.filter(r => r.phone !== phoneOf(2)).every(r => r.delivery === 'read'))

    const again = await recordDeliveryStatuses(folder, shuffled(all, 3))
    assert.deepEqual(again, {
      duplicates: all.length, runs: [], stored: 0, unmatched: 0,
    })
    // Only sent and delivered so far for a message: delivered.
    assert.equal((await showBroadcast(folder, id)).totals.read, 9)
  })

  it('matches by wamid across runs when the callback data is missing', async () => {
    const a = await send({}, 3)
    const b = await send({}, 4)
    const bare = events(fake.requests).map(({bizOpaque: _b, ...e}) => e)
    const r = await recordDeliveryStatuses(folder, bare)
    assert.deepEqual(
      new Map(r.runs.map(x => [x.id, x.stored])),
      new Map([
        [a, 9],
        [b, 12],
      ]),
    )
    assert.equal((await showBroadcast(folder, b)).totals.read, 4)
    const keep = await deliveryStatusFilter(folder)
    assert.ok(bare.every(e => keep(e)))
    assert.ok(!keep({wamid: 'wamid.unknown'}))
    assert.ok(keep({bizOpaque: `${a}:0:9`, wamid: 'wamid.unknown'}))
  })

  it('a webhook echoing the attempt id settles an uncertain recipient, so --retry-uncertain leaves it alone', async () => {
    // The 3rd request reaches the server, which hangs up without answering: uncertain.
    const id = await send({dropRequests: [3]}, 5)
    let report = await showBroadcast(folder, id)
    const lost = report.recipients.filter(r => r.outcome === 'uncertain')
    assert.equal(lost.length, 1)
    const intent = journal(folder.dir, id).find(r => r.type === 'intent' && r.phone === lost[0].phone)!
    assert.equal((await planResume(folder, {id, kind: 'resume', retryUncertain: true}, ctx(), apiEnv(fake))).queued, 1)

    // Meta did deliver it: its status webhook carries our attempt id.
    const webhook: StatusEvent = {
      at: '2026-01-01T10:00:00+01:00',
      bizOpaque: intent.attempt as string,
      errors: [],
      recipientId: lost[0].phone.slice(1),
      recipientUserId: null,
      status: 'delivered',
      wamid: 'wamid.found-later',
    }
    // Inside another transaction: the caller already holds the lock.
    await folder.mutate(ctx(), async () => {
      assert.equal((await recordDeliveryStatuses(folder, [webhook], {locked: true})).stored, 1)
    })
    report = await showBroadcast(folder, id)
    const settled = report.recipients.find(r => r.phone === lost[0].phone)!
    assert.deepEqual([settled.outcome, settled.wamid, settled.delivery], ['sent', 'wamid.found-later', 'delivered'])
    assert.equal(report.totals.uncertain, 0)
    assert.equal((await planResume(folder, {id, kind: 'resume', retryUncertain: true}, ctx(), apiEnv(fake))).queued, 0)
  })
})

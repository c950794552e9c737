import {DateTime} from 'luxon'
import {strict as assert} from 'node:assert'
import {appendFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {recordDeliveryStatuses} from '../../src/app/broadcast.js'
import {type Subscriber} from '../../src/core/registry/types.js'
import {type RequestRecord} from '../../src/core/requests/types.js'
import {extractFromPayload} from '../../src/core/webhook/index.js'
import {writeTable} from '../../src/io/csv-table.js'
import {DataFolder} from '../../src/io/data-folder.js'
import {REQUESTS, SUBSCRIBERS} from '../../src/io/tables.js'
import {runCli, runJson} from '../helpers/cli.js'
import {freshDataDirEach} from '../helpers/each.js'
import {FAKE_PHONE_NUMBER_ID, FAKE_TOKEN, startFakeCloudApi} from '../helpers/fake-cloud-api.js'

const ROME = 'Europe/Rome'
const now = DateTime.now().setZone(ROME)
/** Mid-month, k months ago (k = 0: the start of this month, never in the future). */
const monthsAgo = (k: number) => (k === 0
  ? now.startOf('month')
  : now.minus({months: k}).set({
    day: 15, hour: 12, minute: 0, second: 0,
  }))
const iso = (d: DateTime) => d.toISO({includeOffset: true, suppressMilliseconds: true})!

interface StatsJson {
  broadcasts: {delivered: number; deliveryRate: null | number; failed: number; id: string; read: number; recipients: number; sent: number}[]
  months: {cessations: number; month: string; subscriptions: number}[]
  pending: {count: number; oldestAgeDays: null | number; oldestId: null | string; oldestReceivedAt: null | string}
  requests: Record<string, number>
  subscribers: {active: number; ceased: number; total: number}
}

function subscriber(phone: string, name: string, subscribedAt: string, ceasedAt?: string): Subscriber {
  return {
    approvedBy: 'Anagrafe', ceasedAt, ceasedBy: ceasedAt ? 'Anagrafe' : undefined, consent: 'in-person', name, phone, privacyNotice: '2021-12-21', status: ceasedAt ? 'ceased' : 'active', subscribedAt, updatedAt: ceasedAt ?? subscribedAt,
  }
}

function request(id: string, status: RequestRecord['status'], receivedAt: string): RequestRecord {
  return {
    action: 'ON', decidedAt: status === 'pending' ? undefined : receivedAt, decidedBy: status === 'pending' ? undefined : 'Anagrafe', id, importedAt: receivedAt, name: 'X Y', phone: '+393330000001', rawText: 'Servizio Info ON X Y', receivedAt, source: `f.txt:${id}`, status,
  }
}

describe('stats (CLI)', () => {
  let dataDir: string
  let root: string
  freshDataDirEach(f => {
    ({dataDir, root} = f)
  })

  it('--json gives the numbers of a known data set (dates relative to now); the terminal shows the 12-month bars', async () => {
    const A = subscriber('+393331111111', 'Anna', iso(monthsAgo(2)))
    writeFileSync(
      path.join(dataDir, 'iscritti.csv'),
      writeTable(SUBSCRIBERS, [A, subscriber('+393332222222', 'Bruno', iso(monthsAgo(0))), subscriber('+393333333333', 'Carla', iso(monthsAgo(13)), iso(monthsAgo(1)))]),
    )
    writeFileSync(
      path.join(dataDir, 'richieste.csv'),
      writeTable(REQUESTS, [
        request('aaaaaaaa01', 'pending', iso(now.minus({days: 3, hours: 2}))),
        request('aaaaaaaa02', 'pending', iso(now.minus({days: 1}))),
        request('aaaaaaaa03', 'approved', iso(now.minus({days: 40}))),
        request('aaaaaaaa04', 'rejected', iso(now.minus({days: 50}))),
      ]),
    )
    // Anna's history in the audit log: subscribed 5 months ago, ceased 4 months ago, back 2 months ago (also in the registry).
    const line = (action: string, at: string, after: object) => JSON.stringify({
      action, after: {phone: A.phone, ...after}, operator: 'Anagrafe', subject: A.phone, ts: at,
    }) + '\n'
    appendFileSync(
      path.join(dataDir, 'registro.jsonl'),
      line('subscriber.add', iso(monthsAgo(5)), {subscribedAt: iso(monthsAgo(5))})
        + line('subscriber.cease', iso(monthsAgo(4)), {ceasedAt: iso(monthsAgo(4))})
        + line('subscriber.reactivate', A.subscribedAt, {subscribedAt: A.subscribedAt}),
    )

    const r = await runJson<StatsJson>(['stats'], dataDir)
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(r.json.subscribers, {active: 2, ceased: 1, total: 3})
    assert.deepEqual(r.json.requests, {
      approved: 1, discarded: 0, pending: 2, rejected: 1, superseded: 0, total: 4,
    })
    assert.equal(r.json.pending.count, 2)
    assert.equal(r.json.pending.oldestId, 'aaaaaaaa01')
    assert.equal(r.json.pending.oldestAgeDays, 3)
    assert.equal(r.json.months.length, 12)
    assert.equal(r.json.months[11].month, now.toFormat('yyyy-LL'))
    const expected = new Map([
      [0, {cessations: 0, subscriptions: 1}],
      [1, {cessations: 1, subscriptions: 0}],
      [2, {cessations: 0, subscriptions: 1}],
      [4, {cessations: 1, subscriptions: 0}],
      [5, {cessations: 0, subscriptions: 1}],
    ])
    for (let k = 0; k < 12; k++) {
      const m = r.json.months[11 - k]
      assert.equal(m.month, monthsAgo(k).toFormat('yyyy-LL'))
      assert.deepEqual({cessations: m.cessations, subscriptions: m.subscriptions}, expected.get(k) ?? {cessations: 0, subscriptions: 0}, `${k} months ago`)
    }

    assert.deepEqual(r.json.broadcasts, [])
    const text = await runCli(['stats'], dataDir)
    assert.equal(text.code, 0)
    assert.match(text.stdout, /Iscritti attivi: +2/)
    assert.match(text.stdout, /Da verificare: 2; la più vecchia è del .*\(aspetta da 3 giorni\)/)
    const bars = text.stdout.split('\n').filter(l => /^[a-z]{3} \d{4} /.test(l))
    assert.equal(bars.length, 12)
    assert.ok(bars.every(l => !l.includes('█') || l.includes('█'.repeat(30))), 'every non-zero month is the maximum here: a full bar')
    assert.equal(bars.filter(l => l.includes('█')).length, 5)
  })

  it("each broadcast's delivery rate: delivered over recipients, from the statuses recorded", async function () {
    this.timeout(60_000)
    writeFileSync(
      path.join(dataDir, 'iscritti.csv'),
      writeTable(SUBSCRIBERS, ['+393331111111', '+393332222222', '+393333333333'].map((p, i) => subscriber(p, `Persona ${i}`, iso(monthsAgo(1))))),
    )
    const fake = await startFakeCloudApi({undeliverable: {recipients: ['+393333333333']}})
    try {
      const notice = path.join(root, 'avviso.txt')
      writeFileSync(notice, 'Avviso.')
      const env = {WHATSAPP_API_URL: fake.baseUrl, WHATSAPP_PHONE_NUMBER_ID: FAKE_PHONE_NUMBER_ID, WHATSAPP_TOKEN: FAKE_TOKEN}
      const sent = await runJson<{id: string}>(['broadcast', '--file', notice, '--yes'], dataDir, {env})
      assert.equal(sent.code, 0, sent.stderr)
      const events = fake.statusWebhooks({read: false}).flatMap(e => extractFromPayload(e, {defaultCountry: 'IT', keyword: 'Servizio Info', source: 't'}).statuses)
      await recordDeliveryStatuses(new DataFolder(dataDir), events)
      const r = await runJson<StatsJson>(['stats'], dataDir)
      assert.deepEqual(
        r.json.broadcasts.map(b => [b.id, b.recipients, b.delivered, b.read, b.failed, b.deliveryRate]),
        [[sent.json.id, 3, 2, 0, 1, 0.667]],
      )
      const text = await runCli(['stats'], dataDir)
      assert.match(text.stdout, /consegnato a 2 su 3 \(66,7%\)/)
    } finally {
      await fake.close()
    }
  })
})

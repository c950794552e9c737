import {strict as assert} from 'node:assert'

import {
  estimateDurationMs, makeRunId, maxInFlightFor, messagingBudget, requestPreview, RUN_ID,
} from '../../../src/core/broadcast/plan.js'
import {decideAfterFailure, FailureBreaker, LIMITS} from '../../../src/core/broadcast/policy.js'
import {
  attemptId,
  type JournalRecord,
  mayBeTemporary,
  parseAttemptId,
  R,
  RunLedger,
  runStatus,
  type StartRecord,
} from '../../../src/core/broadcast/run-state.js'

const RUN = '20250314-092100-a1b2'
const AT = '2025-03-14T09:21:00+01:00'
const phone = (i: number) => `+39320000000${i}`
const intent = (i: number, n = 1): JournalRecord => ({
  at: AT, attempt: attemptId(RUN, i, n), i, phone: phone(i), type: 'intent',
})
const outcome = (i: number, result: 'failed' | 'rejected' | 'sent' | 'uncertain', extra: Record<string, unknown> = {}, n = 1): JournalRecord =>
  ({
    at: AT, attempt: attemptId(RUN, i, n), attempts: n, i, phone: phone(i), result, type: 'outcome', ...extra,
  }) as JournalRecord
const start: StartRecord = {
  at: AT, host: 'h', kind: 'new', operator: 'op', pid: 1, queued: 6, rate: 20, retryUncertain: false, type: 'start',
}

function ledger(records: unknown[], size = 6): RunLedger {
  const l = new RunLedger(RUN, size)
  for (const r of records) l.apply(r)
  return l
}

describe('core/broadcast: run state, policy, plan', () => {
  describe('core/broadcast/run-state', () => {
    it('attempt ids carry run, recipient and attempt number, and parse back', () => {
      assert.equal(attemptId(RUN, 17, 2), `${RUN}:17:2`)
      assert.deepEqual(parseAttemptId(`${RUN}:17:2`), {attempt: 2, index: 17, runId: RUN})
      for (const bad of ['', 'x', `${RUN}:a:1`, `${RUN}:1`, 'a b:1:1']) assert.equal(parseAttemptId(bad), undefined, bad)
    })

    it('folds intents and outcomes: open intent = uncertain, rejected = still to do', () => {
      const l = ledger([
        start,
        intent(0),
        outcome(0, 'sent', {wamid: 'wamid.A'}),
        intent(1),
        outcome(1, 'failed', {code: 131_026, temporary: true}),
        intent(2),
        outcome(2, 'failed', {code: 131_050, temporary: false}),
        intent(3),
        intent(4),
        outcome(4, 'rejected', {code: 130_429}),
      ])
      assert.deepEqual([...l.state], [R.sent, R.failedTemporary, R.failed, R.open, R.pending, R.pending])
      assert.deepEqual(
        [0, 1, 2, 3, 4, 5].map(i => l.outcome(i)),
        ['sent', 'failed', 'failed', 'uncertain', 'pending', 'pending'],
      )
      assert.deepEqual(l.eligible(), [4, 5])
      assert.deepEqual(l.eligible({retryUncertain: true}), [3, 4, 5])
      assert.deepEqual(l.eligible({retryFailed: true}), [1, 4, 5])
      assert.deepEqual(l.counts(), {
        failed: 2, failedTemporary: 1, pending: 2, sent: 1, uncertain: 1,
      })
      assert.equal(l.wamids[0], 'wamid.A')
      assert.equal(l.errorCodeOf(1), 131_026)
      assert.equal(l.attempts[0], 1)
    })

    it('counts attempts across invocations so the next attempt id is new', () => {
      const l = ledger([intent(0, 1), outcome(0, 'rejected', {}, 1), intent(0, 2), outcome(0, 'uncertain', {}, 2)])
      assert.equal(l.attempts[0], 2)
      assert.equal(l.outcome(0), 'uncertain')
    })

    it('survives garbage: bad records are counted, never thrown', () => {
      const l = ledger([null, 42, {i: 99, type: 'intent'}, {i: -1, type: 'intent'}, {type: 'what'}, {i: 0, result: 'bogus', type: 'outcome'}])
      assert.equal(l.badLines, 6)
      assert.deepEqual(l.eligible(), [0, 1, 2, 3, 4, 5])
    })

    it('delivery statuses: furthest wins whatever the order, failed is terminal, totals partition the recipients', () => {
      const l = ledger([intent(0), outcome(0, 'sent', {wamid: 'w0'}), intent(1), outcome(1, 'sent', {wamid: 'w1'}), intent(2), outcome(2, 'sent', {wamid: 'w2'}), intent(3)], 5)
      const ev = (wamid: string, status: string, errors: Array<{code: number; details: null; title: null}> = []) => ({
        at: AT, errors, recipientId: null, status, wamid,
      })
      l.applyStatuses([ev('w0', 'read'), ev('w0', 'sent'), ev('w0', 'delivered'), ev('w1', 'delivered'), ev('w2', 'failed', [{code: 131_026, details: null, title: null}]), ev('w2', 'read')])
      assert.equal(l.deliveryOf(0), 'read')
      assert.equal(l.deliveryOf(1), 'delivered')
      assert.equal(l.deliveryOf(2), 'failed')
      assert.equal(l.errorCodeOf(2), 131_026)
      assert.equal(l.deliveryOf(3), null)
      assert.deepEqual(l.totals(), {
        delivered: 2, failed: 1, pending: 1, read: 1, sent: 2, uncertain: 1,
      })
    })

    it('a status webhook echoing an attempt id settles an uncertain recipient (and only for this run)', () => {
      const l = ledger([intent(0), intent(1), intent(2), outcome(2, 'uncertain', {kind: 'timeout'}), intent(3)], 4)
      const ev = (bizOpaque: string, status: string, wamid: string) => ({
        at: AT, bizOpaque, errors: [], recipientId: null, status, wamid,
      })
      l.applyStatuses([
        ev(attemptId(RUN, 0, 1), 'delivered', 'wA'),
        ev(attemptId(RUN, 2, 1), 'sent', 'wC'),
        ev(attemptId('20250101-000000-ffff', 3, 1), 'read', 'wD'),
        {
          at: AT, bizOpaque: attemptId(RUN, 1, 1), errors: [{code: 131_026, details: null, title: null}], recipientId: null, status: 'failed', wamid: 'wB',
        },
      ])
      assert.deepEqual([0, 1, 2, 3].map(i => l.outcome(i)), ['sent', 'failed', 'sent', 'uncertain'])
      assert.equal(l.wamids[0], 'wA')
      assert.deepEqual([...l.resolvedByWebhook].sort(), [0, 1, 2])
      assert.deepEqual(l.eligible({retryUncertain: true}), [3])
      assert.deepEqual(l.eligible({retryFailed: true}), [1])
    })

    it('run status from the invocations', () => {
      const end = {
        at: AT, failed: 0, sent: 1, type: 'end', uncertain: 0,
      } as const
      assert.equal(runStatus([], true, () => false), 'dry-run')
      assert.equal(runStatus([], false, () => false), 'interrupted')
      assert.equal(runStatus([{start}], false, () => true), 'running')
      assert.equal(runStatus([{start}], false, () => false), 'interrupted')
      assert.equal(runStatus([{end: {...end, reason: 'completed'}, start}], false, () => true), 'completed')
      assert.equal(runStatus([{end: {...end, reason: 'fatal'}, start}], false, () => true), 'stopped')
      assert.equal(runStatus([{end: {...end, reason: 'paused'}, start}], false, () => true), 'paused')
      assert.equal(runStatus([{end: {...end, reason: 'interrupted'}, start}], false, () => true), 'interrupted')
    })

    it('temporary failures: undeliverable today, ecosystem cap, exhausted retries; not opt-outs', () => {
      for (const code of [131_026, 131_049, 130_472]) assert.ok(mayBeTemporary(code), String(code))
      for (const code of [131_050, 131_021, 130_497, undefined]) assert.ok(!mayBeTemporary(code), String(code))
      assert.ok(mayBeTemporary(undefined, 'retries-exhausted'))
      assert.ok(mayBeTemporary(undefined, 'throttle-exhausted'))
    })
  })

  describe('core/broadcast/policy', () => {
    const zero = {pairThrottles: 0, retries: 0, throttles: 0}

    it('maps each error class to an action', () => {
      assert.deepEqual(decideAfterFailure({class: 'fatal', fatalHint: 'token', rule: 'code:190'}, zero, 0.5), {action: 'stop'})
      assert.deepEqual(decideAfterFailure({class: 'uncertain', rule: 'transport:after-send'}, zero, 0.5), {action: 'uncertain'})
      assert.deepEqual(decideAfterFailure({class: 'permanent', code: 131_026, rule: 'code:131026'}, zero, 0.5), {
        action: 'fail',
        rule: 'code:131026',
        temporary: true,
      })
      assert.deepEqual(decideAfterFailure({class: 'permanent', code: 131_050, rule: 'code:131050'}, zero, 0.5), {
        action: 'fail',
        rule: 'code:131050',
        temporary: false,
      })
    })

    it('throttling honours Retry-After and the code minimum, and gives up per recipient eventually', () => {
      assert.deepEqual(decideAfterFailure({
        class: 'throttle', minWaitMs: 1000, retryAfterMs: 7000, rule: 'x',
      }, zero, 0.5), {action: 'throttle', pauseMs: 7000})
      assert.deepEqual(decideAfterFailure({class: 'throttle', minWaitMs: 60_000, rule: 'x'}, zero, 0.5), {action: 'throttle', pauseMs: 60_000})
      const many = {...zero, throttles: LIMITS.throttlesPerRecipient}
      assert.deepEqual(decideAfterFailure({class: 'throttle', rule: 'x'}, many, 0.5), {action: 'fail', rule: 'throttle-exhausted', temporary: true})
    })

    it('retries back off exponentially with jitter, within the limit', () => {
      const f = {
        class: 'retry', maxRetries: 3, minWaitMs: 1000, rule: 'code:131000',
      } as const
      assert.deepEqual(decideAfterFailure(f, zero, 0), {action: 'retry', counter: 'retries', delayMs: 500})
      assert.deepEqual(decideAfterFailure(f, {...zero, retries: 1}, 0.5), {action: 'retry', counter: 'retries', delayMs: 2000})
      assert.deepEqual(decideAfterFailure(f, {...zero, retries: 2}, 0.999), {action: 'retry', counter: 'retries', delayMs: 5996})
      assert.deepEqual(decideAfterFailure(f, {...zero, retries: 3}, 0.5), {action: 'fail', rule: 'retries-exhausted', temporary: true})
    })

    it('pair rate limit: 6 s × 4^n for this recipient only', () => {
      const f = {class: 'pair-throttle', minWaitMs: 6000, rule: 'code:131056'} as const
      assert.deepEqual(decideAfterFailure(f, zero, 0.5), {action: 'retry', counter: 'pairThrottles', delayMs: 6000})
      assert.deepEqual(decideAfterFailure(f, {...zero, pairThrottles: 2}, 0.5), {action: 'retry', counter: 'pairThrottles', delayMs: 96_000})
      assert.equal(decideAfterFailure(f, {...zero, pairThrottles: 3}, 0.5).action, 'fail')
    })

    it('the breaker trips on a run of failures and resets on a success', () => {
      const b = new FailureBreaker(3)
      assert.equal(b.failure(131_026), false)
      assert.equal(b.failure(131_026), false)
      b.success()
      assert.equal(b.failure(131_026), false)
      assert.equal(b.failure(131_026), false)
      assert.equal(b.failure(100), true)
      assert.equal(b.dominantCode(), '131026')
    })
  })

  describe('core/broadcast/plan', () => {
    it('run ids sort by time and match the pattern', () => {
      const id = makeRunId('2025-03-14T09:21:05+01:00', 'A1B2')
      assert.equal(id, '20250314-092105-a1b2')
      assert.match(id, RUN_ID)
      assert.ok(makeRunId('2025-03-14T09:21:05+01:00', 'ffff') < makeRunId('2025-03-14T10:00:00+01:00', '0000'))
    })

    it('estimates, concurrency and budget', () => {
      assert.equal(estimateDurationMs(10_000, 80), 125_000)
      assert.equal(estimateDurationMs(0, 80), 0)
      assert.equal(maxInFlightFor(1), 16)
      assert.equal(maxInFlightFor(1000), 1000)
      assert.deepEqual(messagingBudget(1000, 900, 200), {
        exceeds: true, limit: 1000, remaining: 100, usedLast24h: 900,
      })
      assert.deepEqual(messagingBudget(1000, 1200, 0), {
        exceeds: false, limit: 1000, remaining: 0, usedLast24h: 1200,
      })
    })

    it('the previewed request never shows a token', () => {
      const p = requestPreview('https://graph.facebook.com/v24.0/1/messages', {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        text: {body: 'x', preview_url: false},
        to: '39320',
        type: 'text',
      })
      assert.equal(p.headers.Authorization, 'Bearer [REDACTED]')
      assert.equal(p.method, 'POST')
    })
  })
})

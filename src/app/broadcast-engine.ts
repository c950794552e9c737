/**
 * The send loop of one broadcast invocation: paces the requests, journals intent before and outcome after
 * each of them, and applies the error policy (core/broadcast/policy.ts). It does no terminal output and
 * holds no lock: the caller (app/broadcast.ts) owns the run folder and the journal.
 */
import {performance} from 'node:perf_hooks'

import {ConnectionWatch, isConnectionFailure} from '../core/broadcast/offline.js'
import {RatePacer} from '../core/broadcast/pacer.js'
import {type OutgoingMessage} from '../core/broadcast/payload.js'
import {
  decideAfterFailure, FailureBreaker, type FailureFacts, type RetryCounters,
} from '../core/broadcast/policy.js'
import {attemptId, type JournalRecord, type OutcomeRecord} from '../core/broadcast/run-state.js'
import {type SendResult, WhatsAppApiError} from '../io/cloud-api.js'

export interface EngineProgress {
  /** Recipients finished in this invocation (sent, failed or uncertain). */
  done: number
  elapsedMs: number
  failed: number
  inFlight: number
  /** The pacer's current rate (lower than the target after throttling). */
  rate: number
  /** Recipients waiting for a retry. */
  retrying: number
  sent: number
  total: number
  uncertain: number
}

export type EngineStop
  = | {code?: number; consecutive: number; reason: 'paused'}
  | {error: WhatsAppApiError; reason: 'fatal'}
  | {reason: 'interrupted'}
  /** Connection failures (refused, DNS, timeout, TLS) with no recent success: WhatsApp cannot be reached. */
  | {reason: 'offline'; transportCode?: string}

export interface EngineResult {
  durationMs: number
  failed: number
  /** Queued recipients left without outcome (only when stopped). */
  pending: number
  sent: number
  slowDowns: number
  stop?: EngineStop
  uncertain: number
}

export interface EngineOptions {
  build(phone: string, attemptId: string): OutgoingMessage
  client: {send(body: OutgoingMessage): Promise<SendResult>}
  /** Attempts already journaled per recipient index (the next attempt number follows). */
  initialAttempts(index: number): number
  /** ISO time for journal lines. */
  isoNow(): string
  journal: {durable(): Promise<void>; write(records: readonly JournalRecord[]): void}
  maxConsecutiveFailures?: number
  maxInFlight: number
  onProgress?(progress: EngineProgress): void
  phones: readonly string[]
  /** Milliseconds between progress callbacks. Default 500. */
  progressEveryMs?: number
  /** Recipient indexes to send to, in order. */
  queue: readonly number[]
  random?: () => number
  rate: number
  runId: string
}

/** Costs 2 % of the configured rate. */
const WINDOW_GUARD_MS = 20

interface InFlight {
  attempt: string
  i: number
  n: number
  /** The first request of the invocation, sent alone (see `probe`). */
  probe?: boolean
  startedMs: number
}

/** A min-heap of recipients waiting for a retry, by the time they may go again. */
class RetryHeap {
  private readonly items: Array<{i: number; readyAt: number; seq: number}> = []
  private seq = 0

  get size(): number {
    return this.items.length
  }

  peek(): undefined | {i: number; readyAt: number} {
    return this.items[0]
  }

  pop(): number | undefined {
    const top = this.items[0]
    if (top === undefined) return undefined
    const last = this.items.pop()!
    if (this.items.length > 0) {
      this.items[0] = last
      this.down(0)
    }

    return top.i
  }

  push(i: number, readyAt: number): void {
    this.items.push({i, readyAt, seq: this.seq++})
    let k = this.items.length - 1
    while (k > 0) {
      const parent = (k - 1) >> 1
      if (!this.less(k, parent)) break
      this.swap(k, parent)
      k = parent
    }
  }

  private down(k: number): void {
    const n = this.items.length
    for (;;) {
      const l = 2 * k + 1
      const r = l + 1
      let m = k
      if (l < n && this.less(l, m)) m = l
      if (r < n && this.less(r, m)) m = r
      if (m === k) return
      this.swap(k, m)
      k = m
    }
  }

  private less(a: number, b: number): boolean {
    const x = this.items[a]
    const y = this.items[b]
    return x.readyAt < y.readyAt || (x.readyAt === y.readyAt && x.seq < y.seq)
  }

  private swap(a: number, b: number): void {
    const t = this.items[a]
    this.items[a] = this.items[b]
    this.items[b] = t
  }
}

export class BroadcastEngine {
  private readonly attempts = new Map<number, number>()
  private readonly breaker: FailureBreaker
  private readonly connection = new ConnectionWatch()
  private readonly counters = new Map<number, RetryCounters>()
  private failed = 0
  /** Requests sent or about to be (their intents are being synced). */
  private inFlight = 0
  private journalError: Error | undefined
  /** Paces the starts (intents), with a small margin on the window. */
  private readonly pacer: RatePacer
  /**
   * The first request goes alone and pacing starts from its answer: it pays for the cold start (first
   * connection, code not yet optimised) without the following requests catching up with it, and a fatal
   * answer (expired token, unknown template) stops the run after one request instead of a second's worth.
   */
  private probe: 'answered' | 'idle' | 'sent' = 'idle'
  private queuePos = 0
  private readonly random: () => number
  /** Requests whose intents are durable, waiting for the send pacer. */
  private readonly ready: Array<{body: OutgoingMessage; flight: InFlight}> = []
  private readyTimer: NodeJS.Timeout | undefined
  private readonly retries = new RetryHeap()
  /** Paces the requests themselves, exactly: a slow disk sync must not let a burst through. */
  private readonly sendPacer: RatePacer
  private sent = 0
  private startedMs = 0
  private stopped: EngineStop | undefined
  private uncertain = 0
  private wake: (() => void) | undefined

  constructor(private readonly o: EngineOptions) {
    // Requests leave once their intents are synced, a variable moment after their start is counted, and reach
    // the server a few milliseconds later still (p99 ≈ 5 ms, max ≈ 16 ms on loopback). Both pacers keep a
    // margin on the 1-second window, so that no second at the server holds more than `rate` requests; the send
    // pacer, closest to the wire, clips the bursts a slow disk sync would otherwise let through.
    this.pacer = new RatePacer({rate: o.rate, windowMs: 1000 + WINDOW_GUARD_MS})
    this.sendPacer = new RatePacer({rate: o.rate, windowMs: 1000 + WINDOW_GUARD_MS})
    this.breaker = new FailureBreaker(o.maxConsecutiveFailures)
    this.random = o.random ?? Math.random
  }

  async run(): Promise<EngineResult> {
    this.startedMs = performance.now()
    const progress = this.o.onProgress
      ? setInterval(() => this.o.onProgress!(this.progress()), this.o.progressEveryMs ?? 500)
      : undefined
    // Outcomes are written at once but synced lazily: at the latest a second later, or with the next intents.
    const syncTimer = setInterval(() => {
      this.o.journal.durable().catch(() => {})
    }, 1000)
    try {
      await this.loop()
      while (this.inFlight > 0) await this.sleep(Number.POSITIVE_INFINITY)
    } finally {
      clearInterval(syncTimer)
      if (progress) clearInterval(progress)
    }

    if (this.journalError) throw this.journalError

    this.o.onProgress?.(this.progress())
    const done = this.sent + this.failed + this.uncertain
    return {
      durationMs: Math.round(performance.now() - this.startedMs),
      failed: this.failed,
      pending: this.o.queue.length - done,
      sent: this.sent,
      slowDowns: this.pacer.state(performance.now()).slowDowns,
      stop: this.stopped,
      uncertain: this.uncertain,
    }
  }

  /** Stops dispatching (Ctrl-C): requests in flight finish and are journaled. */
  stop(): void {
    this.stopped ??= {reason: 'interrupted'}
    this.pump()
    this.wakeUp()
  }

  /** The probe's answer is in: pacing starts now, counting the probe as started now (it arrived before). */
  private answered(f: InFlight): void {
    if (!f.probe) return
    const now = performance.now()
    this.pacer.tryStart(now)
    this.sendPacer.tryStart(now)
    this.probe = 'answered'
  }

  private countFailure(code: number | undefined): void {
    if (this.breaker.failure(code) && this.stopped === undefined) {
      const dominant = this.breaker.dominantCode()
      this.stopped = {
        code: dominant !== undefined && /^\d+$/.test(dominant) ? Number(dominant) : undefined,
        consecutive: this.breaker.consecutive,
        reason: 'paused',
      }
      this.pump()
    }
  }

  /** Intents first, durably (one write per batch, syncs shared between batches); then the requests. */
  private dispatch(batch: readonly number[], now: number): void {
    const at = this.o.isoNow()
    const intents: JournalRecord[] = []
    const flights: Array<{body: OutgoingMessage; flight: InFlight}> = []
    for (const i of batch) {
      const n = (this.attempts.get(i) ?? this.o.initialAttempts(i)) + 1
      this.attempts.set(i, n)
      const attempt = attemptId(this.o.runId, i, n)
      const phone = this.o.phones[i]
      let body: OutgoingMessage
      try {
        body = this.o.build(phone, attempt)
      } catch {
        // A snapshot number that cannot be a recipient: nothing is sent.
        this.o.journal.write([{
          at, attempt, attempts: n, i, phone, result: 'failed', rule: 'invalid-recipient', temporary: false, type: 'outcome',
        }])
        this.failed++
        continue
      }

      intents.push({
        at, attempt, i, phone, type: 'intent',
      })
      flights.push({
        body, flight: {
          attempt, i, n, probe: this.probe === 'sent', startedMs: now,
        },
      })
    }

    if (flights.length === 0) {
      // The would-be probe could not even be built: the next recipient will be the probe.
      if (this.probe === 'sent') this.probe = 'idle'
      return
    }

    this.o.journal.write(intents)
    this.inFlight += flights.length
    this.o.journal.durable().then(
      () => {
        this.ready.push(...flights)
        this.pump()
      },
      (error: Error) => {
        // The journal cannot be made durable: send nothing more.
        this.journalError ??= error
        for (const {flight} of flights) this.notSent(flight)
      },
    )
  }

  private failureRecord(f: InFlight, error: unknown): OutcomeRecord {
    const record: OutcomeRecord = {
      at: this.o.isoNow(),
      attempt: f.attempt,
      attempts: f.n,
      i: f.i,
      phone: this.o.phones[f.i],
      result: 'failed',
      type: 'outcome',
    }
    if (!(error instanceof WhatsAppApiError)) {
      record.rule = 'unexpected'
      return record
    }

    // Only the safe fields of the error (they never hold the token).
    record.rule = error.rule
    record.kind = error.kind
    if (error.code !== undefined) record.code = error.code
    if (error.httpStatus !== undefined) record.httpStatus = error.httpStatus
    if (error.title !== undefined) record.title = error.title
    if (error.details !== undefined) record.details = error.details
    if (error.fbtraceId !== undefined) record.fbtraceId = error.fbtraceId
    if (error.transportCode !== undefined) record.transportCode = error.transportCode
    return record
  }

  private async loop(): Promise<void> {
    while (this.stopped === undefined && this.journalError === undefined) {
      const now = performance.now()
      if (this.probe !== 'answered') {
        const next = this.probe === 'idle' ? this.peekReady(now) : undefined
        if (next !== undefined) {
          this.takeReady(next)
          this.probe = 'sent'
          this.dispatch([next.i], now)
          continue
        }

        if (this.inFlight === 0 && this.queuePos >= this.o.queue.length && this.retries.size === 0) return
        await this.sleep(Number.POSITIVE_INFINITY)
        continue
      }

      const batch: number[] = []
      let waitMs = Number.POSITIVE_INFINITY
      while (this.inFlight + batch.length < this.o.maxInFlight) {
        const next = this.peekReady(now)
        if (next === undefined) break
        const wait = this.pacer.tryStart(now)
        if (wait > 0) {
          waitMs = wait
          break
        }

        this.takeReady(next)
        batch.push(next.i)
      }

      if (batch.length > 0) {
        this.dispatch(batch, now)
        continue
      }

      if (this.inFlight === 0 && this.queuePos >= this.o.queue.length && this.retries.size === 0) return
      const nextRetry = this.retries.peek()
      if (nextRetry !== undefined && this.peekReady(now) === undefined) waitMs = Math.min(waitMs, nextRetry.readyAt - now)
      await this.sleep(waitMs)
    }
  }

  private notSent(f: InFlight): void {
    this.inFlight--
    this.answered(f)
    try {
      this.o.journal.write([
        {
          at: this.o.isoNow(), attempt: f.attempt, attempts: f.n, i: f.i, phone: this.o.phones[f.i], result: 'rejected', rule: 'not-sent', type: 'outcome',
        },
      ])
    } catch {}

    this.wakeUp()
  }

  /**
   * A connection failure while nothing succeeded recently stops the run: this recipient (and every one not
   * reached) stays to do, for --resume. A request that may have reached Meta is still recorded as uncertain.
   */
  private offline(f: InFlight, error: unknown): boolean {
    // Only requests that could not leave count: a connection dropped after the body went out means Meta was reached.
    if (!(error instanceof WhatsAppApiError) || error.bodyMayHaveReachedServer || !isConnectionFailure(error)) return false
    if (this.connection.failure(performance.now(), error.transportCode)) this.stopped ??= {reason: 'offline', transportCode: this.connection.code}
    if (this.stopped?.reason !== 'offline') return false
    this.inFlight--
    this.answered(f)
    this.o.journal.write([{...this.failureRecord(f, error), result: 'rejected'}])
    this.pump()
    this.wakeUp()
    return true
  }

  private onFailure(f: InFlight, error: unknown): void {
    this.inFlight--
    this.answered(f)
    if (this.offline(f, error)) return
    const facts: FailureFacts
      = error instanceof WhatsAppApiError ? error : {class: 'uncertain', rule: 'unexpected'}
    const counters = this.counters.get(f.i) ?? {pairThrottles: 0, retries: 0, throttles: 0}
    this.counters.set(f.i, counters)
    const decision = decideAfterFailure(facts, counters, this.random())
    const base = this.failureRecord(f, error)
    const now = performance.now()
    switch (decision.action) {
    case 'fail': {
      this.o.journal.write([{
        ...base, result: 'failed', rule: decision.rule, temporary: decision.temporary,
      }])
      this.failed++
      this.countFailure(facts.code)
      break
    }

    case 'retry': {
      counters[decision.counter]++
      this.o.journal.write([{...base, result: 'rejected'}])
      this.retries.push(f.i, now + decision.delayMs)
      break
    }

    case 'stop': {
      this.o.journal.write([{...base, result: 'rejected'}])
      if (this.stopped?.reason !== 'fatal' && error instanceof WhatsAppApiError) this.stopped = {error, reason: 'fatal'}
      this.pump()
      break
    }

    case 'throttle': {
      counters.throttles++
      this.o.journal.write([{...base, result: 'rejected'}])
      for (const pacer of [this.pacer, this.sendPacer]) {
        pacer.slowDown(now, {pauseUntilMs: now + decision.pauseMs, requestStartedMs: f.startedMs})
      }

      this.retries.push(f.i, now)
      break
    }

    default: {
      this.o.journal.write([{...base, result: 'uncertain'}])
      this.uncertain++
      this.countFailure(facts.code)
    }
    }

    this.wakeUp()
  }

  private onSuccess(f: InFlight, result: SendResult): void {
    this.connection.success(performance.now())
    this.inFlight--
    this.answered(f)
    const record: OutcomeRecord = {
      at: this.o.isoNow(),
      attempt: f.attempt,
      attempts: f.n,
      i: f.i,
      phone: this.o.phones[f.i],
      result: 'sent',
      type: 'outcome',
      waId: result.waId,
      wamid: result.wamid,
    }
    if (result.messageStatus !== undefined) record.messageStatus = result.messageStatus
    this.o.journal.write([record])
    this.sent++
    this.breaker.success()
    this.wakeUp()
  }

  /** Retries that are due come before new recipients. */
  private peekReady(now: number): undefined | {from: 'queue' | 'retry'; i: number} {
    const top = this.retries.peek()
    if (top !== undefined && top.readyAt <= now) return {from: 'retry', i: top.i}
    if (this.queuePos < this.o.queue.length) return {from: 'queue', i: this.o.queue[this.queuePos]}
    return undefined
  }

  private progress(): EngineProgress {
    const now = performance.now()
    return {
      done: this.sent + this.failed + this.uncertain,
      elapsedMs: now - this.startedMs,
      failed: this.failed,
      inFlight: this.inFlight,
      rate: this.pacer.state(now).currentRate,
      retrying: this.retries.size,
      sent: this.sent,
      total: this.o.queue.length,
      uncertain: this.uncertain,
    }
  }

  /** Sends the durable requests as the send pacer allows. */
  private pump(): void {
    while (this.ready.length > 0) {
      // Stopped meanwhile (fatal answer, Ctrl-C): these never left, say so.
      if (this.stopped !== undefined || this.journalError !== undefined) {
        for (const {flight} of this.ready.splice(0)) this.notSent(flight)
        return
      }

      const now = performance.now()
      const wait = this.ready[0].flight.probe ? 0 : this.sendPacer.tryStart(now)
      if (wait > 0) {
        this.readyTimer ??= setTimeout(() => {
          this.readyTimer = undefined
          this.pump()
        }, wait)
        return
      }

      const {body, flight} = this.ready.shift()!
      flight.startedMs = now
      this.o.client.send(body).then(
        result => this.onSuccess(flight, result),
        (error: unknown) => this.onFailure(flight, error),
      )
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      let timer: NodeJS.Timeout | undefined
      const done = () => {
        if (timer) clearTimeout(timer)
        if (this.wake === done) this.wake = undefined
        resolve()
      }

      if (Number.isFinite(ms)) timer = setTimeout(done, Math.max(1, Math.ceil(ms)))
      this.wake = done
    })
  }

  private takeReady(next: {from: 'queue' | 'retry'}): void {
    if (next.from === 'retry') this.retries.pop()
    else this.queuePos++
  }

  private wakeUp(): void {
    this.wake?.()
  }
}

/**
 * What the send loop does after a failed attempt (DESIGN §6, cloud-api.md §3.3). Pure: the caller passes the
 * classified error, the recipient's counters and a random number for the jitter.
 */
import {type ErrorClass, type FatalHint} from './classify.js'
import {mayBeTemporary} from './run-state.js'

export const LIMITS = {
  /** Consecutive failed or uncertain recipients (no success in between) that pause the run. */
  consecutiveFailures: 20,
  /** Longest wait for one recipient's retry, whatever the cause says. */
  maxDelayMs: 10 * 60_000,
  /** Pair rate limit (131056): further tries of one recipient, after 6 s × 4^n. */
  pairThrottleRetries: 3,
  /** Default retry budget of a transient error without its own. */
  retries: 3,
  /** Throttle answers (130429, 429…) one recipient may collect before it is recorded as failed. */
  throttlesPerRecipient: 30,
} as const

export interface FailureFacts {
  class: ErrorClass
  code?: number
  fatalHint?: FatalHint
  maxRetries?: number
  minWaitMs?: number
  retryAfterMs?: number
  rule: string
}

/** How often this recipient already met each kind of trouble in this invocation. */
export interface RetryCounters {
  pairThrottles: number
  retries: number
  throttles: number
}

export type Decision
  /** Record failed; go on with the others. */
  = | {action: 'fail'; rule: string; temporary: boolean}
  /** Try this recipient again after `delayMs`; nothing was sent. */
  | {action: 'retry'; counter: 'pairThrottles' | 'retries'; delayMs: number}
  /** Stop the whole run now: every further request would fail the same way. */
  | {action: 'stop'}
  /** Slow every send down and pause until `pauseMs` from now; this recipient goes back in the queue. */
  | {action: 'throttle'; pauseMs: number}
  /** The request may have been delivered: record it, never resend automatically. */
  | {action: 'uncertain'}

/**
 * Decides after one failed attempt. `random` in [0, 1) drives the jitter (the caller passes Math.random()).
 * Retry-After, when the answer had one, is honoured as a floor for every kind of wait.
 */
export function decideAfterFailure(facts: FailureFacts, counters: RetryCounters, random: number): Decision {
  const floor = facts.retryAfterMs ?? 0
  switch (facts.class) {
  case 'fatal': {
    return {action: 'stop'}
  }

  case 'pair-throttle': {
    if (counters.pairThrottles >= LIMITS.pairThrottleRetries) {
      return {action: 'fail', rule: 'pair-throttle-exhausted', temporary: true}
    }

    // Meta: wait at least 6 s, then 4^X.
    const delay = (facts.minWaitMs ?? 6000) * 4 ** counters.pairThrottles
    return {action: 'retry', counter: 'pairThrottles', delayMs: Math.min(LIMITS.maxDelayMs, Math.max(floor, delay))}
  }

  case 'permanent': {
    return {action: 'fail', rule: facts.rule, temporary: mayBeTemporary(facts.code, facts.rule)}
  }

  case 'retry': {
    const limit = facts.maxRetries ?? LIMITS.retries
    if (counters.retries >= limit) return {action: 'fail', rule: 'retries-exhausted', temporary: true}
    // Exponential backoff with ±50 % jitter so that many recipients failing together do not retry together.
    const base = (facts.minWaitMs ?? 1000) * 2 ** counters.retries
    const delay = Math.round(base * (0.5 + random))
    return {action: 'retry', counter: 'retries', delayMs: Math.min(LIMITS.maxDelayMs, Math.max(floor, delay))}
  }

  case 'throttle': {
    if (counters.throttles >= LIMITS.throttlesPerRecipient) {
      return {action: 'fail', rule: 'throttle-exhausted', temporary: true}
    }

    return {action: 'throttle', pauseMs: Math.min(LIMITS.maxDelayMs, Math.max(floor, facts.minWaitMs ?? 1000))}
  }

  case 'uncertain': {
    return {action: 'uncertain'}
  }

  default: {
    return {action: 'uncertain'}
  }
  }
}

/**
 * Pauses a run when failures come in a row (like listmonk's max_send_errors): a run of identical "permanent"
 * codes, or of timeouts, usually means the account, the template or the network is at fault, not the citizens.
 */
export class FailureBreaker {
  private codes = new Map<string, number>()
  private run = 0

  constructor(private readonly limit: number = LIMITS.consecutiveFailures) {}

  get consecutive(): number {
    return this.run
  }

  /** The most frequent code of the current run of failures (for the explanation). */
  dominantCode(): string | undefined {
    let best: string | undefined
    let count = 0
    for (const [code, n] of this.codes) {
      if (n > count) {
        best = code
        count = n
      }
    }

    return best
  }

  /** A recipient finished as failed or uncertain; returns true when the run should pause. */
  failure(code: number | string | undefined): boolean {
    this.run++
    const key = String(code ?? 'none')
    this.codes.set(key, (this.codes.get(key) ?? 0) + 1)
    return this.run >= this.limit
  }

  /** A recipient finished as sent: the run of failures is over. */
  success(): void {
    this.run = 0
    this.codes.clear()
  }
}

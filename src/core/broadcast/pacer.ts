/**
 * Send-rate pacing for a broadcast. Pure: the caller passes a monotonic clock reading (ms) on every call.
 *
 * Two rules decide when the next request may start:
 * - a sliding window: the `rate`-th most recent start must be more than `windowMs` ago, so no closed window of
 *   `windowMs` ever holds more than `rate` starts (a ring of the last starts, O(1) per send);
 * - a small token bucket (`burstMs` worth of tokens) that spreads the starts evenly instead of firing the
 *   whole second's quota at once, while letting a late timer catch up a little.
 * Throttling from Meta halves the rate and can pause everything; the rate then climbs back in steps.
 */

export const MIN_RATE = 1
export const MAX_RATE = 1000

export interface PacerOptions {
  /** Evenness: how many milliseconds' worth of starts may go out back to back. Default 20. */
  burstMs?: number
  /** Pause after a throttle without Retry-After. Default 1000. */
  defaultPauseMs?: number
  /** Starts per window, 1 … 1000. */
  rate: number
  /** Rate regained per recovery step, as a fraction of the target rate. Default 0.1. */
  recoveryFraction?: number
  /** Quiet time (no throttling) before each recovery step. Default 5000. */
  recoveryStepMs?: number
  /** Default 1000. */
  windowMs?: number
}

export interface PacerState {
  currentRate: number
  pausedUntilMs: number
  /** Throttle events that actually lowered the rate. */
  slowDowns: number
  starts: number
  targetRate: number
}

export interface ThrottleEvent {
  /** Retry-After (or a code's minimum wait) turned into an instant: no start before it. */
  pauseUntilMs?: number
  /** When the throttled request started: answers to requests sent before the last halving don't halve again. */
  requestStartedMs?: number
}

export class RatePacer {
  private readonly burstMs: number
  private currentRate: number
  private readonly defaultPauseMs: number
  private head = 0
  private lastHalvingMs = Number.NEGATIVE_INFINITY
  private lastRefillMs: number | undefined
  private pausedUntilMs = Number.NEGATIVE_INFINITY
  /** Quiet time for recovery is counted from here. */
  private recoveryBaseMs = Number.NEGATIVE_INFINITY
  private readonly recoveryFraction: number
  private readonly recoveryStepMs: number
  /** Start times of the last `targetRate` starts; `head` is where the next one goes. */
  private readonly ring: Float64Array
  private slowDowns = 0
  private starts = 0
  private readonly targetRate: number
  private tokens = 1
  private readonly windowMs: number

  constructor(options: PacerOptions) {
    const {rate} = options
    if (!Number.isInteger(rate) || rate < MIN_RATE || rate > MAX_RATE) {
      throw new RangeError(`rate must be an integer between ${MIN_RATE} and ${MAX_RATE}`)
    }

    this.targetRate = rate
    this.currentRate = rate
    this.windowMs = options.windowMs ?? 1000
    this.burstMs = options.burstMs ?? 20
    this.defaultPauseMs = options.defaultPauseMs ?? 1000
    this.recoveryStepMs = options.recoveryStepMs ?? 5000
    this.recoveryFraction = options.recoveryFraction ?? 0.1
    this.ring = new Float64Array(rate).fill(Number.NEGATIVE_INFINITY)
  }

  /** Stops every start until `untilMs` without changing the rate (e.g. 131057 maintenance). */
  pauseUntil(untilMs: number): void {
    this.pausedUntilMs = Math.max(this.pausedUntilMs, untilMs)
  }

  /** What tryStart would answer, without counting a start. */
  peek(nowMs: number): number {
    this.recover(nowMs)
    this.refill(nowMs)
    let wait = 0
    if (nowMs < this.pausedUntilMs) wait = this.pausedUntilMs - nowMs
    // The currentRate-th most recent start must be strictly more than a window ago (closed windows stay ≤ rate).
    const edge = this.ring[(this.head - this.currentRate + this.ring.length) % this.ring.length] + this.windowMs
    if (nowMs <= edge) wait = Math.max(wait, Math.floor(edge - nowMs) + 1)
    if (this.tokens < 1) wait = Math.max(wait, ((1 - this.tokens) * this.windowMs) / this.currentRate)
    return wait === 0 ? 0 : Math.max(1, Math.ceil(wait))
  }

  /**
   * Meta said "too fast" (130429, 4, 80007, HTTP 429): halve the rate (not below 1) and pause every start until
   * `pauseUntilMs`, or for the default pause. Several answers to requests that were already in flight count as
   * one event; the quiet period for recovery restarts with every event.
   */
  slowDown(nowMs: number, event: ThrottleEvent = {}): void {
    this.pauseUntil(event.pauseUntilMs ?? nowMs + this.defaultPauseMs)
    const stale
      = event.requestStartedMs === undefined
        ? nowMs - this.lastHalvingMs < this.windowMs
        : event.requestStartedMs < this.lastHalvingMs
    if (!stale) {
      this.lastHalvingMs = nowMs
      const lowered = Math.max(MIN_RATE, Math.floor(this.currentRate / 2))
      if (lowered < this.currentRate) this.slowDowns++
      this.currentRate = lowered
      this.tokens = Math.min(this.tokens, 1)
    }

    this.recoveryBaseMs = Math.max(nowMs, this.pausedUntilMs)
  }

  state(nowMs: number): PacerState {
    this.recover(nowMs)
    return {
      currentRate: this.currentRate,
      pausedUntilMs: this.pausedUntilMs,
      slowDowns: this.slowDowns,
      starts: this.starts,
      targetRate: this.targetRate,
    }
  }

  /**
   * Counts a start now and returns 0 if one is allowed; otherwise returns how many whole milliseconds (≥ 1) to
   * wait before asking again. Pass the clock reading taken right before sending.
   */
  tryStart(nowMs: number): number {
    const wait = this.peek(nowMs)
    if (wait > 0) return wait
    this.tokens -= 1
    this.ring[this.head] = nowMs
    this.head = (this.head + 1) % this.ring.length
    this.starts++
    return 0
  }

  /** Additive recovery: one step per quiet `recoveryStepMs`, computed lazily so it stays O(1). */
  private recover(nowMs: number): void {
    if (this.currentRate >= this.targetRate || nowMs - this.recoveryBaseMs < this.recoveryStepMs) return
    const steps = Math.floor((nowMs - this.recoveryBaseMs) / this.recoveryStepMs)
    const step = Math.max(1, Math.ceil(this.targetRate * this.recoveryFraction))
    this.currentRate = Math.min(this.targetRate, this.currentRate + steps * step)
    this.recoveryBaseMs += steps * this.recoveryStepMs
  }

  private refill(nowMs: number): void {
    if (this.lastRefillMs !== undefined && nowMs > this.lastRefillMs) {
      this.tokens += ((nowMs - this.lastRefillMs) * this.currentRate) / this.windowMs
    }

    if (this.lastRefillMs === undefined || nowMs > this.lastRefillMs) this.lastRefillMs = nowMs
    this.tokens = Math.min(this.tokens, Math.max(1, (this.currentRate * this.burstMs) / this.windowMs))
  }
}

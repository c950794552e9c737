import fc from 'fast-check'
import {strict as assert} from 'node:assert'

import {RatePacer} from '../../../src/core/broadcast/index.js'

interface Simulation {
  /** [time, rate in force] for every start. */
  starts: Array<[number, number]>
}

/**
 * Drives a pacer with a fake clock the way a send loop would: ask, start or sleep the answered time. `late`
 * makes timers fire late (like real ones); `events` runs callbacks (throttling) at given times.
 */
function simulate(
  pacer: RatePacer,
  untilMs: number,
  options: {events?: Array<[number, (now: number) => void]>; late?: () => number} = {},
): Simulation {
  const starts: Simulation['starts'] = []
  const events = [...(options.events ?? [])].sort((a, b) => a[0] - b[0])
  let now = 0
  while (now < untilMs) {
    while (events.length > 0 && events[0][0] <= now) events.shift()![1](now)
    const wait = pacer.tryStart(now)
    if (wait === 0) {
      starts.push([now, pacer.state(now).currentRate])
      continue
    }

    assert.ok(Number.isInteger(wait) && wait >= 1, `wait ${wait}`)
    now += wait + (options.late?.() ?? 0)
  }

  return {starts}
}

/** Most starts found in any closed window [t, t + windowMs] beginning at a start (the worst windows do). */
function maxInWindow(times: number[], windowMs = 1000): number {
  let max = 0
  let j = 0
  for (let i = 0; i < times.length; i++) {
    if (j < i) j = i
    while (j + 1 < times.length && times[j + 1] <= times[i] + windowMs) j++
    max = Math.max(max, j - i + 1)
  }

  return max
}

/** Checks every start against the rate in force when it happened: ≤ rate starts in the window ending there. */
function assertWindowsRespectRate({starts}: Simulation, windowMs = 1000): void {
  let i = 0
  for (let k = 0; k < starts.length; k++) {
    while (starts[i][0] < starts[k][0] - windowMs) i++
    assert.ok(k - i + 1 <= starts[k][1], `${k - i + 1} starts in [${starts[k][0] - windowMs}, ${starts[k][0]}]`)
  }
}

const timesOf = (s: Simulation): number[] => s.starts.map(([t]) => t)

describe('broadcast/pacer', () => {
  it('rejects rates outside 1 … 1000', () => {
    for (const rate of [0, 1001, 2.5, Number.NaN]) assert.throws(() => new RatePacer({rate}), RangeError)
  })

  for (const rate of [1, 20, 80, 1000]) {
    it(`${rate}/s: never more than ${rate} starts in any 1-second window, and close to full speed`, () => {
      const sim = simulate(new RatePacer({rate}), 10_000)
      const times = timesOf(sim)
      assert.ok(maxInWindow(times) <= rate, `max ${maxInWindow(times)}`)
      // Ten seconds at full speed, minus the strict window edge.
      assert.ok(times.length >= rate * 10 * 0.98, `${times.length} starts`)
      assert.ok(times.length <= rate * 10 + rate, `${times.length} starts`)
    })
  }

  it('spreads starts instead of firing the whole second at once', () => {
    const sim = simulate(new RatePacer({rate: 1000}), 3000)
    const perInstant = new Map<number, number>()
    for (const t of timesOf(sim)) perInstant.set(t, (perInstant.get(t) ?? 0) + 1)
    assert.ok(Math.max(...perInstant.values()) <= 20)
    const slow = simulate(new RatePacer({rate: 10}), 3000)
    const gaps = timesOf(slow)
    .slice(1)
    .map((t, i) => t - timesOf(slow)[i])
    assert.ok(Math.min(...gaps) >= 99, `gaps ${gaps.join(',')}`)
  })

  it('catches up after late timers without breaking the window', () => {
    let seed = 7
    const late = () => {
      seed = (seed * 16_807) % 2_147_483_647
      return (seed % 50) / 10 // 0 … 4.9 ms late
    }

    const sim = simulate(new RatePacer({rate: 500}), 10_000, {late})
    assert.ok(maxInWindow(timesOf(sim)) <= 500)
    assert.ok(sim.starts.length >= 500 * 10 * 0.95, `${sim.starts.length}`)
  })

  it('tryStart answers 0 only when it counted a start; peek counts nothing', () => {
    const pacer = new RatePacer({rate: 2})
    assert.equal(pacer.peek(0), 0)
    assert.equal(pacer.peek(0), 0)
    assert.equal(pacer.tryStart(0), 0)
    assert.equal(pacer.state(0).starts, 1)
    assert.ok(pacer.tryStart(0) > 0)
    assert.equal(pacer.state(0).starts, 1)
  })

  describe('slow-down and recovery', () => {
    it('halves the rate and pauses every start until the pause ends', () => {
      const pacer = new RatePacer({rate: 80})
      const sim = simulate(pacer, 20_000, {events: [[2000, now => pacer.slowDown(now, {pauseUntilMs: now + 3000})]]})
      const times = timesOf(sim)
      assert.equal(times.filter(t => t >= 2000 && t < 5000).length, 0)
      assert.ok(times.some(t => t >= 5000 && t < 6000))
      assert.equal(sim.starts.find(([t]) => t >= 5000)![1], 40)
      assertWindowsRespectRate(sim)
      assert.equal(pacer.state(20_000).slowDowns, 1)
    })

    it('uses the default pause when Meta gave no Retry-After', () => {
      const pacer = new RatePacer({defaultPauseMs: 1500, rate: 10})
      pacer.slowDown(100)
      assert.equal(pacer.peek(100), 1500)
      assert.equal(pacer.state(100).pausedUntilMs, 1600)
    })

    it('counts answers to requests sent before the halving as one event', () => {
      const pacer = new RatePacer({rate: 80})
      for (let t = 0; t < 100; t++) pacer.tryStart(t)
      // Five in-flight requests started before the first 429 came back throttled too.
      pacer.slowDown(200, {requestStartedMs: 10})
      for (const started of [20, 30, 40, 50]) pacer.slowDown(210, {requestStartedMs: started})
      assert.equal(pacer.state(210).currentRate, 40)
      // A request started after the halving that is throttled again halves again.
      pacer.slowDown(5000, {requestStartedMs: 4000})
      assert.equal(pacer.state(5000).currentRate, 20)
      // Without start times, events within one window count once.
      pacer.slowDown(9000)
      pacer.slowDown(9500)
      assert.equal(pacer.state(9500).currentRate, 10)
      assert.equal(pacer.state(9500).slowDowns, 3)
    })

    it('never goes below 1/s', () => {
      const pacer = new RatePacer({rate: 4})
      for (let i = 0; i < 10; i++) pacer.slowDown(i * 2000)
      assert.equal(pacer.state(20_000).currentRate, 1)
    })

    it('recovers gradually after quiet time, up to the target and no further', () => {
      const pacer = new RatePacer({rate: 100, recoveryFraction: 0.1, recoveryStepMs: 5000})
      pacer.slowDown(0, {pauseUntilMs: 1000})
      assert.equal(pacer.state(1000).currentRate, 50)
      assert.equal(pacer.state(5999).currentRate, 50)
      assert.equal(pacer.state(6000).currentRate, 60)
      assert.equal(pacer.state(11_000).currentRate, 70)
      assert.equal(pacer.state(60_000).currentRate, 100)
      // A new throttle restarts the quiet period.
      pacer.slowDown(60_000, {pauseUntilMs: 60_000})
      assert.equal(pacer.state(64_999).currentRate, 50)
      assert.equal(pacer.state(65_000).currentRate, 60)
    })

    it('simulated run with throttling: windows respect the rate in force, and the target, always', () => {
      const pacer = new RatePacer({rate: 200, recoveryStepMs: 2000})
      const events: Array<[number, (now: number) => void]> = [
        [1000, now => pacer.slowDown(now, {pauseUntilMs: now + 500})],
        [1200, now => pacer.slowDown(now, {requestStartedMs: 900})],
        [4000, now => pacer.slowDown(now)],
      ]
      const sim = simulate(pacer, 30_000, {events})
      assertWindowsRespectRate(sim)
      assert.ok(maxInWindow(timesOf(sim)) <= 200)
      assert.equal(sim.starts.at(-1)![1], 200, 'back to the target')
    })
  })

  it('property: for any rate, lateness and throttling, no closed 1-second window holds more than the rate', () => {
    fc.assert(
      fc.property(
        fc.integer({max: 1000, min: 1}),
        fc.array(fc.double({max: 5, min: 0, noNaN: true}), {maxLength: 50, minLength: 1}),
        fc.array(fc.tuple(fc.integer({max: 4000, min: 0}), fc.option(fc.integer({max: 3000, min: 0}))), {
          maxLength: 4,
        }),
        (rate, lateness, throttles) => {
          const pacer = new RatePacer({rate, recoveryStepMs: 700})
          let i = 0
          const events = throttles.map(([at, pause]): [number, (now: number) => void] => [
            at,
            now => pacer.slowDown(now, pause === null ? {} : {pauseUntilMs: now + pause}),
          ])
          const sim = simulate(pacer, 5000, {events, late: () => lateness[i++ % lateness.length]})
          assertWindowsRespectRate(sim)
          assert.ok(maxInWindow(timesOf(sim)) <= rate)
        },
      ),
      {numRuns: 150},
    )
  })
})

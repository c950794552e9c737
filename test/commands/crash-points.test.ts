/**
 * Kills real CLI processes inside their commit: at each named point of the transaction protocol
 * (CERVENO_CRASH_AT=<point>:<n>, src/io/crash-points.ts) and at random moments, for every command that changes the
 * data folder. After each kill a read completes whatever was committed; then every file must be valid, and the
 * folder must be exactly as before the command or exactly as after it (approvals with their subscribers, audit
 * lines with their changes, an export whole or absent), and an erasure must leave no trace of the citizen.
 */
import {strict as assert} from 'node:assert'
import path from 'node:path'

import {runCli, spawnCli, tempDir} from '../helpers/cli.js'
import {
  buildTemplate, clearDeadLock, copyFolder, type Scenario, SCENARIOS, snapshot, sweepByNextChange, traces,
} from '../helpers/folder-check.js'

const POINTS = ['temp', 'record', 'audit', 'rename', 'done'] as const
/** More hits than any of these commands makes of one point: the series stops at the first run not killed. */
const MAX_HITS = 12
const RANDOM_KILLS = 100

interface Expected {
  after: string
  before: string
  /** A clean run's wall time, to spread random kills over a whole run. */
  ms: number
}

describe('transaction crash points (CLI, SIGKILL)', function () {
  this.timeout(600_000)
  let root: string
  let template: string
  let cleanup: () => void
  const expected = new Map<string, Expected>()
  let copies = 0
  const fresh = () => {
    const dataDir = path.join(root, `copia-${++copies}`)
    copyFolder(template, dataDir)
    return dataDir
  }

  before(async () => {
    ({cleanup, dir: root} = tempDir())
    template = path.join(root, 'modello')
    await buildTemplate(template)
    await Promise.all(SCENARIOS.map(async s => {
      const before = await snapshot(fresh())
      const dataDir = fresh()
      const t0 = Date.now()
      const r = await runCli(s.args(dataDir), dataDir)
      const ms = Date.now() - t0
      assert.equal(r.code, 0, `${s.name}: ${r.stderr}`)
      const after = await snapshot(dataDir)
      assert.notEqual(after, before, `${s.name} changes nothing`)
      if (s.name === 'privacy erase') assert.deepEqual(traces(dataDir), [])
      expected.set(s.name, {after, before, ms})
    }))
  })

  after(() => cleanup?.())

  /** The folder after a kill: before or after the command, never in between; `want` when the kill point says which. */
  async function check(s: Scenario, dataDir: string, label: string, want?: 'after' | 'before'): Promise<'after' | 'before'> {
    const {after, before} = expected.get(s.name)!
    const now = await snapshot(dataDir)
    const state = now === after ? 'after' : (now === before ? 'before' : undefined)
    assert.ok(state, `${s.name}, ${label}: the folder is neither as before nor as after the command\n${now}\nbefore ${before}\nafter  ${after}`)
    if (want) assert.equal(state, want, `${s.name}, ${label}`)
    if (state === 'after' && s.name === 'privacy erase') assert.deepEqual(traces(dataDir), [], `${s.name}, ${label}: traces left`)
    return state
  }

  it('at every named point of the commit: all of the change or none, rolled forward once the record is written', async function () {
    const killed: string[] = []
    await Promise.all(SCENARIOS.map(async s => {
      for (const point of POINTS) {
        for (let n = 1; n <= MAX_HITS; n++) {
          const dataDir = fresh()
          const r = await runCli(s.args(dataDir), dataDir, {env: {CERVENO_CRASH_AT: `${point}:${n}`}})
          const label = `${point}:${n}`
          if (r.signal !== 'SIGKILL') {
            assert.equal(r.code, 0, `${s.name}, ${label}: ${r.stderr}`)
            assert.ok(n > 1, `${s.name} never reached ${point}`)
            await check(s, dataDir, label, 'after')
            break
          }

          killed.push(`${s.name} ${label}`)
          clearDeadLock(dataDir)
          // The first kill of each series is checked through a real read command, the others through the same
          // read in this process (DataFolder, as every command opens it).
          if (n === 1) {
            const read = await runCli(['subscribers', '--json'], dataDir)
            assert.equal(read.code, 0, `${s.name}, ${label}: the read after the kill failed: ${read.stderr}`)
          }

          // Killed before the record: nothing happened. At or after it: the next read completed the change.
          await check(s, dataDir, label, point === 'temp' ? 'before' : 'after')
          if (point === 'temp') await sweepByNextChange(dataDir)
        }
      }
    }))
    this.test!.title += ` (${killed.length} kills)`
  })

  it(`${RANDOM_KILLS} SIGKILLs at random moments: all of the change or none`, async function () {
    const seen = {after: 0, before: 0}
    await Promise.all(SCENARIOS.map(async (s, lane) => {
      for (let i = lane; i < RANDOM_KILLS; i += SCENARIOS.length) {
        const dataDir = fresh()
        const child = spawnCli(s.args(dataDir), dataDir)
        const delay = Math.floor(expected.get(s.name)!.ms * (0.4 + Math.random() * 0.7))
        await new Promise<void>(resolve => {
          const timer = setTimeout(() => child.kill('SIGKILL'), delay)
          child.on('close', () => {
            clearTimeout(timer)
            resolve()
          })
        })
        clearDeadLock(dataDir)
        seen[await check(s, dataDir, `random kill ${i} after ${delay} ms`)]++
      }
    }))
    // Not an assertion on timing: how the kills fell.
    this.test!.title += ` (${seen.before} before, ${seen.after} after)`
  })
})

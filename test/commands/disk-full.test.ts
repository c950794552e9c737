/**
 * A full disk, for real: each command runs in a data folder on its own small tmpfs, filled by a filler file to
 * leave 0, 4 KiB, 8 KiB… free, up to the space it needs. Whatever the free space: never a truncated file, never
 * exit 0 for a change that is not on disk, and a failure is exit 6 with the Italian "spazio su disco esaurito",
 * the folder as before (or, when the message says the change was committed, as after once completed).
 * Needs root to mount (CI runs as root); skipped with the reason otherwise.
 */
import {strict as assert} from 'node:assert'
import {execFileSync} from 'node:child_process'
import {
  mkdirSync, readdirSync, rmSync, statfsSync, writeFileSync,
} from 'node:fs'
import path from 'node:path'

import {runCli, tempDir} from '../helpers/cli.js'
import {
  BROADCAST_DRY_RUN, buildTemplate, copyFolder, SCENARIOS, snapshot, traces,
} from '../helpers/folder-check.js'

const STEP = 4096
/** More than any of these commands needs in the seeded folder: a run that never succeeds is a failure. */
const MAX_STEPS = 48
const SIZE = '4m'

function mount(dir: string): string | undefined {
  mkdirSync(dir, {recursive: true})
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE},mode=0700`, 'tmpfs', dir], {stdio: 'pipe'})
    return undefined
  } catch (error) {
    return String((error as {stderr?: Buffer}).stderr ?? error).trim()
  }
}

/** Fills the filesystem of `dir` so that `free` bytes stay available. */
function fill(dir: string, free: number): void {
  const s = statfsSync(dir)
  const available = Number(s.bavail) * Number(s.bsize)
  writeFileSync(path.join(dir, 'riempitivo'), Buffer.alloc(Math.max(0, available - free)))
}

describe('disk full (real tmpfs)', function () {
  this.timeout(600_000)
  let root: string
  let cleanup: (() => void) | undefined
  const mounts: string[] = []

  before(function () {
    if (process.getuid?.() !== 0) {
      console.log('      (saltato: serve root per montare un tmpfs)')
      this.skip()
    }

    ({cleanup, dir: root} = tempDir())
    const probe = path.join(root, 'prova')
    const why = mount(probe)
    if (why !== undefined) {
      console.log(`      (saltato: mount -t tmpfs non riuscito: ${why})`)
      this.skip()
    }

    mounts.push(probe)
  })

  after(() => {
    for (const m of mounts) {
      try {
        execFileSync('umount', [m], {stdio: 'pipe'})
      } catch {}
    }

    cleanup?.()
  })

  it('add, import, approve-all, erase, export, broadcast run creation at every free space: exit 0 and on disk, or exit 6 and nothing done', async function () {
    const template = path.join(root, 'modello')
    await buildTemplate(template)
    const tried: string[] = []
    await Promise.all([...SCENARIOS, BROADCAST_DRY_RUN].map(async (s, lane) => {
      const disk = path.join(root, `disco-${lane}`)
      const why = mount(disk)
      assert.equal(why, undefined, why)
      mounts.push(disk)
      const dataDir = path.join(disk, 'dati')
      const fresh = () => {
        rmSync(dataDir, {force: true, recursive: true})
        rmSync(path.join(disk, 'riempitivo'), {force: true})
        copyFolder(template, dataDir)
      }

      fresh()
      const before = await snapshot(dataDir)
      for (let step = 0; ; step++) {
        assert.ok(step <= MAX_STEPS, `${s.name}: still failing with ${MAX_STEPS * STEP} bytes free`)
        fresh()
        fill(disk, step * STEP)
        const r = await runCli([...s.args(dataDir), '--json'], dataDir)
        // Space back before looking, as the clerk would do before the next command.
        rmSync(path.join(disk, 'riempitivo'), {force: true})
        const label = `${s.name} with ${step * STEP} bytes free`
        if (r.code === 0) {
          const now = await snapshot(dataDir)
          assert.notEqual(now, before, `${label}: exit 0 but the change is not on disk`)
          if (s.name === 'privacy erase') assert.deepEqual(traces(dataDir), [], label)
          tried.push(`${s.name}: ${step} steps`)
          return
        }

        const {error} = (JSON.parse(r.stdout) as {error: {code: string; exitCode: number; message: string}})
        assert.equal(r.code, 6, `${label}: exit ${r.code}: ${r.stdout}${r.stderr}`)
        assert.equal(error.code, 'DISK_FULL', label)
        assert.match(error.message, /spazio su disco esaurito/i, label)
        assert.ok(error.message.includes(disk), `${label}: the message names the folder: ${error.message}`)
        const nothing = /nessuna modifica è stata fatta/.test(error.message)
        const now = await snapshot(dataDir)
        if (nothing) assert.equal(now, before, `${label}: "nessuna modifica" but the folder changed`)
      }
    }))
    this.test!.title += ` (${tried.join(', ')})`
  })

  it('an export to another, full disk names that disk\'s folder, not the data folder, and leaves nothing there', async () => {
    const dataDir = path.join(root, 'dati-export')
    await buildTemplate(dataDir)
    const disk = path.join(root, 'chiavetta')
    const why = mount(disk)
    assert.equal(why, undefined, why)
    mounts.push(disk)
    const before = await snapshot(dataDir)
    fill(disk, 0)
    const out = path.join(disk, 'iscritti.csv')
    const r = await runCli(['export', 'subscribers', '--out', out, '--json'], dataDir)
    rmSync(path.join(disk, 'riempitivo'), {force: true})
    assert.equal(r.code, 6, r.stdout + r.stderr)
    const {error} = JSON.parse(r.stdout) as {error: {code: string; message: string}}
    assert.equal(error.code, 'DISK_FULL')
    assert.ok(error.message.includes(disk), error.message)
    assert.ok(!error.message.includes(dataDir), `the data folder is not the full one: ${error.message}`)
    assert.match(error.message, /nessuna modifica è stata fatta/)
    assert.deepEqual(readdirSync(disk), [])
    assert.equal(await snapshot(dataDir), before)
  })
})

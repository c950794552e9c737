import {strict as assert} from 'node:assert'
import {spawnSync} from 'node:child_process'
import {
  existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync,
} from 'node:fs'
import {hostname} from 'node:os'
import path from 'node:path'

import {
  freshDataDir, runJson, spawnCli,
} from '../helpers/cli.js'
import {type FakeCloudApi, startFakeCloudApi} from '../helpers/fake-cloud-api.js'
import {KEY, PtySession} from '../helpers/pty.js'
import {
  apiEnv, runIds, seedSubscribers, writeNotice,
} from './broadcast.helpers.js'

interface ErrorDoc {
  error: {code: string; exitCode: number; message: string}
}

const LINUX = process.platform === 'linux'

/** A pid that belonged to a process which has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {encoding: 'utf8'})
  return Number(child.stdout)
}

/** Linux: a process's start time in clock ticks after boot, and the boot id, as the lock records them. */
function procIdentity(pid: number): {bootId: string; procStart: number} {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return {
    bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
    procStart: Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[19]),
  }
}

describe('data-folder locks that cannot wedge (CLI)', function () {
  this.timeout(120_000)
  let dataDir: string
  let root: string
  let cleanup: () => void
  let fake: FakeCloudApi | undefined

  beforeEach(async () => {
    ({cleanup, dataDir, root} = await freshDataDir())
  })

  afterEach(async () => {
    await fake?.close()
    fake = undefined
    cleanup()
  })

  const lockFile = () => path.join(dataDir, '.lock')
  const add = (phone = '3331234567') => runJson<ErrorDoc & {phone: string}>(['subscribers', 'add', phone, 'Paolo Rossi'], dataDir)

  it('a lock of this computer whose process is gone is taken over at once', async () => {
    writeFileSync(lockFile(), JSON.stringify({host: hostname(), pid: deadPid(), since: Date.now() - 1000}))
    const r = await add()
    assert.equal(r.code, 0, r.stdout)
    assert.equal(r.json.phone, '+393331234567')
    assert.ok(!existsSync(lockFile()), 'the lock is released after the command')

    // Again, with the breaker of a take-over killed midway left behind: still taken over.
    writeFileSync(lockFile(), JSON.stringify({host: hostname(), pid: deadPid(), since: Date.now() - 1000}))
    writeFileSync(`${lockFile()}.break`, '')
    const old = new Date(Date.now() - 60_000)
    utimesSync(`${lockFile()}.break`, old, old)
    const again = await add('3331234568')
    assert.equal(again.code, 0, again.stdout)
    assert.ok(!existsSync(lockFile()) && !existsSync(`${lockFile()}.break`))

    // The lock's own temp file, left by a process gone before it could remove it (a full disk): the next change
    // removes it; one of a process still running (about to take the lock) stays.
    const dead = `${lockFile()}.${deadPid()}.0badcafe.tmp`
    const alive = `${lockFile()}.${process.pid}.0badcafe.tmp`
    writeFileSync(dead, '')
    writeFileSync(alive, '')
    assert.equal((await add('3331234569')).code, 0)
    assert.ok(!existsSync(dead), 'the dead process\'s temp file is gone')
    assert.ok(existsSync(alive), 'a live process\'s temp file stays')
  })

  it('a lock whose pid is alive but belongs to a process started at another time is taken over', async function () {
    if (!LINUX) this.skip()
    // This test process is alive; the record says it started one tick later than it did: a reused pid.
    const me = procIdentity(process.pid)
    writeFileSync(lockFile(), JSON.stringify({
      bootId: me.bootId, host: hostname(), pid: process.pid, procStart: me.procStart + 1, since: Date.now() - 60_000,
    }))
    const r = await add()
    assert.equal(r.code, 0, r.stdout)
    // The same record with the true start time is a live holder: waited for, then exit 4.
    writeFileSync(lockFile(), JSON.stringify({
      ...me, host: hostname(), pid: process.pid, since: Date.now(),
    }))
    const held = await add('3331234568')
    assert.equal(held.code, 4)
    assert.equal(held.json.error.code, 'LOCK_HELD')
    assert.match(held.json.error.message, new RegExp(`processo ${process.pid}`))
  })

  it('a lock folder of the previous lock library, left by a process no longer running, never gives ENOTEMPTY', async () => {
    mkdirSync(lockFile())
    writeFileSync(path.join(lockFile(), 'proprietario.json'), JSON.stringify({host: hostname(), pid: process.pid}))
    const old = new Date(Date.now() - 60_000)
    utimesSync(lockFile(), old, old)
    const r = await add()
    assert.equal(r.code, 0, r.stdout)
    assert.doesNotMatch(r.stdout + r.stderr, /ENOTEMPTY/)
    assert.ok(!existsSync(lockFile()))
  })

  it('another computer\'s lock: exit 4 naming the computer and the age; `unlock --yes` releases it, audited', async () => {
    const since = Date.now() - 3 * 3_600_000
    writeFileSync(lockFile(), JSON.stringify({
      command: 'review', host: 'PC-ANAGRAFE', pid: 4242, since,
    }))
    const held = await add()
    assert.equal(held.code, 4)
    assert.equal(held.json.error.code, 'LOCK_HELD')
    assert.match(held.json.error.message, /computer "PC-ANAGRAFE" da 3 ore/)
    assert.match(held.json.error.message, /cerveno-info unlock/)

    // Without --yes and without a terminal it asks for --yes, changing nothing.
    const refused = await runJson<ErrorDoc>(['unlock'], dataDir)
    assert.equal(refused.code, 2)
    assert.ok(existsSync(lockFile()))

    const u = await runJson<{released: Array<{ageMs: number; host: string; lock: string; pid: number; verdict: string}>}>(['unlock', '--yes'], dataDir)
    assert.equal(u.code, 0, u.stdout)
    assert.deepEqual(u.json.released.map(l => [l.lock, l.host, l.pid, l.verdict]), [['data', 'PC-ANAGRAFE', 4242, 'foreign']])
    assert.ok(u.json.released[0].ageMs >= 3 * 3_600_000)
    assert.ok(!existsSync(lockFile()))
    const audit = readFileSync(path.join(dataDir, 'registro.jsonl'), 'utf8').trim().split('\n').map(l => JSON.parse(l))
    assert.equal(audit.at(-1).action, 'folder.unlock')

    const after = await add()
    assert.equal(after.code, 0, after.stdout)
    assert.equal((await runJson<{released: unknown[]}>(['unlock', '--yes'], dataDir)).json.released.length, 0)

    // The broadcast run lock of another computer is listed and released too.
    writeFileSync(path.join(dataDir, 'invii', '.lock'), JSON.stringify({host: 'PC-ANAGRAFE', pid: 77, since}))
    const both = await runJson<{released: Array<{lock: string}>}>(['unlock', '--yes'], dataDir)
    assert.deepEqual(both.json.released.map(l => l.lock), ['broadcast'])
    assert.ok(!existsSync(path.join(dataDir, 'invii', '.lock')))
  })

  it('`unlock` asks before releasing, and refuses a lock of a command still running here', async () => {
    writeFileSync(lockFile(), JSON.stringify({host: 'PC-ANAGRAFE', pid: 4242, since: Date.now() - 120_000}))
    const no = new PtySession(['unlock'], dataDir)
    await no.waitFor('Rimuovere il blocco?')
    assert.match(no.screen, /computer "PC-ANAGRAFE", processo 4242, da 2 minuti/)
    no.press(KEY.enter)
    assert.equal((await no.exit).exitCode, 130, 'the default answer is no')
    assert.ok(existsSync(lockFile()))

    const yes = new PtySession(['unlock'], dataDir)
    await yes.waitFor('Rimuovere il blocco?')
    yes.type('y')
    yes.press(KEY.enter)
    assert.equal((await yes.exit).exitCode, 0, yes.screen)
    assert.match(yes.screen, /Blocco rimosso/)
    assert.ok(!existsSync(lockFile()))

    // A live process of this computer (this test) holds it: never released by unlock.
    writeFileSync(lockFile(), JSON.stringify({
      ...(LINUX ? procIdentity(process.pid) : {}), host: hostname(), pid: process.pid, since: Date.now(),
    }))
    const alive = await runJson<ErrorDoc>(['unlock', '--yes'], dataDir)
    assert.equal(alive.code, 4)
    assert.equal(alive.json.error.code, 'LOCK_IN_USE')
    assert.ok(existsSync(lockFile()))
  })

  it('a broadcast killed mid-run (SIGKILL) leaves its run lock, and --resume takes it over at once', async () => {
    seedSubscribers(dataDir, 120)
    fake = await startFakeCloudApi({latencyMs: 100})
    const env = apiEnv(fake)
    const child = spawnCli(['broadcast', '--file', writeNotice(root), '--yes', '--rate', '20'], dataDir, {env})
    const closed = new Promise<NodeJS.Signals | null>(resolve => {
      child.on('close', (_code, signal) => resolve(signal))
    })
    for (let i = 0; i < 600 && fake.requests.length < 10; i++) await new Promise(r => setTimeout(r, 50))
    assert.ok(fake.requests.length >= 10, 'the broadcast is sending')
    child.kill('SIGKILL')
    assert.equal(await closed, 'SIGKILL')
    const runLock = path.join(dataDir, 'invii', '.lock')
    assert.equal(JSON.parse(readFileSync(runLock, 'utf8')).pid, child.pid, 'the killed run left its lock')

    const [id] = runIds(dataDir)
    const resumed = await runJson<ErrorDoc & {id: string}>(['broadcast', '--resume', id, '--yes', '--rate', '200'], dataDir, {env})
    assert.equal(resumed.code, 0, resumed.stdout)
    assert.equal(resumed.json.id, id)
    assert.ok(!existsSync(runLock))
  })
})

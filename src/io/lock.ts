/**
 * The data folder's lock (and the broadcast run lock, `invii/.lock`): a small lock of our own.
 *
 * The lock is a file, `.lock`, holding its owner's record: host, pid, and what tells a reused pid from the
 * original (see LockOwner). It is written complete beside its name and hard-linked into place: link() fails when
 * the name exists, so taking the lock is atomic and nobody ever reads a half-written record. Where the filesystem
 * has no hard links (FAT, some network shares) it falls back to an exclusive create (O_EXCL).
 *
 * Why not proper-lockfile any more: its lock is a folder judged by its mtime, refreshed by a timer. Any lock older
 * than its stale time was "stale" whoever held it (a live holder on another computer included), and it could not
 * remove the folder once we had put an owner file in it ("ENOTEMPTY rmdir .lock", issue #13). Here the owner is
 * judged, not the age:
 * - a lock of this host whose process is gone (no such pid, a zombie, a pid now used by a process started at
 *   another time, or a lock from before the last boot) is taken over at once;
 * - a lock of a live process of this host is waited for;
 * - a lock of another host is never taken over: after the wait, exit 4 names the host and the lock's age, and
 *   `cerveno-info unlock` releases it.
 *
 * A take-over holds a second, short-lived lock (`.lock.break`) while it checks that the lock is still the one it
 * judged and removes it, so two processes taking over at the same time never remove each other's new lock.
 */
import {randomBytes} from 'node:crypto'
import {
  type FileHandle, link, lstat, open, readFile, rm, stat, unlink, writeFile,
} from 'node:fs/promises'
import {hostname, uptime} from 'node:os'
import path from 'node:path'

import {CervenoError} from '../core/errors.js'

export const LOCK_NAME = '.lock'
/** The owner file of the lock folders proper-lockfile made (earlier versions); read to judge them. */
const LEGACY_OWNER_FILE = 'proprietario.json'
/** proper-lockfile refreshed its folder's mtime every 5 s and held it stale after 10 s. */
const LEGACY_STALE_MS = 10_000
/** How long a second process waits for the data folder before giving up with exit 4. */
export const LOCK_WAIT_MS = 5000
/** Tries at taking over a dead owner's lock while another take-over is under way (25 ms apart). */
const MAX_TAKE_OVER_TRIES = 200
/** How many waits a command spends, at most, behind a queue of other commands taking the lock in turn. */
const QUEUE_WAITS = 6
/** A lock file with no readable record this old is a holder killed while creating it (O_EXCL fallback only). */
const ORPHAN_AFTER_MS = 3000
/** A take-over's own lock is held for milliseconds: one this old belongs to a process killed holding it. */
const BREAKER_STALE_MS = 5000
/** Slack on "before the last boot" when there is no boot id: boot time from uptime drifts with the clock. */
const BOOT_SLACK_MS = 120_000

/** Who holds a lock. */
export interface LockOwner {
  /** Linux: /proc/sys/kernel/random/boot_id, which changes at every boot. */
  bootId?: string
  /** What took it (the command line's first words), shown by `unlock`. */
  command?: string
  host: string
  pid: number
  /**
   * Linux: the process's start time, in clock ticks after boot (/proc/<pid>/stat, field 22): the same pid with
   * another start time is another process. Elsewhere there is no way to read another process's start time
   * without running a program, so a reused pid is told only when the lock is older than the last boot.
   */
  procStart?: number
  /** When the lock was taken, ms since 1970. */
  since: number
}

/** What a lock file says about its owner, and whether that owner can still be holding it. */
export interface LockState {
  kind: 'dir' | 'file'
  owner?: LockOwner
  /** The lock's bytes as read: a take-over removes the lock only if it still holds these. */
  raw: string
  /**
   * `alive`: a running process of this host (or a record being written); `gone`: its holder no longer exists;
   * `foreign`: held by another host, whose processes cannot be seen from here.
   */
  verdict: 'alive' | 'foreign' | 'gone'
}

const LINUX = process.platform === 'linux'

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8')
  } catch {
    return undefined
  }
}

let bootIdCache: null | string | undefined
async function bootId(): Promise<string | undefined> {
  if (bootIdCache === undefined) bootIdCache = LINUX ? (await readText('/proc/sys/kernel/random/boot_id'))?.trim() ?? null : null
  return bootIdCache ?? undefined
}

/** State and start time (clock ticks after boot) of a Linux process, or undefined when there is none. */
async function procStat(pid: 'self' | number): Promise<undefined | {start: number; state: string}> {
  const text = await readText(`/proc/${pid}/stat`)
  if (text === undefined) return undefined
  // The command name (field 2) is in parentheses and may hold spaces or parentheses: count from the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  return {start: Number(fields[19]), state: fields[0]}
}

/** This process's record. */
export async function currentOwner(command?: string): Promise<LockOwner> {
  const owner: LockOwner = {host: hostname(), pid: process.pid, since: Date.now()}
  if (command) owner.command = command
  const boot = await bootId()
  if (boot) owner.bootId = boot
  const self = LINUX ? await procStat('self') : undefined
  if (self && Number.isFinite(self.start)) owner.procStart = self.start
  return owner
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Whether the process that took a lock of this host is still running (the same process, not a reused pid). */
async function ownerAlive(owner: LockOwner): Promise<boolean> {
  // Our own pid: ours if taken since this process started, else a predecessor's that had the same pid.
  if (owner.pid === process.pid) return owner.since >= Date.now() - process.uptime() * 1000 - 1000
  const boot = await bootId()
  if (owner.bootId && boot && owner.bootId !== boot) return false
  if (!owner.bootId && owner.since < Date.now() - uptime() * 1000 - BOOT_SLACK_MS) return false
  if (!Number.isInteger(owner.pid) || owner.pid <= 0 || !pidExists(owner.pid)) return false
  if (!LINUX) return true
  const now = await procStat(owner.pid)
  if (!now || now.state === 'Z') return false
  return owner.procStart === undefined || now.start === owner.procStart
}

function parseOwner(raw: string): LockOwner | undefined {
  try {
    const o = JSON.parse(raw) as Partial<LockOwner>
    if (typeof o.host !== 'string' || typeof o.pid !== 'number') return undefined
    return {...o, since: typeof o.since === 'number' ? o.since : 0} as LockOwner
  } catch {
    return undefined
  }
}

/** The lock at `lockPath` and its holder's verdict, or undefined when there is no lock. */
export async function inspectLock(lockPath: string): Promise<LockState | undefined> {
  let info
  try {
    info = await lstat(lockPath)
  } catch {
    return undefined
  }

  const mtime = info.mtimeMs
  if (info.isDirectory()) {
    // A lock folder left by an older version (proper-lockfile).
    const raw = (await readText(path.join(lockPath, LEGACY_OWNER_FILE))) ?? ''
    const legacy = parseOwner(raw)
    const owner = legacy ? {...legacy, since: mtime} : undefined
    const fresh = Date.now() - mtime < LEGACY_STALE_MS
    let verdict: LockState['verdict']
    if (owner && owner.host !== hostname()) verdict = 'foreign'
    else verdict = fresh && (!owner || pidExists(owner.pid)) ? 'alive' : 'gone'
    return {
      kind: 'dir', owner, raw: `dir:${mtime}:${raw}`, verdict,
    }
  }

  const raw = await readText(lockPath)
  if (raw === undefined) return undefined
  const owner = parseOwner(raw)
  if (!owner) {
    return {kind: 'file', raw, verdict: Date.now() - mtime > ORPHAN_AFTER_MS ? 'gone' : 'alive'}
  }

  let verdict: LockState['verdict'] = 'foreign'
  if (owner.host === hostname()) verdict = (await ownerAlive(owner)) ? 'alive' : 'gone'
  return {
    kind: 'file', owner, raw, verdict,
  }
}

/** Same lock as when judged: the same bytes (and, for a legacy folder, the same mtime). */
async function sameLock(lockPath: string, seen: LockState): Promise<boolean> {
  if (seen.kind === 'dir') {
    const now = await inspectLock(lockPath)
    return now?.raw === seen.raw
  }

  return (await readText(lockPath)) === seen.raw
}

/** Runs fn holding `.lock.break`; returns false (fn not run) while another process holds it. */
async function withBreaker(lockPath: string, fn: () => Promise<void>): Promise<boolean> {
  const breaker = `${lockPath}.break`
  let fd: FileHandle
  try {
    fd = await open(breaker, 'wx', 0o600)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    // Held for milliseconds: an old one is a process killed holding it.
    const info = await stat(breaker).catch(() => {})
    if (info && Date.now() - info.mtimeMs > BREAKER_STALE_MS) await unlink(breaker).catch(() => {})
    return false
  }

  try {
    await fd.close()
    await fn()
    return true
  } finally {
    await unlink(breaker).catch(() => {})
  }
}

/**
 * Removes the lock if it is still the one judged in `seen`. Returns true when it is gone (removed here or by
 * someone else), false when it changed owner or another take-over is under way.
 */
export async function breakLock(lockPath: string, seen: LockState): Promise<boolean> {
  let removed = false
  const ran = await withBreaker(lockPath, async () => {
    if (!(await sameLock(lockPath, seen))) return
    await (seen.kind === 'dir' ? rm(lockPath, {force: true, recursive: true}) : unlink(lockPath).catch(() => {}))
    removed = true
  })
  return ran && (removed || (await inspectLock(lockPath)) === undefined)
}

/** Creates the lock file holding `record`, atomically; false when a lock is already there. */
async function create(lockPath: string, record: string): Promise<boolean> {
  const temp = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    await writeFile(temp, record, {mode: 0o600})
    await link(temp, lockPath)
    return true
  } catch (error) {
    const {code} = error as NodeJS.ErrnoException
    if (code === 'EEXIST') return false
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw error
  } finally {
    await unlink(temp).catch(() => {})
  }

  // No hard links here: exclusive create, then the record (a reader seeing it empty waits ORPHAN_AFTER_MS).
  let fd: FileHandle
  try {
    fd = await open(lockPath, 'wx', 0o600)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }

  try {
    await fd.writeFile(record)
  } catch (error) {
    // A lock without its record (disk full) would make others wait for nothing: it goes.
    await fd.close().catch(() => {})
    await unlink(lockPath).catch(() => {})
    throw error
  }

  await fd.close()
  return true
}

/** LOCK_HELD (exit 4) for the lock of `dir` held by `state`'s owner: its pid, age, and host when it is another. */
export function lockHeld(dir: string, state: LockState | undefined): CervenoError {
  const owner = state?.owner
  return new CervenoError('LOCK_HELD', {
    ageMs: owner && owner.since > 0 ? Math.max(0, Date.now() - owner.since) : undefined,
    dir,
    host: state?.verdict === 'foreign' ? owner?.host : undefined,
    pid: owner?.pid,
  })
}

const sleep = (ms: number) => new Promise(resolve => {
  setTimeout(resolve, ms)
})

/** Takes the lock of `dir`, waiting up to waitMs for a live holder; throws LOCK_HELD (exit 4) after that. */
async function acquire(dir: string, waitMs: number): Promise<string> {
  const lockPath = path.join(dir, LOCK_NAME)
  // The command's words only (`subscribers add`), never its arguments: a lock file is not erased by privacy erase.
  const words = process.argv.slice(2, 4).filter(w => /^[a-z][a-z-]*$/.test(w))
  const record = JSON.stringify(await currentOwner(words.join(' ')))
  const start = Date.now()
  let deadline = start + waitMs
  let seen: string | undefined
  let takeOvers = 0
  for (let attempt = 0; ; attempt++) {
    if (await create(lockPath, record)) return record
    const state = await inspectLock(lockPath)
    if (!state) continue
    if (state.verdict === 'gone') {
      if (await breakLock(lockPath, state)) continue
      // Another process is taking it over (or a take-over killed midway left its breaker): a dead owner's lock is
      // not a held one, even for a caller that does not wait (a broadcast's --resume).
      if (++takeOvers <= MAX_TAKE_OVER_TRIES) {
        await sleep(25)
        continue
      }
    }

    // A queue of short commands (20 adds at once) is progress, not a held lock: the wait restarts each time the
    // lock changes hands, up to QUEUE_WAITS waits in all.
    if (seen !== undefined && state.raw !== seen) deadline = Math.min(Date.now() + waitMs, start + QUEUE_WAITS * waitMs)
    seen = state.raw
    if (Date.now() >= deadline) throw lockHeld(dir, state)
    await sleep(Math.min(50 + attempt * 25, 250))
  }
}

/** Removes the lock if it is still ours (`unlock` on another computer may have released it). */
async function release(dir: string, record: string): Promise<void> {
  const lockPath = path.join(dir, LOCK_NAME)
  if ((await readText(lockPath)) === record) await unlink(lockPath).catch(() => {})
}

/** Runs fn while holding the lock of `dir`; throws LOCK_HELD (exit 4) after waiting waitMs for its holder. */
export async function withLock<T>(dir: string, fn: () => Promise<T>, waitMs = LOCK_WAIT_MS): Promise<T> {
  const record = await acquire(dir, waitMs)
  try {
    return await fn()
  } finally {
    await release(dir, record)
  }
}

/** Whether a live process on this machine (or any process elsewhere) holds the lock of `dir` now; nothing is taken. */
export async function isLockHeld(dir: string): Promise<boolean> {
  const state = await inspectLock(path.join(dir, LOCK_NAME))
  return state !== undefined && state.verdict !== 'gone'
}

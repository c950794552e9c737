import {
  readFile, rename, rm, stat, utimes, writeFile,
} from 'node:fs/promises'
import {hostname} from 'node:os'
import path from 'node:path'
import lockfile from 'proper-lockfile'

import {CervenoError} from '../core/errors.js'

const LOCK_DIR = '.lock'
const OWNER_FILE = 'proprietario.json'
/** How long a second process waits for the data folder before giving up with exit 4. */
export const LOCK_WAIT_MS = 5000

interface Owner {
  host: string
  pid: number
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function readOwner(lockPath: string): Promise<Owner | undefined> {
  try {
    return JSON.parse(await readFile(path.join(lockPath, OWNER_FILE), 'utf8')) as Owner
  } catch {
    return undefined
  }
}

/** A live holder writes its owner file right after taking the lock: a lock this old without one is orphaned. */
const ORPHAN_AFTER_MS = 3000

/**
 * proper-lockfile only notices a killed holder after its stale time (5 s at least). The owner file
 * lets a later command on the same machine take over at once from a process that no longer exists.
 * The rename makes the take-over atomic; if the renamed lock turns out to belong to a live process
 * (it was re-taken between our check and the rename), it is put back.
 */
async function breakDeadLock(lockPath: string): Promise<boolean> {
  const owner = await readOwner(lockPath)
  if (owner ? owner.host !== hostname() || isAlive(owner.pid) : !(await isOrphan(lockPath))) return false
  const aside = `${lockPath}-morto-${process.pid}-${Date.now()}`
  try {
    await rename(lockPath, aside)
  } catch {
    return false
  }

  const moved = await readOwner(aside)
  if (moved && moved.pid !== owner?.pid) {
    await rename(aside, lockPath).catch(() => {})
    return false
  }

  await rm(aside, {force: true, recursive: true})
  return true
}

/** Killed between taking the lock and writing its owner file, or while releasing it. */
async function isOrphan(lockPath: string): Promise<boolean> {
  try {
    const info = await stat(lockPath)
    return Date.now() - Math.max(info.mtimeMs, info.ctimeMs) > ORPHAN_AFTER_MS
  } catch {
    return false
  }
}

/** Runs fn while holding the data-folder lock; throws LOCK_HELD (exit 4) after waiting LOCK_WAIT_MS. */
export async function withLock<T>(dir: string, fn: () => Promise<T>, waitMs = LOCK_WAIT_MS): Promise<T> {
  const lockPath = path.join(dir, LOCK_DIR)
  const deadline = Date.now() + waitMs
  let release!: () => Promise<void>
  let compromised: Error | undefined
  for (let attempt = 0; ; attempt++) {
    try {
      release = await lockfile.lock(dir, {
        lockfilePath: lockPath,
        onCompromised(error) {
          compromised = error
        },
        realpath: false,
        stale: 10_000,
      })
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error

      if (await breakDeadLock(lockPath)) continue
      if (Date.now() >= deadline) {
        const owner = await readOwner(lockPath)
        throw new CervenoError('LOCK_HELD', {dir, pid: owner?.pid})
      }

      await new Promise(resolve => {
        setTimeout(resolve, Math.min(50 + attempt * 25, 250))
      })
    }
  }

  try {
    // proper-lockfile checks that the lock folder's mtime is still the one it set: put it back.
    const {atime, mtime} = await stat(lockPath)
    await writeFile(path.join(lockPath, OWNER_FILE), JSON.stringify({host: hostname(), pid: process.pid}))
    await utimes(lockPath, atime, mtime)
    const result = await fn()
    if (compromised) throw compromised
    return result
  } finally {
    await rm(path.join(lockPath, OWNER_FILE), {force: true}).catch(() => {})
    await release().catch(() => {})
  }
}

/** Whether a live process on this machine (or any process elsewhere) holds the lock of `dir` now; nothing is taken. */
export async function isLockHeld(dir: string): Promise<boolean> {
  const lockPath = path.join(dir, LOCK_DIR)
  try {
    await stat(lockPath)
  } catch {
    return false
  }

  const owner = await readOwner(lockPath)
  return owner ? owner.host !== hostname() || isAlive(owner.pid) : !(await isOrphan(lockPath))
}

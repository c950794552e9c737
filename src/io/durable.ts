/**
 * Checked, synced writes: every byte out (a short write is retried, never ignored), then fsync. The one
 * primitive under the transaction protocol (commit.ts) and every other file this program writes.
 */
import {createHash, type Hash} from 'node:crypto'
import {
  chmod, copyFile, type FileHandle, open, rename, rm,
} from 'node:fs/promises'
import path from 'node:path'

import {crashPoint} from './crash-points.js'

export const POSIX = process.platform !== 'win32'
export const FILE_MODE = 0o600
export const DIR_MODE = 0o700

/** Disk full or over quota: the one failure the clerk can fix by freeing space. */
export function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return code === 'ENOSPC' || code === 'EDQUOT'
}

export function sha256(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** Writes all of `bytes` at `position` (or at the handle's position), looping over short writes. */
export async function writeAll(fd: FileHandle, bytes: Uint8Array, position?: number): Promise<void> {
  let done = 0
  while (done < bytes.length) {
    const {bytesWritten} = await fd.write(bytes, done, bytes.length - done, position === undefined ? null : position + done)
    if (bytesWritten <= 0) throw Object.assign(new Error('short write'), {code: 'EIO'})
    done += bytesWritten
  }
}

/** Makes renames and unlinks in `dir` durable (POSIX; Windows has no directory handles to sync). */
export async function fsyncDir(dir: string): Promise<void> {
  if (!POSIX) return
  const fd = await open(dir, 'r')
  try {
    await fd.sync()
  } finally {
    await fd.close()
  }
}

/** The mark of this program's temp files: `<file>.cerveno-tmp-<pid>-<n>`, beside the file they will replace. */
export const TEMP_MARK = '.cerveno-tmp-'
const TEMP_NAME = /\.cerveno-tmp-\d+-\d+$/
let tempCount = 0

export function tempPath(target: string): string {
  return `${target}${TEMP_MARK}${process.pid}-${++tempCount}`
}

export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name)
}

/** What identifies one version of a file without reading it: a save by another program changes one of these. */
export interface FileIdentity {
  ino: number
  mtimeMs: number
  size: number
}

/** A file written completely and synced beside its target, not yet renamed over it. */
export interface StagedFile {
  /** The target as the change read it (null: absent), when replacing something else would lose a hand edit. */
  base?: FileIdentity | null
  hash: string
  target: string
  temp: string
}

/**
 * Writes a new temp file beside `target` through `fill` (each piece written whole), hashing what it writes,
 * then fsyncs it. `copyOf` starts it as a kernel copy of that file (its bytes already in `hasher`).
 * A failure removes the temp file.
 */
export async function writeTemp(
  target: string,
  fill: (put: (bytes: string | Uint8Array) => Promise<void>) => Promise<void>,
  options: {copyOf?: string; hasher?: Hash} = {},
): Promise<StagedFile> {
  const temp = tempPath(target)
  const hasher = options.hasher ?? createHash('sha256')
  try {
    if (options.copyOf) await copyFile(options.copyOf, temp)

    const fd = await open(temp, options.copyOf ? 'a' : 'wx', FILE_MODE)
    try {
      await fill(async piece => {
        const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece
        hasher.update(bytes)
        await writeAll(fd, bytes)
      })
      await fd.sync()
    } finally {
      await fd.close()
    }

    if (POSIX) await chmod(temp, FILE_MODE)
  } catch (error) {
    await rm(temp, {force: true})
    throw error
  }

  crashPoint('temp')
  return {hash: hasher.digest('hex'), target, temp}
}

/** A whole file as one temp (see writeTemp). */
export async function writeTempBytes(target: string, data: string | Uint8Array): Promise<StagedFile> {
  return writeTemp(target, async put => put(data))
}

/**
 * Atomic replace of one file on its own: checked temp write, fsync, rename, directory fsync. For files outside
 * any change of the data folder (`init`'s first files, the lock's owner record); changes use the transaction.
 */
export async function writeFileSafely(file: string, data: string | Uint8Array): Promise<void> {
  const staged = await writeTempBytes(file, data)
  try {
    await rename(staged.temp, file)
  } catch (error) {
    await rm(staged.temp, {force: true})
    throw error
  }

  await fsyncDir(path.dirname(file))
}

/**
 * The transaction protocol of the data folder (DESIGN §3), the only way a data file is written:
 *
 *  1. every new file is written completely beside its target (checked writes, fsync): a staged temp file;
 *  2. one commit record (`.transazione.json`) names each temp file, its target and its SHA-256, the files to
 *     delete and the audit lines (inline, or a staged segment for big ones) with the audit log's size before
 *     them; it is itself written as a synced temp file and renamed, then the folder is synced: the commit point;
 *  3. the audit lines are appended (after cutting the log back to its recorded size, so doing it twice is
 *     harmless), the temp files renamed over their targets, the deletions made, the record removed.
 *
 * The next command that opens the folder (under the lock) calls recover(): a record still there is rolled
 * forward (audit appended again from the record, every temp file that still exists and whose hash matches
 * renamed); without a record, temp files are leftovers of a change that never committed and are removed.
 * A failure before any rename (disk full while appending the audit) rolls back: nothing changes.
 */
import {createHash} from 'node:crypto'
import {createReadStream, constants as fsc} from 'node:fs'
import {
  copyFile, link, mkdir, open, readdir, readFile, rename, rm, stat,
} from 'node:fs/promises'
import path from 'node:path'

import {CervenoError} from '../core/errors.js'
import {terminalSafe} from '../core/safe-text.js'
import {dataFolderNotes} from '../messages/data-folder.js'
import {repairJsonLines} from './audit-log.js'
import {crashPoint} from './crash-points.js'
import {
  FILE_MODE, type FileIdentity, fsyncDir, isDiskFull, isTempName, type StagedFile, TEMP_MARK, writeAll, writeFileSafely, writeTempBytes,
} from './durable.js'

export const RECORD_FILE = '.transazione.json'
/** The start of the name under which backup/ keeps a table saved by hand during a commit (never rotated away). */
export const HAND_EDIT_PREFIX = 'modificato-a-mano.'
/**
 * Files a change is about to stage outside the folder (an export at `--out` elsewhere), named here, synced, before
 * their temp files are written: a process killed before its commit record would otherwise leave a copy of
 * citizens' data beside the export, where recovery never looks.
 */
export const OUTSIDE_FILE = '.temp-esterni.json'
export const AUDIT_FILE = 'registro.jsonl'
const RECORD_VERSION = 1

export interface CommitPlan {
  /** Audit lines appended to registro.jsonl as part of the change: small ones inline, big ones staged. */
  audit?: {segment: StagedFile} | {text: string}
  /** Renamed in this order. */
  files: StagedFile[]
  /** Absolute paths deleted once the files are renamed. */
  remove: string[]
}

interface RecordEntry {
  /** The target as the change read it (see StagedFile.base). */
  base?: FileIdentity | null
  hash: string
  target: string
  temp: string
}

export interface CommitRecord {
  audit?: {offset: number; segment?: RecordEntry; text?: string}
  files: RecordEntry[]
  remove: string[]
  version: number
}

/** Paths inside the folder are kept relative (the folder may be moved or synced elsewhere before recovery). */
function stored(dir: string, p: string): string {
  const rel = path.relative(dir, p)
  return rel.startsWith('..') || path.isAbsolute(rel) ? p : rel.split(path.sep).join('/')
}

function resolved(dir: string, p: string): string {
  return path.isAbsolute(p) ? p : path.join(dir, ...p.split('/'))
}

const entry = (dir: string, f: StagedFile): RecordEntry => ({
  ...(f.base === undefined ? {} : {base: f.base}), hash: f.hash, target: stored(dir, f.target), temp: stored(dir, f.temp),
})

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw error
  }
}

/** Disk full becomes DISK_FULL (exit 6) saying what was done: `none` (nothing changed) or `pending`. */
export function diskFull(error: unknown, dir: string, done: 'none' | 'pending'): unknown {
  return isDiskFull(error) ? new CervenoError('DISK_FULL', {dir, done}, {cause: error}) : error
}

/** Removes staged temp files (a change that will not commit). */
export async function discard(files: readonly StagedFile[]): Promise<void> {
  for (const f of files) await rm(f.temp, {force: true}).catch(() => {})
}

const stagedOf = (plan: CommitPlan) => [...plan.files, ...(plan.audit && 'segment' in plan.audit ? [plan.audit.segment] : [])]

/**
 * Writes the commit record of staged files (checked temp file, fsync, rename, folder fsync): from here on the
 * change happens, now or in the next command's recover(). On failure the temp files are removed.
 */
export async function writeCommitRecord(dir: string, plan: CommitPlan): Promise<CommitRecord> {
  const record: CommitRecord = {files: plan.files.map(f => entry(dir, f)), remove: plan.remove.map(p => stored(dir, p)), version: RECORD_VERSION}
  try {
    if (plan.audit) {
      const offset = await sizeOf(path.join(dir, AUDIT_FILE))
      record.audit = {offset, ...('text' in plan.audit ? {text: plan.audit.text} : {segment: entry(dir, plan.audit.segment)})}
    }

    const staged = await writeTempBytes(path.join(dir, RECORD_FILE), JSON.stringify(record) + '\n')
    try {
      await rename(staged.temp, path.join(dir, RECORD_FILE))
    } catch (error) {
      await rm(staged.temp, {force: true})
      throw error
    }

    await fsyncDir(dir)
  } catch (error) {
    await discard(stagedOf(plan))
    throw diskFull(error, dir, 'none')
  }

  crashPoint('record')
  return record
}

/** Runs the protocol for staged files; on return the change is complete and durable. */
export async function commit(dir: string, plan: CommitPlan): Promise<void> {
  const record = await writeCommitRecord(dir, plan)
  try {
    await appendAudit(dir, record, false)
  } catch (error) {
    // Nothing is renamed yet: undo the append and the record, and the folder is as it was.
    await rollback(dir, record, stagedOf(plan))
    throw diskFull(error, dir, 'none')
  }

  crashPoint('audit')
  try {
    await finish(dir, record, false)
  } catch (error) {
    throw diskFull(error, dir, 'pending')
  }
}

async function rollback(dir: string, record: CommitRecord, staged: StagedFile[]): Promise<void> {
  if (record.audit) {
    const fd = await open(path.join(dir, AUDIT_FILE), 'r+').catch(() => null)
    if (fd) {
      try {
        if ((await fd.stat()).size > record.audit.offset) await fd.truncate(record.audit.offset)
        await fd.sync()
      } finally {
        await fd.close()
      }
    }
  }

  await rm(path.join(dir, RECORD_FILE), {force: true})
  await fsyncDir(dir)
  await discard(staged)
}

async function hashOf(file: string): Promise<string> {
  const hasher = createHash('sha256')
  for await (const chunk of createReadStream(file)) hasher.update(chunk as Buffer)
  return hasher.digest('hex')
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file)
    return true
  } catch {
    return false
  }
}

/** Cuts the audit log back to its size before the change, then appends the change's lines (idempotent). */
async function appendAudit(dir: string, record: CommitRecord, verify: boolean): Promise<void> {
  const {audit} = record
  if (!audit) return
  let bytes: Buffer | undefined
  if (audit.text !== undefined) bytes = Buffer.from(audit.text)
  else if (audit.segment) {
    const segment = resolved(dir, audit.segment.temp)
    if (verify && (!(await exists(segment)) || (await hashOf(segment)) !== audit.segment.hash)) return
  }

  const fd = await open(path.join(dir, AUDIT_FILE), fsc.O_RDWR | fsc.O_CREAT, FILE_MODE)
  try {
    const {size} = await fd.stat()
    let at = Math.min(size, audit.offset)
    if (size > at) await fd.truncate(at)
    if (bytes) await writeAll(fd, bytes, at)
    else {
      for await (const chunk of createReadStream(resolved(dir, audit.segment!.temp))) {
        await writeAll(fd, chunk as Buffer, at)
        at += (chunk as Buffer).length
      }
    }

    await fd.sync()
  } finally {
    await fd.close()
  }
}

/** The renames and deletions, then the record goes. */
async function finish(dir: string, record: CommitRecord, verify: boolean): Promise<void> {
  const dirs = new Set<string>()
  for (const f of record.files) {
    const temp = resolved(dir, f.temp)
    if (!(await exists(temp))) continue
    if (verify && (await hashOf(temp)) !== f.hash) {
      // Not what was committed (a damaged disk): the target keeps its last good version.
      await rm(temp, {force: true})
      continue
    }

    const target = resolved(dir, f.target)
    if (f.base !== undefined) await keepHandEdit(dir, target, f.base)
    await rename(temp, target)
    dirs.add(path.dirname(target))
    crashPoint('rename')
  }

  for (const p of record.remove) {
    const target = resolved(dir, p)
    await rm(target, {force: true})
    dirs.add(path.dirname(target))
  }

  for (const d of dirs) await fsyncDir(d)
  await rm(path.join(dir, RECORD_FILE), {force: true})
  crashPoint('done')
  if (record.audit?.segment) await rm(resolved(dir, record.audit.segment.temp), {force: true})
}

/**
 * A table saved by another program after the change read it and before its new version is renamed over it (the
 * commit window, or while a killed change waited for recovery): that version is kept in backup/ under a name the
 * rotation never removes, and the clerk is told where. The change itself is committed and goes on.
 */
async function keepHandEdit(dir: string, target: string, base: FileIdentity | null): Promise<void> {
  const now = await stat(target).catch(() => null)
  if (!now || (base && now.ino === base.ino && now.mtimeMs === base.mtimeMs && now.size === base.size)) return
  const ext = path.extname(target)
  const name = `${HAND_EDIT_PREFIX}${path.basename(target, ext)}.${new Date().toISOString().replaceAll(/[:.]/g, '-')}${ext}`
  const kept = path.join(dir, 'backup', name)
  await mkdir(path.dirname(kept), {mode: 0o700, recursive: true})
  await link(target, kept).catch(async () => copyFile(target, kept))
  process.stderr.write(terminalSafe(dataFolderNotes.handEditKept(path.basename(target), path.join('backup', name))) + '\n')
}

/** Whether a commit record is waiting to be rolled forward, or temp files outside to be removed (cheap: two stats). */
export async function hasUnfinishedCommit(dir: string): Promise<boolean> {
  return (await exists(path.join(dir, RECORD_FILE))) || exists(path.join(dir, OUTSIDE_FILE))
}

/**
 * Under the lock, before anything reads the folder: rolls an unfinished commit forward, or removes the temp
 * files of a change that never committed (in every subfolder), and cuts a torn journal line of the audit log.
 * Returns true when a commit was rolled forward.
 */
export async function recover(dir: string): Promise<boolean> {
  let record: CommitRecord | undefined
  try {
    record = JSON.parse(await readFile(path.join(dir, RECORD_FILE), 'utf8')) as CommitRecord
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') await rm(path.join(dir, RECORD_FILE), {force: true})
  }

  try {
    if (record) {
      await appendAudit(dir, record, true)
      await finish(dir, record, true)
    }

    await clearOutside(dir)
    await sweep(dir)
    await repairJsonLines(path.join(dir, AUDIT_FILE))
  } catch (error) {
    throw diskFull(error, dir, 'pending')
  }

  return record !== undefined
}

/** Names the files about to be staged outside the folder (see OUTSIDE_FILE), durably, before they are written. */
export async function announceOutside(dir: string, targets: readonly string[]): Promise<void> {
  await writeFileSafely(path.join(dir, OUTSIDE_FILE), JSON.stringify({pid: process.pid, targets}) + '\n')
}

/**
 * Removes what a change announced outside the folder and left as temp files (a change that did not commit, or
 * one rolled forward, whose temp files are then gone already), then the announcement.
 */
export async function clearOutside(dir: string): Promise<void> {
  const file = path.join(dir, OUTSIDE_FILE)
  let intent: {pid?: unknown; targets?: unknown}
  try {
    intent = JSON.parse(await readFile(file, 'utf8')) as typeof intent
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') await rm(file, {force: true})
    return
  }

  const targets = Array.isArray(intent.targets) ? intent.targets : []
  if (typeof intent.pid === 'number') {
    for (const target of targets) {
      if (typeof target !== 'string' || !path.isAbsolute(target)) continue
      const prefix = `${path.basename(target)}${TEMP_MARK}${intent.pid}-`
      const names = await readdir(path.dirname(target)).catch(() => [] as string[])
      for (const n of names) if (n.startsWith(prefix) && isTempName(n)) await rm(path.join(path.dirname(target), n), {force: true})
    }
  }

  await rm(file, {force: true})
}

/** Temp files written by a process killed before its commit record: `<name>.<number>` from older versions too. */
const LEGACY_TEMP = /^.+\.(csv|json|jsonl)\.\d+$/

async function sweep(dir: string, top = true): Promise<void> {
  let entries
  try {
    entries = await readdir(dir, {withFileTypes: true})
  } catch {
    return
  }

  for (const e of entries) {
    const full = path.join(dir, e.name)
    if (e.isDirectory()) {
      if (!e.name.startsWith('.lock')) await sweep(full, false)
    } else if (e.isFile() && (isTempName(e.name) || (top && (LEGACY_TEMP.test(e.name) || deadLockTemp(e.name))))) await rm(full, {force: true})
  }
}

/** The lock's own temp file (`.lock.<pid>.<hex>.tmp`, lock.ts) left by a process that is gone (disk full, a kill). */
function deadLockTemp(name: string): boolean {
  const m = /^\.lock\.(\d+)\.[\da-f]+\.tmp$/.exec(name)
  if (!m) return false
  try {
    process.kill(Number(m[1]), 0)
    return false
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

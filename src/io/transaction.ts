/**
 * One change to the data folder (DataFolder.mutate): validated reads, then, on commit, every new file staged
 * (checked writes, fsync) and handed to the transaction protocol (commit.ts) with its audit lines.
 */
import {createHash, type Hash} from 'node:crypto'
import {type Stats} from 'node:fs'
import {
  link, mkdir, open, readdir, rm, stat,
} from 'node:fs/promises'
import path from 'node:path'

import {type AuditEntry} from '../core/audit.js'
import {CervenoError} from '../core/errors.js'
import {type Subscriber} from '../core/registry/types.js'
import {type RequestRecord} from '../core/requests/types.js'
import {toRomeIso} from '../core/time.js'
import {jsonLines, putLines} from './audit-log.js'
import {
  announceOutside, AUDIT_FILE, clearOutside, commit, type CommitPlan, discard, diskFull,
} from './commit.js'
import {crashPoint} from './crash-points.js'
import {readTable, type TableSchema, writeTable} from './csv-table.js'
import {
  DIR_MODE, type StagedFile, tempPath, writeTemp, writeTempBytes,
} from './durable.js'
import {type State, STATE_FILE, stateText} from './folder-state.js'
import {
  findRecord, headerBytes, ourTable, putRows, SCHEMAS, TABLE_FILES, tableRows,
} from './table-files.js'
import {REQUESTS, SUBSCRIBERS} from './tables.js'

/** A path outside the data folder `dir` (an export at `--out` elsewhere). */
function isOutside(dir: string, target: string): boolean {
  const rel = path.relative(dir, target)
  return rel.startsWith('..') || path.isAbsolute(rel)
}

/** Previous versions kept per file under backup/. */
export const BACKUPS_KEPT = 10
const BACKUP_DIR = 'backup'
/** Audit lines of a change kept inside its commit record; more than this are staged as a file. */
const INLINE_AUDIT = 256 * 1024

export interface MutationContext {
  now: Date
  operator: string
}

export interface HandEdit {
  encoding: string
  file: string
}

/** The folder as a transaction sees it. */
export interface FolderHandle {
  readonly dir: string
}

/** A table's bytes as this transaction first read them. */
interface Snapshot {
  bytes: Buffer
  hash: string
  /** SHA-256 after the file's bytes: extended by appended bytes, it hashes the new file without reading it all. */
  hasher: Hash
  /** Unchanged since this program wrote it (hash as recorded, so already validated) and in writeTable's layout. */
  ours: boolean
  /** What the file looked like when read (null: absent), to tell at commit whether someone changed it since. */
  stat: null | Stats
}

/**
 * The values of each iterable in turn.
 * @yields every value of the first, then of the next
 */
function * chain<T>(...iterables: Iterable<T>[]): Generator<T> {
  for (const it of iterables) yield * it
}

async function readWithStat(file: string): Promise<{bytes: Buffer; stat: null | Stats}> {
  let fd
  try {
    fd = await open(file, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {bytes: Buffer.alloc(0), stat: null}
    throw error
  }

  try {
    const s = await fd.stat()
    return {bytes: await fd.readFile(), stat: s}
  } finally {
    await fd.close()
  }
}

const sameStat = (a: null | Stats, b: null | Stats) =>
  a === null || b === null ? a === b : a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs

/**
 * The backup of a table as a staged file: a hard link to the version being replaced (already complete and synced
 * when it was committed; no copy, no data to sync), or, where the filesystem has no hard links, a written copy.
 * A hand edit made to that version after it was read shows in its stat and stops the commit (assertUntouched).
 */
async function linkOrWrite(current: string, target: string, snapshot: Snapshot): Promise<StagedFile> {
  const temp = tempPath(target)
  try {
    await link(current, temp)
    crashPoint('temp')
    return {hash: snapshot.hash, target, temp}
  } catch {
    await rm(temp, {force: true})
    return writeTempBytes(target, snapshot.bytes)
  }
}

/**
 * One change to the data folder, under the lock. Reads are validated; writes happen on commit: previous version
 * to backup/, new files staged and renamed by the commit protocol, one audit line per change in the same commit,
 * hashes recorded so the next change can tell whether someone edited a file by hand in between. A table edited
 * by hand while the change ran is detected at commit (FILE_CHANGED, exit 4): the hand edit stays, the change is
 * not applied.
 *
 * Rows added with append*() and nothing else changed are appended to a copy of the file instead of rewriting it
 * whole: with the lookup of findSubscriber, an add at the counter then reads no more than the bytes and the one
 * row it needs, whatever the size of the registry.
 */
export class Transaction {
  readonly handEdits: HandEdit[] = []
  readonly nowIso: string
  /** Rows added with append*(), per file, in order. */
  private readonly added = new Map<string, unknown[]>()
  private readonly audits: AuditEntry[] = []
  /** Audit entries made while the commit writes them (see auditEach). */
  private readonly auditStreams: (() => Iterable<Omit<AuditEntry, 'operator' | 'ts'>>)[] = []
  private backups = true
  /** Whole tables as read (and changed) by this transaction. */
  private readonly cache = new Map<string, unknown[]>()
  /** Files other than the tables (absolute path → content), written by the commit. */
  private readonly files = new Map<string, Buffer | string>()
  /** Files deleted by the commit (absolute paths). */
  /** Tables as read, with the columns the clerk added (readTable's schema): rewritten with them in place. */
  private readonly layouts = new Map<string, TableSchema<unknown>>()
  private readonly removed = new Set<string>()
  /** Tables set whole: rewritten on commit. */
  private readonly replaced = new Set<string>()
  private readonly snapshots = new Map<string, Snapshot>()
  private stateChanged = false
  /** Tables whose new rows are made while the commit writes them (see streamRequests). */
  private readonly streamed = new Map<string, {mode: 'append' | 'replace'; rows: () => Iterable<unknown>}>()

  constructor(
    readonly folder: FolderHandle,
    readonly ctx: MutationContext,
    private readonly state: State,
  ) {
    this.nowIso = toRomeIso(ctx.now)
  }

  appendSubscriber(row: Subscriber): void {
    this.append(TABLE_FILES.subscribers, row)
  }

  audit(entry: Omit<AuditEntry, 'operator' | 'ts'>): void {
    this.audits.push(this.stamp(entry))
  }

  /**
   * Audit entries the commit makes one at a time as it writes them, after those given to audit(): an import's
   * hundreds of thousands of entries never sit in memory together. `entries` is called once, at commit.
   */
  auditEach(entries: () => Iterable<Omit<AuditEntry, 'operator' | 'ts'>>): void {
    this.auditStreams.push(entries)
  }

  /** Runs the commit protocol; nothing is changed when it throws (or the next command completes it). */
  async commit(): Promise<void> {
    const {dir} = this.folder
    const staged: StagedFile[] = []
    const remove: string[] = [...this.removed]
    let audit: CommitPlan['audit']
    const outside = [...this.files.keys()].filter(t => isOutside(dir, t))
    // The folder a full disk is reported for: the data folder, or an export's own folder while that is written.
    let writing = dir
    try {
      if (outside.length > 0) await announceOutside(dir, outside)
      for (const [target, data] of this.files) {
        if (target === path.join(dir, AUDIT_FILE)) continue
        writing = isOutside(dir, target) ? path.dirname(target) : dir
        await mkdir(path.dirname(target), {mode: DIR_MODE, recursive: true})
        staged.push(await writeTempBytes(target, data))
      }

      writing = dir

      const changed = new Set([...this.added.keys(), ...this.replaced, ...this.streamed.keys()])
      for (const file of changed) {
        const snapshot = await this.snapshot(file)
        if (this.backups && snapshot.stat) {
          const backup = await this.stageBackup(file, snapshot)
          staged.push(backup.staged)
          remove.push(...backup.expired)
        }

        const next = await this.stageTable(file, snapshot)
        next.base = snapshot.stat ? {ino: snapshot.stat.ino, mtimeMs: snapshot.stat.mtimeMs, size: snapshot.stat.size} : null
        staged.push(next)
        this.state.files[file] = next.hash
        this.state.written = {...this.state.written, [file]: next.hash}
      }

      audit = await this.stageAudit(staged)
      if (staged.length > 0 || this.handEdits.length > 0 || this.stateChanged) {
        staged.push(await writeTempBytes(path.join(dir, STATE_FILE), stateText(this.state)))
      }

      await this.assertUntouched()
    } catch (error) {
      await discard([...staged, ...(audit && 'segment' in audit ? [audit.segment] : [])])
      if (outside.length > 0) await clearOutside(dir).catch(() => {})
      throw diskFull(error, writing, 'none')
    }

    if (staged.length > 0 || audit) await commit(dir, {audit, files: staged, remove})
    // Committed (a failure after the commit record leaves the announcement for recover()).
    if (outside.length > 0) await clearOutside(dir).catch(() => {})
  }

  /**
   * The subscriber with this phone (the last row, as indexByPhone counts), or undefined. When the registry is
   * unchanged since this program wrote it, only that row is read (a byte search, then a validated read of the
   * row); otherwise the whole registry is read and validated as subscribers() does.
   */
  async findSubscriber(phone: string): Promise<Subscriber | undefined> {
    const appended = (this.added.get(TABLE_FILES.subscribers) ?? []) as Subscriber[]
    const mine = appended.findLast(s => s.phone === phone)
    if (mine) return mine
    const snapshot = await this.snapshot(TABLE_FILES.subscribers)
    if (this.cache.has(TABLE_FILES.subscribers) || !snapshot.ours) {
      return (await this.subscribers()).findLast(s => s.phone === phone)
    }

    const record = findRecord(snapshot.bytes, phone)
    if (!record) return undefined
    const header = headerBytes(SUBSCRIBERS)
    return readTable(SUBSCRIBERS, Buffer.concat([header, record]), path.join(this.folder.dir, TABLE_FILES.subscribers)).rows[0]
  }

  /** Deletes a file of the data folder (`relative`) as part of this change (erasure). */
  removeFile(relative: string): void {
    const target = this.freeFile(relative, true)
    this.files.delete(target)
    this.removed.add(target)
  }

  /**
   * The rows of richieste.csv, validated, on each call of the function returned. A table this program wrote is
   * read a slice at a time from its bytes on each pass (tableRows); any other is read and validated whole, once.
   */
  async requestRows(): Promise<() => Iterable<RequestRecord>> {
    const file = TABLE_FILES.requests
    const snapshot = await this.snapshot(file)
    if (this.cache.has(file) || this.streamed.has(file) || !snapshot.ours) {
      const rows = await this.requests()
      return () => rows
    }

    this.observe(file, snapshot.hash, 'utf-8')
    const where = path.join(this.folder.dir, file)
    return () => tableRows(REQUESTS, snapshot.bytes, where)
  }

  async requests(): Promise<RequestRecord[]> {
    return this.load(TABLE_FILES.requests) as Promise<RequestRecord[]>
  }

  setRequests(rows: RequestRecord[]): void {
    this.replace(TABLE_FILES.requests, rows)
  }

  /** Sets a keyed value in `.stato.json`; it is committed with the rest of this change. */
  setStateValue(key: string, value: unknown): void {
    this.state.values = {...this.state.values, [key]: value}
    this.stateChanged = true
  }

  setSubscribers(rows: Subscriber[]): void {
    this.replace(TABLE_FILES.subscribers, rows)
  }

  /** A keyed value in `.stato.json`, as committed (or set earlier in this transaction). */
  stateValue<T>(key: string): T | undefined {
    return this.state.values?.[key] as T | undefined
  }

  /**
   * richieste.csv becomes what `rows` makes, called once while the commit writes the table: `append` adds them
   * after the rows there (the file is copied and appended to when this program wrote it), `replace` makes them the
   * whole table. Either way a big import's rows are never all in memory; requests() does not see them.
   */
  streamRequests(mode: 'append' | 'replace', rows: () => Iterable<RequestRecord>): void {
    this.streamed.set(TABLE_FILES.requests, {mode, rows})
  }

  async subscribers(): Promise<Subscriber[]> {
    return this.load(TABLE_FILES.subscribers) as Promise<Subscriber[]>
  }

  /** No copy of the tables goes to backup/ (erasure: a copy would keep what is being erased). */
  withoutBackups(): void {
    this.backups = false
  }

  /**
   * Writes a whole file outside the data folder (an export at `--out`), by the same protocol: checked temp file
   * beside it (announced first in the folder, see OUTSIDE_FILE), named in the commit record, renamed with the rest
   * of the change.
   */
  writeExport(absolute: string, data: Buffer | string): void {
    if (!path.isAbsolute(absolute)) throw new Error(`writeExport: ${absolute} is not an absolute path`)
    if (!isOutside(this.folder.dir, absolute)) {
      this.writeFile(path.relative(this.folder.dir, absolute).split(path.sep).join('/'), data)
      return
    }

    this.files.set(absolute, data)
  }

  /**
   * Writes a whole file other than the two tables (`relative` to the data folder, e.g. a cache or a tombstone
   * list) as part of this change: synced temp file, named in the commit record, renamed with the tables.
   * registro.jsonl may be rewritten (erasure): the change's audit lines are then appended to the new content.
   */
  writeFile(relative: string, data: Buffer | string): void {
    const target = this.freeFile(relative, false)
    this.removed.delete(target)
    this.files.set(target, data)
  }

  private append(file: string, row: unknown): void {
    const added = this.added.get(file) ?? []
    added.push(row)
    this.added.set(file, added)
    this.cache.get(file)?.push(row)
  }

  /** FILE_CHANGED (exit 4) when a table read by this change was changed on disk since (a hand edit while it ran). */
  private async assertUntouched(): Promise<void> {
    for (const [file, snapshot] of this.snapshots) {
      const full = path.join(this.folder.dir, file)
      let now: null | Stats = null
      try {
        now = await stat(full)
      } catch {}

      if (sameStat(snapshot.stat, now)) continue
      const {bytes} = await readWithStat(full)
      if (createHash('sha256').update(bytes).digest('hex') !== snapshot.hash) throw new CervenoError('FILE_CHANGED', {file: full})
    }
  }

  /**
   * Every audit line of this change, made as it is written.
   * @yields one JSON text per entry
   */
  private * auditLines(): Generator<string> {
    yield * jsonLines(chain(this.audits, this.streamedAudits()))
  }

  private freeFile(relative: string, removing: boolean): string {
    const parts = relative.split(/[\\/]/)
    if (SCHEMAS.has(relative) || relative === STATE_FILE || path.isAbsolute(relative) || parts.includes('..') || (removing && relative === AUDIT_FILE)) {
      throw new Error(`writeFile: ${relative} is not a free file of the data folder`)
    }

    return path.join(this.folder.dir, ...parts)
  }

  /** The whole table, validated, with the rows appended so far. */
  private async load(file: string): Promise<unknown[]> {
    const cached = this.cache.get(file)
    if (cached) return cached
    const {bytes, hash} = await this.snapshot(file)
    const {encoding, rows, schema} = readTable(SCHEMAS.get(file)!, bytes, path.join(this.folder.dir, file))
    this.layouts.set(file, schema)
    this.observe(file, hash, encoding)
    rows.push(...(this.added.get(file) ?? []))
    this.cache.set(file, rows)
    return rows
  }

  /** Records the hash a table was read with; one that differs from the last known means a hand edit. */
  private observe(file: string, hash: string, encoding: HandEdit['encoding']): void {
    const known = this.state.files[file]
    if (hash === this.state.pending?.[file]) this.state.files[file] = hash
    else if (known !== undefined && known !== hash && !this.handEdits.some(h => h.file === file)) this.handEdits.push({encoding, file})
    if (known !== hash) this.state.files[file] = hash
  }

  private replace(file: string, rows: unknown[]): void {
    this.cache.set(file, rows)
    this.replaced.add(file)
  }

  private async snapshot(file: string): Promise<Snapshot> {
    const taken = this.snapshots.get(file)
    if (taken) return taken
    const read = await readWithStat(path.join(this.folder.dir, file))
    const hasher = createHash('sha256').update(read.bytes)
    const hash = hasher.copy().digest('hex')
    const snapshot = {
      ...read, hash, hasher, ours: ourTable(file, read.bytes, hash, this.state),
    }
    this.snapshots.set(file, snapshot)
    return snapshot
  }

  /** The audit lines of this change: appended to a rewritten registro.jsonl, else inline or staged for the record. */
  private async stageAudit(staged: StagedFile[]): Promise<CommitPlan['audit']> {
    const {dir} = this.folder
    for (const edit of this.handEdits) {
      this.audits.unshift(this.stamp({action: 'file.hand-edited', after: {encoding: edit.encoding}, subject: edit.file}))
    }

    const auditFile = path.join(dir, AUDIT_FILE)
    const rewritten = this.files.get(auditFile)
    if (rewritten !== undefined) {
      staged.push(await writeTemp(auditFile, async put => {
        await put(rewritten)
        await putLines(this.auditLines(), put)
      }))
      return undefined
    }

    if (this.auditStreams.length === 0) {
      const text = this.audits.map(a => JSON.stringify(a) + '\n').join('')
      if (text === '') return undefined
      if (text.length <= INLINE_AUDIT) return {text}
    }

    return {segment: await writeTemp(auditFile, async put => putLines(this.auditLines(), put))}
  }

  /** A copy of the table as it was read, for backup/, and the oldest copies beyond BACKUPS_KEPT. */
  private async stageBackup(file: string, snapshot: Snapshot): Promise<{expired: string[]; staged: StagedFile}> {
    const folder = path.join(this.folder.dir, BACKUP_DIR)
    await mkdir(folder, {mode: DIR_MODE, recursive: true})
    const stamp = this.ctx.now.toISOString().replaceAll(/[:.]/g, '-')
    const ext = path.extname(file)
    const base = path.basename(file, ext)
    const name = `${base}.${stamp}${ext}`
    const staged = await linkOrWrite(path.join(this.folder.dir, file), path.join(folder, name), snapshot)
    const mine = (await readdir(folder)).filter(f => f.startsWith(`${base}.`) && f.endsWith(ext) && f !== name)
    mine.push(name)
    mine.sort()
    return {expired: mine.slice(0, Math.max(0, mine.length - BACKUPS_KEPT)).map(f => path.join(folder, f)), staged}
  }

  /** The table's next version, staged: appended to a copy when only rows were added to a file we wrote. */
  private async stageTable(file: string, snapshot: Snapshot): Promise<StagedFile> {
    const schema = this.layouts.get(file) ?? SCHEMAS.get(file)!
    const target = path.join(this.folder.dir, file)
    const stream = this.streamed.get(file)
    const whole = (rows: Iterable<unknown>) => writeTemp(target, async put => {
      await put(writeTable(schema, []))
      await putRows(put, schema, rows)
    })
    if (stream?.mode === 'replace') return whole(stream.rows())
    if (!this.replaced.has(file) && snapshot.ours) {
      const rows = chain(this.added.get(file) ?? [], stream?.rows() ?? [])
      return writeTemp(target, async put => putRows(put, schema, rows), {copyOf: target, hasher: snapshot.hasher.copy()})
    }

    return whole(chain(await this.load(file), stream?.rows() ?? []))
  }

  private stamp(e: Omit<AuditEntry, 'operator' | 'ts'>): AuditEntry {
    return {
      action: e.action, after: e.after, before: e.before, operator: this.ctx.operator, subject: e.subject, ts: this.nowIso,
    }
  }

  /**
   * The entries of auditEach, made one at a time.
   * @yields each entry, stamped like audit() stamps them
   */
  private * streamedAudits(): Generator<AuditEntry> {
    for (const entries of this.auditStreams) {
      for (const e of entries()) yield this.stamp(e)
    }
  }
}

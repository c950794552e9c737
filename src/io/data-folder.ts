import {createHash, type Hash} from 'node:crypto'
import {constants as fsc} from 'node:fs'
import {
  access, chmod, copyFile, type FileHandle, mkdir, open, readdir, readFile, rename, rm, stat,
} from 'node:fs/promises'
import {homedir} from 'node:os'
import path from 'node:path'
import writeFileAtomic from 'write-file-atomic'

import {type AuditEntry} from '../core/audit.js'
import {type Config, defaultConfig, loadConfig} from '../core/config.js'
import {CervenoError} from '../core/errors.js'
import {jsonErrorPosition} from '../core/json-position.js'
import {type Subscriber} from '../core/registry/types.js'
import {type RequestRecord} from '../core/requests/types.js'
import {toRomeIso} from '../core/time.js'
import {
  readTable, type TableSchema, writeRows, writeTable,
} from './csv-table.js'
import {withLock} from './lock.js'
import {REQUESTS, SUBSCRIBERS} from './tables.js'

export const FILES = {
  audit: 'registro.jsonl',
  backup: 'backup',
  broadcasts: 'invii',
  config: 'config.json',
  exports: 'esportazioni',
  requests: 'richieste.csv',
  state: '.stato.json',
  subscribers: 'iscritti.csv',
} as const

/** Previous versions kept per file under backup/. */
export const BACKUPS_KEPT = 10
const POSIX = process.platform !== 'win32'
const FILE_MODE = 0o600
const DIR_MODE = 0o700

export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env.CERVENO_INFO_DIR
  return path.resolve(chosen && chosen.trim() !== '' ? chosen : path.join(homedir(), 'cerveno-info'))
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p, fsc.F_OK)
    return true
  } catch {
    return false
  }
}

function sha256(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** Atomic replace: temp file, fsync, rename (write-file-atomic), private mode. */
export async function writeFileSafely(file: string, data: Buffer | string): Promise<void> {
  await writeFileAtomic(file, data, {fsync: true, mode: FILE_MODE})
}

/** Makes renames in `dir` durable (POSIX; Windows has no directory handles to sync). */
export async function fsyncDir(dir: string): Promise<void> {
  if (!POSIX) return
  const fd = await open(dir, 'r')
  try {
    await fd.sync()
  } finally {
    await fd.close()
  }
}

const APPEND_BATCH = 1024 * 1024

/**
 * Appends whole lines and fsyncs: an audit or journal line is either there or not (a line torn by a killed
 * process is cut by repairJsonLines). Written about a MiB at a time, so a big import's audit never sits in
 * memory as one string; `lines` can be a generator that makes each line when it is written.
 */
export async function appendLines(file: string, lines: Iterable<string>): Promise<void> {
  // Opened by the first write (the cast keeps TypeScript from narrowing it to null for good).
  let fd = null as FileHandle | null
  // Lines are gathered as bytes, not strings: strings kept until a MiB is full live long enough to reach V8's old
  // generation, which an import's 165,000 audit lines then grew by tens of MB.
  const batch = Buffer.allocUnsafe(APPEND_BATCH)
  let used = 0
  const out = async (bytes: Buffer) => {
    fd ??= await open(file, 'a', FILE_MODE)
    await fd.appendFile(bytes)
  }

  try {
    for (const line of lines) {
      const length = Buffer.byteLength(line) + 1
      if (used + length > batch.length && used > 0) {
        await out(batch.subarray(0, used))
        used = 0
      }

      if (length > batch.length) await out(Buffer.from(line + '\n'))
      else {
        used += batch.write(line, used)
        batch[used++] = 0x0A
      }
    }

    if (used > 0) await out(batch.subarray(0, used))
    await fd?.sync()
  } finally {
    await fd?.close()
  }
}

/**
 * The values of each iterable in turn.
 * @yields every value of the first, then of the next
 */
function * chain<T>(...iterables: Iterable<T>[]): Generator<T> {
  for (const it of iterables) yield * it
}

/**
 * Each value as a JSON line, made when it is asked for.
 * @yields one JSON text per value
 */
export function * jsonLines(values: Iterable<unknown>): Generator<string> {
  for (const v of values) yield JSON.stringify(v)
}

/** Temp files a process killed mid-write leaves behind (write-file-atomic's, appendSafely's): `<name>.<number>`. */
const TEMP_FILE = /^.+\.(csv|json|jsonl)\.\d+$/

const REPAIR_CHUNK = 64 * 1024

/**
 * Cuts a torn last line (a process killed while appending) so the file stays valid JSON Lines.
 * Returns true when something was cut.
 */
export async function repairJsonLines(file: string): Promise<boolean> {
  let fd: FileHandle
  try {
    fd = await open(file, 'r+')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }

  try {
    // Read from the end, a chunk at a time: the audit of a big import is hundreds of MB, and this runs on every change.
    const {size} = await fd.stat()
    if (size === 0) return false
    const chunk = Buffer.alloc(REPAIR_CHUNK)
    let end = size
    let keep = 0
    while (end > 0) {
      const start = Math.max(0, end - chunk.length)
      const {bytesRead} = await fd.read(chunk, 0, end - start, start)
      const tail = chunk.subarray(0, bytesRead)
      if (end === size && tail.at(-1) === 0x0A) return false
      const lf = tail.lastIndexOf(0x0A)
      if (lf !== -1) {
        keep = start + lf + 1
        break
      }

      end = start
    }

    await fd.truncate(keep)
    await fd.sync()
    return true
  } finally {
    await fd.close()
  }
}

interface State {
  files: Record<string, string>
  /** Hashes about to be written: a process killed between rename and state write is not a hand edit. */
  pending?: Record<string, string>
  /** Keyed values committed with a change (Transaction.setStateValue), e.g. how far the webhook inbox was imported. */
  values?: Record<string, unknown>
  /**
   * Hashes of the files as this program's table writer produced them (absent in folders from before this
   * field: the next write adds it). A file still matching is known to be in writeTable's exact layout.
   */
  written?: Record<string, string>
}

export interface MutationContext {
  now: Date
  operator: string
}

export interface HandEdit {
  encoding: string
  file: string
}

/** A table's bytes as this transaction first read them. */
interface Snapshot {
  bytes: Buffer
  hash: string
  /** SHA-256 after the file's bytes: extended by appended bytes, it hashes the new file without reading it all. */
  hasher: Hash
  /** Unchanged since this program wrote it (hash as recorded, so already validated) and in writeTable's layout. */
  ours: boolean
}

/** The line break and quote of writeTable's layout. */
const CRLF = Buffer.from('\r\n')
const QUOTE = 0x22

/** Quotes in bytes[from, to): an odd count means `to` is inside a quoted cell (RFC 4180 doubles inner quotes). */
function quotesBetween(bytes: Buffer, from: number, to: number): number {
  let count = 0
  for (let q = bytes.indexOf(QUOTE, from); q !== -1 && q < to; q = bytes.indexOf(QUOTE, q + 1)) count++
  return count
}

/**
 * The last record of a writeTable file whose first cell is `key` (a cell writeTable never quotes, such as an
 * E.164 phone), as bytes, or undefined. A match inside a quoted cell (a name with a line break) is skipped.
 */
export function findRecord(bytes: Buffer, key: string): Buffer | undefined {
  const needle = Buffer.from(`\r\n${key};`)
  for (let at = bytes.lastIndexOf(needle); at !== -1; at = at === 0 ? -1 : bytes.lastIndexOf(needle, at - 1)) {
    if (quotesBetween(bytes, 0, at) % 2 !== 0) continue
    const start = at + CRLF.length
    let end = bytes.indexOf(CRLF, start)
    while (end !== -1 && quotesBetween(bytes, start, end) % 2 !== 0) end = bytes.indexOf(CRLF, end + CRLF.length)
    return bytes.subarray(start, end === -1 ? bytes.length : end + CRLF.length)
  }

  return undefined
}

/**
 * Rows serialised per write of a streamed table: about 100 KiB of text, under the size V8 allocates outside its
 * young generation (a bigger string waits for a full collection to be freed).
 */
const ROWS_PER_WRITE = 400

/** A table's next version, complete and synced beside it; renaming it over the table makes it current. */
interface NextVersion {
  file: string
  hash: string
  temp: string
}

/** `<name>.<number>`, the pattern the sweep removes after a crash. */
const tempName = (file: string) => `${file}.${process.pid}${Date.now()}`

/** Writes to a new temp file through `fill`, hashing what it writes, then fsyncs it. */
async function writeTemp(
  file: string,
  hasher: Hash,
  fill: (put: (text: string) => Promise<void>) => Promise<void>,
  copyOf?: string,
): Promise<NextVersion> {
  const temp = tempName(file)
  try {
    if (copyOf) await copyFile(copyOf, temp)
    const fd = await open(temp, copyOf ? 'a' : 'w', FILE_MODE)
    try {
      await fill(async text => {
        const bytes = Buffer.from(text)
        hasher.update(bytes)
        // writeFile on a handle writes at the current position and loops until every byte is out.
        await fd.writeFile(bytes)
      })
      await fd.sync()
    } finally {
      await fd.close()
    }

    if (POSIX) await chmod(temp, FILE_MODE)
    return {file, hash: hasher.digest('hex'), temp}
  } catch (error) {
    await rm(temp, {force: true})
    throw error
  }
}

/**
 * The whole table written in slices, hashed as it goes: a big table never sits in memory as one string (an
 * import of 85,000 requests made a 24 MB one, then a buffer of it for the hash and another for the write).
 */
async function writeTableTemp<T>(file: string, schema: TableSchema<T>, rows: Iterable<T>): Promise<NextVersion> {
  return writeTemp(file, createHash('sha256'), async put => {
    await put(writeTable(schema, []))
    await putRows(put, schema, rows)
  })
}

/** Rows serialised and written ROWS_PER_WRITE at a time: `rows` can be a generator making them as they go. */
async function putRows<T>(put: (text: string) => Promise<void>, schema: TableSchema<T>, rows: Iterable<T>): Promise<void> {
  let slice: T[] = []
  for (const row of rows) {
    slice.push(row)
    if (slice.length === ROWS_PER_WRITE) {
      await put(writeRows(schema, slice))
      slice = []
    }
  }

  if (slice.length > 0) await put(writeRows(schema, slice))
}

/** A table's header line as writeTable writes it (BOM, `;`, CRLF), as bytes. */
const headerBytes = (schema: TableSchema<unknown>) => Buffer.from(writeTable(schema, []))

/**
 * Bytes of a table read per slice by tableRows: the slice's text stays under the size V8 allocates outside its
 * young generation (freed only by a full collection), even when it is decoded to two bytes per character.
 */
const SLICE_BYTES = 32 * 1024

/**
 * The rows of a table this program wrote (see Snapshot.ours), read a slice of about 32 KiB at a time by
 * readTable, so they are never all in memory: slices end at a CRLF outside quotes, and an invalid row is still
 * reported with its line in the whole file.
 * @yields each row, validated, in file order
 */
export function * tableRows<T>(schema: TableSchema<T>, bytes: Buffer, file: string, sliceBytes = SLICE_BYTES): Generator<T> {
  const header = headerBytes(schema)
  let linesBefore = 1
  for (let start = header.length; start < bytes.length;) {
    let cut = bytes.indexOf(CRLF, Math.min(start + sliceBytes, bytes.length - CRLF.length))
    let quotes = cut === -1 ? 0 : quotesBetween(bytes, start, cut)
    while (cut !== -1 && quotes % 2 !== 0) {
      const next = bytes.indexOf(CRLF, cut + CRLF.length)
      quotes += next === -1 ? 0 : quotesBetween(bytes, cut, next)
      cut = next
    }

    const end = cut === -1 ? bytes.length : cut + CRLF.length
    let rows: T[]
    try {
      rows = readTable(schema, Buffer.concat([header, bytes.subarray(start, end)]), file).rows
    } catch (error) {
      // The slice's line numbers, made the file's: the slice's line 2 is the line after linesBefore.
      if (!(error instanceof CervenoError) || typeof error.params.line !== 'number') throw error
      throw new CervenoError(error.code, {...error.params, line: linesBefore + error.params.line - 1})
    }

    yield * rows
    for (let lf = bytes.indexOf(0x0A, start); lf !== -1 && lf < end; lf = bytes.indexOf(0x0A, lf + 1)) linesBefore++
    start = end
  }
}

/**
 * Unchanged since this program wrote it (its hash as recorded, so every row was validated when it was
 * written) and in writeTable's layout: header as written, ending with CRLF.
 */
function ourTable(file: string, bytes: Buffer, hash: string, state: State): boolean {
  const written = hash === state.pending?.[file] || hash === state.written?.[file]
  const header = headerBytes(SCHEMAS.get(file)!)
  return written && bytes.subarray(0, header.length).equals(header) && bytes.subarray(-CRLF.length).equals(CRLF)
}

const SCHEMAS = new Map<string, TableSchema<unknown>>([
  [FILES.requests, REQUESTS as TableSchema<unknown>],
  [FILES.subscribers, SUBSCRIBERS as TableSchema<unknown>],
])

/**
 * One change to the data folder, under the lock. Reads are validated; writes happen on commit:
 * previous version to backup/, atomic replace, one audit line per change, hashes recorded so the
 * next change can tell whether someone edited a file by hand in between.
 *
 * Rows added with append*() and nothing else changed are appended to the file instead of rewriting it whole
 * (still copy, fsync, rename): with the lookup of findSubscriber, an add at the counter then reads no more than
 * the bytes and the one row it needs, whatever the size of the registry.
 */
export class Transaction {
  readonly handEdits: HandEdit[] = []
  readonly nowIso: string
  /** Rows added with append*(), per file, in order. */
  private readonly added = new Map<string, unknown[]>()
  private readonly audits: AuditEntry[] = []
  /** Audit entries made while the commit appends them (see auditEach). */
  private readonly auditStreams: (() => Iterable<Omit<AuditEntry, 'operator' | 'ts'>>)[] = []
  /** Whole tables as read (and changed) by this transaction. */
  private readonly cache = new Map<string, unknown[]>()
  /** Whole files other than the tables (path relative to the folder → content), written by the commit. */
  private readonly files = new Map<string, string>()
  /** Tables set whole: rewritten on commit. */
  private readonly replaced = new Set<string>()
  private readonly snapshots = new Map<string, Snapshot>()
  private stateChanged = false
  /** Tables whose new rows are made while the commit writes them (see streamRequests). */
  private readonly streamed = new Map<string, {mode: 'append' | 'replace'; rows: () => Iterable<unknown>}>()

  constructor(
    readonly folder: DataFolder,
    readonly ctx: MutationContext,
    private readonly state: State,
  ) {
    this.nowIso = toRomeIso(ctx.now)
  }

  appendSubscriber(row: Subscriber): void {
    this.append(FILES.subscribers, row)
  }

  audit(entry: Omit<AuditEntry, 'operator' | 'ts'>): void {
    this.audits.push({
      action: entry.action, after: entry.after, before: entry.before, operator: this.ctx.operator, subject: entry.subject, ts: this.nowIso,
    })
  }

  /**
   * Audit entries the commit makes one at a time as it appends them, after those given to audit(): an import's
   * hundreds of thousands of entries never sit in memory together. `entries` is called once, at commit.
   */
  auditEach(entries: () => Iterable<Omit<AuditEntry, 'operator' | 'ts'>>): void {
    this.auditStreams.push(entries)
  }

  async commit(): Promise<void> {
    const {dir} = this.folder
    const changed = new Set([...this.added.keys(), ...this.replaced, ...this.streamed.keys()])
    // Each new version is written and synced beside its file first; a crash before the renames changes nothing
    // (the sweep removes the temp files).
    const writes: NextVersion[] = []
    try {
      for (const [relative, data] of this.files) {
        const target = path.join(dir, relative)
        await mkdir(path.dirname(target), {mode: DIR_MODE, recursive: true})
        writes.push(await writeTemp(target, createHash('sha256'), async put => put(data)))
      }

      for (const file of changed) {
        const schema = SCHEMAS.get(file)!
        const snapshot = this.snapshots.get(file)
        const target = path.join(dir, file)
        const stream = this.streamed.get(file)
        if (stream?.mode === 'replace') writes.push(await writeTableTemp(target, schema, stream.rows()))
        else if (!this.replaced.has(file) && snapshot?.ours) {
          // Appended: the rows added, then those streamed, after a copy of the file.
          const rows = chain(this.added.get(file) ?? [], stream?.rows() ?? [])
          writes.push(await writeTemp(target, snapshot.hasher.copy(), async put => putRows(put, schema, rows), target))
        } else writes.push(await writeTableTemp(target, schema, chain(await this.load(file), stream?.rows() ?? [])))
      }

      if (writes.length > 0) {
        this.state.pending = Object.fromEntries(writes.map(w => [path.relative(dir, w.file), w.hash]))
        await this.writeState()
      }

      for (const {file, hash, temp} of writes) {
        const name = path.relative(dir, file)
        if (SCHEMAS.has(name)) await this.folder.backup(name, this.ctx.now)
        await rename(temp, file)
        if (!SCHEMAS.has(name)) continue
        this.state.files[name] = hash
        this.state.written = {...this.state.written, [name]: hash}
      }
    } finally {
      for (const {temp} of writes) await rm(temp, {force: true})
    }

    delete this.state.pending

    for (const edit of this.handEdits) {
      this.audits.unshift({
        action: 'file.hand-edited', after: {encoding: edit.encoding}, operator: this.ctx.operator, subject: edit.file, ts: this.nowIso,
      })
    }

    if (writes.length > 0) await fsyncDir(dir)
    await appendLines(path.join(dir, FILES.audit), jsonLines(chain(this.audits, this.streamedAudits())))
    if (writes.length > 0 || this.handEdits.length > 0 || this.stateChanged) await this.writeState()
  }

  /**
   * The subscriber with this phone (the last row, as indexByPhone counts), or undefined. When the registry is
   * unchanged since this program wrote it, only that row is read (a byte search, then a validated read of the
   * row); otherwise the whole registry is read and validated as subscribers() does.
   */
  async findSubscriber(phone: string): Promise<Subscriber | undefined> {
    const appended = (this.added.get(FILES.subscribers) ?? []) as Subscriber[]
    const mine = appended.findLast(s => s.phone === phone)
    if (mine) return mine
    const snapshot = await this.snapshot(FILES.subscribers)
    if (this.cache.has(FILES.subscribers) || !snapshot.ours) {
      return (await this.subscribers()).findLast(s => s.phone === phone)
    }

    const record = findRecord(snapshot.bytes, phone)
    if (!record) return undefined
    const header = headerBytes(SUBSCRIBERS)
    return readTable(SUBSCRIBERS, Buffer.concat([header, record]), path.join(this.folder.dir, FILES.subscribers)).rows[0]
  }

  /**
   * The rows of richieste.csv, validated, on each call of the function returned. A table this program wrote is
   * read a slice at a time from its bytes on each pass (tableRows); any other is read and validated whole, once.
   */
  async requestRows(): Promise<() => Iterable<RequestRecord>> {
    const file = FILES.requests
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
    return this.load(FILES.requests) as Promise<RequestRecord[]>
  }

  setRequests(rows: RequestRecord[]): void {
    this.replace(FILES.requests, rows)
  }

  /** Sets a keyed value in `.stato.json`; it is committed with the rest of this change. */
  setStateValue(key: string, value: unknown): void {
    this.state.values = {...this.state.values, [key]: value}
    this.stateChanged = true
  }

  setSubscribers(rows: Subscriber[]): void {
    this.replace(FILES.subscribers, rows)
  }

  /**
   * richieste.csv becomes what `rows` makes, called once while the commit writes the table: `append` adds them
   * after the rows there (the file is copied and appended to when this program wrote it), `replace` makes them the
   * whole table. Either way a big import's rows are never all in memory; requests() does not see them.
   */
  /** A keyed value in `.stato.json`, as committed (or set earlier in this transaction). */
  stateValue<T>(key: string): T | undefined {
    return this.state.values?.[key] as T | undefined
  }

  streamRequests(mode: 'append' | 'replace', rows: () => Iterable<RequestRecord>): void {
    this.streamed.set(FILES.requests, {mode, rows})
  }

  async subscribers(): Promise<Subscriber[]> {
    return this.load(FILES.subscribers) as Promise<Subscriber[]>
  }

  /**
   * Writes a whole file other than the two tables (`relative` to the data folder, e.g. a cache or a tombstone
   * list) as part of this change: synced temp file, named in the commit record, renamed with the tables.
   */
  writeFile(relative: string, data: string): void {
    if (SCHEMAS.has(relative) || path.isAbsolute(relative) || relative.split(/[\\/]/).includes('..')) {
      throw new Error(`writeFile: ${relative} is not a free file of the data folder`)
    }

    this.files.set(relative, data)
  }

  private append(file: string, row: unknown): void {
    const added = this.added.get(file) ?? []
    added.push(row)
    this.added.set(file, added)
    this.cache.get(file)?.push(row)
  }

  /** The whole table, validated, with the rows appended so far. */
  private async load(file: string): Promise<unknown[]> {
    const cached = this.cache.get(file)
    if (cached) return cached
    const {bytes, hash} = await this.snapshot(file)
    const {encoding, rows} = readTable(SCHEMAS.get(file)!, bytes, path.join(this.folder.dir, file))
    this.observe(file, hash, encoding)
    rows.push(...(this.added.get(file) ?? []))
    this.cache.set(file, rows)
    return rows
  }

  /** Records the hash a table was read with; one that differs from the last known means a hand edit. */
  private observe(file: string, hash: string, encoding: HandEdit['encoding']): void {
    const known = this.state.files[file]
    if (hash === this.state.pending?.[file]) this.state.files[file] = hash
    else if (known !== undefined && known !== hash) this.handEdits.push({encoding, file})
    if (known !== hash) this.state.files[file] = hash
  }

  private replace(file: string, rows: unknown[]): void {
    this.cache.set(file, rows)
    this.replaced.add(file)
  }

  private async snapshot(file: string): Promise<Snapshot> {
    const taken = this.snapshots.get(file)
    if (taken) return taken
    const bytes = await this.folder.readBytes(file)
    const hasher = createHash('sha256').update(bytes)
    const hash = hasher.copy().digest('hex')
    const snapshot = {
      bytes, hash, hasher, ours: ourTable(file, bytes, hash, this.state),
    }
    this.snapshots.set(file, snapshot)
    return snapshot
  }

  /**
   * The entries of auditEach, made one at a time.
   * @yields each entry, stamped like audit() stamps them
   */
  private * streamedAudits(): Generator<AuditEntry> {
    for (const entries of this.auditStreams) {
      for (const e of entries()) yield {
        action: e.action, after: e.after, before: e.before, operator: this.ctx.operator, subject: e.subject, ts: this.nowIso,
      }
    }
  }

  private async writeState(): Promise<void> {
    await writeFileSafely(path.join(this.folder.dir, FILES.state), JSON.stringify(this.state, null, 2) + '\n')
  }
}

export class DataFolder {
  constructor(readonly dir: string) {}

  /** Throws DATA_DIR_MISSING (exit 6) unless `init` has run here. */
  async assertInitialized(): Promise<void> {
    if (!(await exists(path.join(this.dir, FILES.config)))) throw new CervenoError('DATA_DIR_MISSING', {dir: this.dir})
  }

  async backup(file: string, now: Date): Promise<void> {
    const source = path.join(this.dir, file)
    if (!(await exists(source))) return
    const folder = path.join(this.dir, FILES.backup)
    await mkdir(folder, {mode: DIR_MODE, recursive: true})
    const stamp = now.toISOString().replaceAll(/[:.]/g, '-')
    const ext = path.extname(file)
    const base = path.basename(file, ext)
    await copyFile(source, path.join(folder, `${base}.${stamp}${ext}`))
    if (POSIX) await chmod(path.join(folder, `${base}.${stamp}${ext}`), FILE_MODE)
    const mine = (await readdir(folder)).filter(f => f.startsWith(`${base}.`) && f.endsWith(ext)).sort()
    for (const old of mine.slice(0, Math.max(0, mine.length - BACKUPS_KEPT))) {
      await rm(path.join(folder, old), {force: true})
    }
  }

  async config(): Promise<{config: Config; migratedFrom?: number}> {
    await this.assertInitialized()
    const file = path.join(this.dir, FILES.config)
    let raw: unknown
    // Notepad saves UTF-8 with a BOM, which JSON.parse refuses.
    const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '')
    try {
      raw = JSON.parse(text)
    } catch (error) {
      throw new CervenoError('CONFIG_INVALID', {field: '(JSON)', file, ...jsonErrorPosition(text, error)})
    }

    return loadConfig(raw, file)
  }

  /**
   * Creates the folder, config.json and the empty files; idempotent (existing files are kept).
   * Returns the files it created.
   */
  async init(now: Date, operator: string): Promise<string[]> {
    await mkdir(this.dir, {mode: DIR_MODE, recursive: true})
    if (POSIX) await chmod(this.dir, DIR_MODE)
    return withLock(this.dir, async () => {
      const created: string[] = []
      const put = async (name: string, content: string) => {
        const file = path.join(this.dir, name)
        if (await exists(file)) return
        await writeFileSafely(file, content)
        created.push(name)
      }

      await put(FILES.config, JSON.stringify(defaultConfig(), null, 2) + '\n')
      await put(FILES.subscribers, writeTable(SUBSCRIBERS, []))
      await put(FILES.requests, writeTable(REQUESTS, []))
      await put(FILES.audit, '')
      for (const sub of [FILES.backup, FILES.broadcasts, FILES.exports]) {
        await mkdir(path.join(this.dir, sub), {mode: DIR_MODE, recursive: true})
      }

      if (created.length > 0) {
        const state: State = {files: {}}
        for (const f of [FILES.subscribers, FILES.requests]) state.files[f] = sha256(await readFile(path.join(this.dir, f)))
        // Written by writeTable just above, unless they were there before init.
        state.written = Object.fromEntries([FILES.subscribers, FILES.requests].filter(f => created.includes(f)).map(f => [f, state.files[f]]))
        await writeFileSafely(path.join(this.dir, FILES.state), JSON.stringify(state, null, 2) + '\n')
        await appendLines(path.join(this.dir, FILES.audit), [
          JSON.stringify({
            action: 'folder.init', after: {files: created}, operator, subject: this.dir, ts: toRomeIso(now),
          }),
        ])
      }

      return created
    })
  }

  /** Runs fn as one transaction under the lock; nothing is written unless fn returns normally. */
  async mutate<T>(ctx: MutationContext, fn: (tx: Transaction) => Promise<T>): Promise<T> {
    await this.assertInitialized()
    return withLock(this.dir, async () => {
      await this.sweep()
      const tx = new Transaction(this, ctx, await this.readState())
      const result = await fn(tx)
      await tx.commit()
      return result
    })
  }

  async readBytes(file: string): Promise<Buffer> {
    try {
      return await readFile(path.join(this.dir, file))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0)
      throw error
    }
  }

  async readRequests(): Promise<RequestRecord[]> {
    await this.assertInitialized()
    return readTable(REQUESTS, await this.readBytes(FILES.requests), path.join(this.dir, FILES.requests)).rows
  }

  async readSubscribers(): Promise<Subscriber[]> {
    await this.assertInitialized()
    return readTable(SUBSCRIBERS, await this.readBytes(FILES.subscribers), path.join(this.dir, FILES.subscribers)).rows
  }

  /** The rows of richieste.csv as Transaction.requestRows gives them, outside a transaction (a dry run). */
  async requestRows(): Promise<() => Iterable<RequestRecord>> {
    await this.assertInitialized()
    const bytes = await this.readBytes(FILES.requests)
    const where = path.join(this.dir, FILES.requests)
    if (ourTable(FILES.requests, bytes, sha256(bytes), await this.readState())) return () => tableRows(REQUESTS, bytes, where)
    const {rows} = readTable(REQUESTS, bytes, where)
    return () => rows
  }

  /** A keyed value of `.stato.json` as last committed (Transaction.setStateValue), outside a transaction. */
  async stateValue<T>(key: string): Promise<T | undefined> {
    return (await this.readState()).values?.[key] as T | undefined
  }

  private async readState(): Promise<State> {
    try {
      const parsed = JSON.parse(await readFile(path.join(this.dir, FILES.state), 'utf8')) as State
      return {
        files: {...parsed.files}, pending: parsed.pending, values: parsed.values, written: parsed.written,
      }
    } catch {
      return {files: {}}
    }
  }

  /** Leftovers of a killed process: temp files and a torn audit line. Runs under the lock. */
  private async sweep(): Promise<void> {
    for (const name of await readdir(this.dir)) {
      if (TEMP_FILE.test(name)) await rm(path.join(this.dir, name), {force: true})
    }

    await repairJsonLines(path.join(this.dir, FILES.audit))
  }
}

export async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory()
  } catch {
    return false
  }
}

import {createHash} from 'node:crypto'
import {constants as fsc} from 'node:fs'
import {
  access, chmod, copyFile, type FileHandle, mkdir, open, readdir, readFile, rm, stat,
} from 'node:fs/promises'
import {homedir} from 'node:os'
import path from 'node:path'
import writeFileAtomic from 'write-file-atomic'

import {type AuditEntry} from '../core/audit.js'
import {type Config, defaultConfig, loadConfig} from '../core/config.js'
import {CervenoError} from '../core/errors.js'
import {type Subscriber} from '../core/registry/types.js'
import {type RequestRecord} from '../core/requests/types.js'
import {toRomeIso} from '../core/time.js'
import {readTable, type TableSchema, writeTable} from './csv-table.js'
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

async function fsyncDir(dir: string): Promise<void> {
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
  let fd: FileHandle | null = null
  try {
    let batch: string[] = []
    let size = 0
    for (const line of lines) {
      batch.push(line, '\n')
      size += line.length + 1
      if (size >= APPEND_BATCH) {
        fd ??= await open(file, 'a', FILE_MODE)
        await fd.appendFile(batch.join(''))
        batch = []
        size = 0
      }
    }

    if (batch.length > 0) {
      fd ??= await open(file, 'a', FILE_MODE)
      await fd.appendFile(batch.join(''))
    }

    await fd?.sync()
  } finally {
    await fd?.close()
  }
}

/** Temp files write-file-atomic leaves behind when a process is killed mid-write: `<name>.<number>`. */
/**
 * Each value as a JSON line, made when it is asked for.
 * @yields one JSON text per value
 */
export function * jsonLines(values: Iterable<unknown>): Generator<string> {
  for (const v of values) yield JSON.stringify(v)
}

const TEMP_FILE = /^.+\.(csv|json|jsonl)\.\d+$/

/**
 * Cuts a torn last line (a process killed while appending) so the file stays valid JSON Lines.
 * Returns true when something was cut.
 */
export async function repairJsonLines(file: string): Promise<boolean> {
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch {
    return false
  }

  if (bytes.length === 0 || bytes.at(-1) === 0x0A) return false
  const keep = bytes.lastIndexOf(0x0A) + 1
  const fd = await open(file, 'r+')
  try {
    await fd.truncate(keep)
    await fd.sync()
  } finally {
    await fd.close()
  }

  return true
}

interface State {
  files: Record<string, string>
  /** Hashes about to be written: a process killed between rename and state write is not a hand edit. */
  pending?: Record<string, string>
}

export interface MutationContext {
  now: Date
  operator: string
}

export interface HandEdit {
  encoding: string
  file: string
}

/**
 * One change to the data folder, under the lock. Reads are validated; writes happen on commit:
 * previous version to backup/, atomic replace, one audit line per change, hashes recorded so the
 * next change can tell whether someone edited a file by hand in between.
 */
export class Transaction {
  readonly handEdits: HandEdit[] = []
  readonly nowIso: string
  private readonly audits: AuditEntry[] = []
  private readonly cache = new Map<string, unknown[]>()
  private readonly dirty = new Set<string>()

  constructor(
    readonly folder: DataFolder,
    readonly ctx: MutationContext,
    private readonly state: State,
  ) {
    this.nowIso = toRomeIso(ctx.now)
  }

  audit(entry: Omit<AuditEntry, 'operator' | 'ts'>): void {
    this.audits.push({
      action: entry.action, after: entry.after, before: entry.before, operator: this.ctx.operator, subject: entry.subject, ts: this.nowIso,
    })
  }

  async commit(): Promise<void> {
    const {dir} = this.folder
    const data = new Map<string, string>()
    for (const file of this.dirty) {
      const schema = file === FILES.subscribers ? SUBSCRIBERS : REQUESTS
      data.set(file, writeTable(schema as TableSchema<unknown>, this.cache.get(file) as unknown[]))
    }

    const hashes = new Map([...data].map(([f, d]) => [f, sha256(d)]))
    if (data.size > 0) {
      this.state.pending = Object.fromEntries(hashes)
      await this.writeState()
    }

    for (const [file, content] of data) {
      await this.folder.backup(file, this.ctx.now)
      await writeFileSafely(path.join(dir, file), content)
      this.state.files[file] = hashes.get(file)!
    }

    delete this.state.pending

    for (const edit of this.handEdits) {
      this.audits.unshift({
        action: 'file.hand-edited', after: {encoding: edit.encoding}, operator: this.ctx.operator, subject: edit.file, ts: this.nowIso,
      })
    }

    if (this.dirty.size > 0) await fsyncDir(dir)
    await appendLines(path.join(dir, FILES.audit), jsonLines(this.audits))
    if (this.dirty.size > 0 || this.handEdits.length > 0) await this.writeState()
  }

  async requests(): Promise<RequestRecord[]> {
    return this.load(FILES.requests, REQUESTS)
  }

  setRequests(rows: RequestRecord[]): void {
    this.cache.set(FILES.requests, rows)
    this.dirty.add(FILES.requests)
  }

  setSubscribers(rows: Subscriber[]): void {
    this.cache.set(FILES.subscribers, rows)
    this.dirty.add(FILES.subscribers)
  }

  async subscribers(): Promise<Subscriber[]> {
    return this.load(FILES.subscribers, SUBSCRIBERS)
  }

  private async load<T>(file: string, schema: TableSchema<T>): Promise<T[]> {
    const cached = this.cache.get(file)
    if (cached) return cached as T[]
    const bytes = await this.folder.readBytes(file)
    const {encoding, rows} = readTable(schema, bytes, path.join(this.folder.dir, file))
    const known = this.state.files[file]
    const hash = sha256(bytes)
    if (hash === this.state.pending?.[file]) this.state.files[file] = hash
    else if (known !== undefined && known !== hash) this.handEdits.push({encoding, file})
    if (known !== hash) this.state.files[file] = hash
    this.cache.set(file, rows)
    return rows
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
    try {
      raw = JSON.parse(await readFile(file, 'utf8'))
    } catch {
      throw new CervenoError('CONFIG_INVALID', {field: '(JSON)', file})
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

  private async readState(): Promise<State> {
    try {
      const parsed = JSON.parse(await readFile(path.join(this.dir, FILES.state), 'utf8')) as State
      return {files: {...parsed.files}, pending: parsed.pending}
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

import {constants as fsc} from 'node:fs'
import {
  access, chmod, mkdir, readFile, stat,
} from 'node:fs/promises'
import {homedir} from 'node:os'
import path from 'node:path'

import {type Config, defaultConfig, loadConfig} from '../core/config.js'
import {CervenoError} from '../core/errors.js'
import {jsonErrorPosition} from '../core/json-position.js'
import {type Subscriber} from '../core/registry/types.js'
import {type RequestRecord} from '../core/requests/types.js'
import {toRomeIso} from '../core/time.js'
import {appendLines} from './audit-log.js'
import {diskFull, hasUnfinishedCommit, recover} from './commit.js'
import {readTable, writeTable} from './csv-table.js'
import {
  DIR_MODE, POSIX, sha256, writeFileSafely,
} from './durable.js'
import {readState, type State} from './folder-state.js'
import {withLock} from './lock.js'
import {ourTable, tableRows} from './table-files.js'
import {REQUESTS, SUBSCRIBERS} from './tables.js'
import {type MutationContext, Transaction} from './transaction.js'

// The pieces of the data folder, re-exported where callers have always found them.
export {appendLines, jsonLines, repairJsonLines} from './audit-log.js'
export {fsyncDir, writeFileSafely} from './durable.js'
export {findRecord, tableRows} from './table-files.js'
export {
  BACKUPS_KEPT, type HandEdit, type MutationContext, Transaction,
} from './transaction.js'

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

export class DataFolder {
  constructor(readonly dir: string) {}

  /**
   * Throws DATA_DIR_MISSING (exit 6) unless `init` has run here. A change a killed process left committed but
   * unfinished is completed first (under the lock), so no command ever reads half of a change.
   */
  async assertInitialized(): Promise<void> {
    if (!(await exists(path.join(this.dir, FILES.config)))) throw new CervenoError('DATA_DIR_MISSING', {dir: this.dir})
    if (await hasUnfinishedCommit(this.dir)) await withLock(this.dir, async () => recover(this.dir))
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

  /**
   * Runs fn as one transaction under the lock; nothing is written unless fn returns normally, and then the whole
   * change is written by the commit protocol (commit.ts) or none of it.
   */
  async mutate<T>(ctx: MutationContext, fn: (tx: Transaction) => Promise<T>): Promise<T> {
    await this.assertInitialized()
    try {
      return await withLock(this.dir, async () => {
        await recover(this.dir)
        const tx = new Transaction(this, ctx, await readState(this.dir))
        const result = await fn(tx)
        await tx.commit()
        return result
      })
    } catch (error) {
      // The commit and the recovery say themselves what they completed; anything else failed before any change.
      throw diskFull(error, this.dir, 'none')
    }
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
    if (ourTable(FILES.requests, bytes, sha256(bytes), await readState(this.dir))) return () => tableRows(REQUESTS, bytes, where)
    const {rows} = readTable(REQUESTS, bytes, where)
    return () => rows
  }

  /** A keyed value of `.stato.json` as last committed (Transaction.setStateValue), outside a transaction. */
  async stateValue<T>(key: string): Promise<T | undefined> {
    return (await readState(this.dir)).values?.[key] as T | undefined
  }
}

export async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory()
  } catch {
    return false
  }
}

/**
 * Appends payload lines to the inbox with group commit: the lines that arrive while a sync is under way wait,
 * then go out together in one write and one fdatasync. Each append resolves only once its line is on disk, so the
 * receiver answers 200 only for what a crash or a power cut cannot take back.
 */
import {constants as fsc} from 'node:fs'
import {
  access, type FileHandle, mkdir, open,
} from 'node:fs/promises'
import path from 'node:path'

import {fsyncDir, repairJsonLines} from './data-folder.js'
import {inboxFileName, listInbox} from './webhook-inbox.js'

interface Pending {
  line: Buffer
  name: string
  reject: (error: Error) => void
  resolve: () => void
}

interface OpenFile {
  handle: FileHandle
  name: string
  size: number
}

const NEWLINE = Buffer.from('\n')

export class InboxWriter {
  /** Bytes in the inbox (all days), kept up to date as lines are written. */
  bytes = 0
  /** fdatasync calls so far: fewer than the lines when requests share them (group commit). */
  syncs = 0
  private current: null | OpenFile = null
  private flushing: null | Promise<void> = null
  private queue: Pending[] = []

  constructor(readonly dir: string, private readonly dayFile: (at: Date) => string = inboxFileName) {}

  /**
   * Queues one line (no newline in it) for the day of `at`; resolves once it is written and synced, rejects
   * when the write or the sync failed (the batch is then cut back off the file).
   */
  append(line: Buffer, at: Date): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({
        line, name: this.dayFile(at), reject, resolve,
      })
      this.flushing ??= this.drain()
    })
  }

  /** Waits for queued lines, then closes the file. */
  async close(): Promise<void> {
    while (this.flushing) await this.flushing
    await this.current?.handle.close()
    this.current = null
  }

  /**
   * Creates the inbox folder and cuts the torn last line a crash may have left in any of its files (never one that
   * was answered 200: that one had its newline and was synced). Returns how many files were repaired.
   */
  async open(): Promise<number> {
    await mkdir(this.dir, {mode: 0o700, recursive: true})
    let repaired = 0
    this.bytes = 0
    for (const f of await listInbox(path.dirname(this.dir))) {
      if (await repairJsonLines(f.file)) repaired++
    }

    for (const f of await listInbox(path.dirname(this.dir))) this.bytes += f.size
    return repaired
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue
        this.queue = []
        // Almost always one day; around midnight, one write per day, in order.
        const names = [...new Set(batch.map(p => p.name))]
        for (const name of names) {
          await this.writeGroup(name, batch.filter(p => p.name === name))
        }
      }
    } finally {
      this.flushing = null
    }
  }

  private async fileFor(name: string): Promise<OpenFile> {
    if (this.current?.name === name) return this.current
    await this.current?.handle.close()
    this.current = null
    const file = path.join(this.dir, name)
    const created = !(await exists(file))
    const handle = await open(file, 'a', 0o600)
    const {size} = await handle.stat()
    // A new file's name must survive a power cut too, before its first line is confirmed.
    if (created) await fsyncDir(this.dir)
    this.current = {handle, name, size}
    return this.current
  }

  private async writeGroup(name: string, group: Pending[]): Promise<void> {
    const bytes = Buffer.concat(group.flatMap(p => [p.line, NEWLINE]))
    let target: OpenFile | undefined
    try {
      target = await this.fileFor(name)
      for (let done = 0; done < bytes.length;) {
        const {bytesWritten} = await target.handle.write(bytes, done, bytes.length - done, null)
        done += bytesWritten
      }

      await target.handle.datasync()
      this.syncs++
      target.size += bytes.length
      this.bytes += bytes.length
    } catch (error) {
      // Cut what part of the batch reached the file, so the next lines do not follow a torn one.
      await target?.handle.truncate(target.size).catch(() => {})
      for (const p of group) p.reject(error as Error)
      return
    }

    for (const p of group) p.resolve()
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file, fsc.F_OK)
    return true
  } catch {
    return false
  }
}

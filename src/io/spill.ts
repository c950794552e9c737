import {randomBytes} from 'node:crypto'
import {
  closeSync, ftruncateSync, openSync, readSync, unlinkSync, writeSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {CervenoError} from '../core/errors.js'

/** Where a spill stood: the values and bytes written before it. */
export interface SpillMark {
  readonly bytes: number
  readonly values: number
}

/** Bytes gathered before one write, and read per read. */
const CHUNK = 1024 * 1024

/**
 * Values written to a temp file as JSON lines and read back in order: what an import finds in a dump of any
 * size waits on disk, not in memory, until it is merged. The file is removed from its folder as soon as it is
 * open, so nothing of it (citizens' personal data) outlives the process, even one that is killed; POSIX and
 * Windows (libuv opens files with FILE_SHARE_DELETE) both keep an open, unlinked file readable. Synchronous I/O
 * on a local temp file: a MiB at a time, between two values of the caller's loop.
 */
export class JsonSpill<T> {
  private bytes = 0
  private closed = false
  private readonly fd: number
  private linked: null | string
  /**
   * Lines not yet written, as bytes: kept as strings until the write, they lived long enough for V8 to move them
   * to the old generation, which then grew by a MiB per write until the next full collection.
   */
  private readonly pending = Buffer.allocUnsafe(CHUNK)
  private pendingBytes = 0
  private values = 0

  constructor(private readonly dir = tmpdir()) {
    const file = path.join(dir, `cerveno-info-${process.pid}-${randomBytes(6).toString('hex')}.tmp`)
    // Exclusive create, private mode: never follows a link someone planted under that name.
    this.fd = this.io(() => openSync(file, 'wx+', 0o600))
    this.linked = file
    try {
      unlinkSync(file)
      this.linked = null
    } catch {
      // A file system that refuses: removed by close().
    }
  }

  get size(): number {
    return this.values
  }

  add(value: T): void {
    const line = JSON.stringify(value) + '\n'
    const length = Buffer.byteLength(line)
    if (this.pendingBytes + length > CHUNK) this.flush()
    if (length > CHUNK) this.write(Buffer.from(line))
    else this.pendingBytes += this.pending.write(line, this.pendingBytes)
    this.values++
  }

  /** Closes (and if still needed removes) the file. Idempotent. */
  close(): void {
    if (this.closed) return
    this.closed = true
    closeSync(this.fd)
    if (this.linked) {
      try {
        unlinkSync(this.linked)
      } catch {}
    }
  }

  mark(): SpillMark {
    return {bytes: this.bytes + this.pendingBytes, values: this.values}
  }

  /**
   * The values from `from` (the start by default) to the end, parsed anew on each call.
   * @yields each value, in the order added
   */
  * read(from?: SpillMark): Generator<T> {
    this.flush()
    const end = this.bytes
    // One buffer for the whole read, the unfinished line moved to its start: a new buffer per chunk (1 MiB each,
    // 120 of them for the 2 GiB bench dump) left malloc's heap, and RSS, tens of MB bigger.
    let buf = Buffer.allocUnsafe(CHUNK)
    let pos = from?.bytes ?? 0
    let kept = 0
    while (pos < end) {
      if (kept === buf.length) {
        // A line longer than the buffer.
        const bigger = Buffer.allocUnsafe(2 * buf.length)
        buf.copy(bigger, 0, 0, kept)
        buf = bigger
      }

      const n = readSync(this.fd, buf, kept, Math.min(buf.length - kept, end - pos), pos)
      if (n === 0) throw new Error('spill file shorter than written')
      pos += n
      const filled = kept + n
      let start = 0
      for (let nl = buf.indexOf(0x0A, start); nl !== -1 && nl < filled; nl = buf.indexOf(0x0A, start)) {
        yield JSON.parse(buf.toString('utf8', start, nl)) as T
        start = nl + 1
      }

      buf.copy(buf, 0, start, filled)
      kept = filled - start
    }
  }

  /** Forgets what was added after `mark`. */
  truncate(mark: SpillMark): void {
    this.flush()
    ftruncateSync(this.fd, mark.bytes)
    this.bytes = mark.bytes
    this.values = mark.values
  }

  private flush(): void {
    if (this.pendingBytes === 0) return
    this.write(this.pending.subarray(0, this.pendingBytes))
    this.pendingBytes = 0
  }

  /** A temp folder that cannot be written (missing, read-only, disk full) is the clerk's to fix: said in Italian. */
  private io<R>(fn: () => R): R {
    try {
      return fn()
    } catch (error) {
      const {code} = error as NodeJS.ErrnoException
      if (code === undefined) throw error
      throw new CervenoError('TEMP_UNAVAILABLE', {dir: this.dir, reason: code}, {cause: error})
    }
  }

  private write(data: Buffer): void {
    this.io(() => {
      let off = 0
      while (off < data.length) off += writeSync(this.fd, data, off, data.length - off, this.bytes + off)
    })
    this.bytes += data.length
  }
}

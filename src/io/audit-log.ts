/**
 * JSON Lines files: the audit log (registro.jsonl) and the broadcast journals. Lines are written whole, a MiB
 * at a time, with checked writes; a line torn by a killed process is cut by repairJsonLines.
 */
import {type FileHandle, open} from 'node:fs/promises'

import {FILE_MODE, writeAll} from './durable.js'

const APPEND_BATCH = 1024 * 1024

/**
 * Lines gathered as bytes, about a MiB at a time, each batch handed to `out`; `lines` can be a generator that
 * makes each line when it is written. Bytes, not strings: strings kept until a MiB is full live long enough to
 * reach V8's old generation, which an import's 165,000 audit lines then grew by tens of MB.
 */
export async function putLines(lines: Iterable<string>, out: (bytes: Buffer) => Promise<void>): Promise<void> {
  const batch = Buffer.allocUnsafe(APPEND_BATCH)
  let used = 0
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
}

/**
 * Appends whole lines and fsyncs: a journal line is either there or not (a line torn by a killed process is cut
 * by repairJsonLines). Audit lines of a change are not appended with this: they are part of its commit (commit.ts).
 */
export async function appendLines(file: string, lines: Iterable<string>): Promise<void> {
  // Opened by the first write (the cast keeps TypeScript from narrowing it to null for good).
  let fd = null as FileHandle | null
  try {
    await putLines(lines, async bytes => {
      fd ??= await open(file, 'a', FILE_MODE)
      await writeAll(fd, bytes)
    })
    await fd?.sync()
  } finally {
    await fd?.close()
  }
}

/**
 * Each value as a JSON line, made when it is asked for.
 * @yields one JSON text per value
 */
export function * jsonLines(values: Iterable<unknown>): Generator<string> {
  for (const v of values) yield JSON.stringify(v)
}

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

/** Reading the --attach file: its first bytes (the type), its size and hash, and its bytes for the upload. */
import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {open, readFile, stat} from 'node:fs/promises'
import path from 'node:path'

import {
  type AttachmentFile, attachmentProblem, type HeaderNeed, type MediaKind, SNIFF_BYTES, sniffMedia,
} from '../core/broadcast/media.js'
import {CervenoError, isCervenoError} from '../core/errors.js'

function unreadable(file: string, error: unknown): CervenoError {
  const {code} = error as NodeJS.ErrnoException
  return new CervenoError('ATTACHMENT_INVALID', {file, problem: code === 'ENOENT' ? 'missing' : 'unreadable'})
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

async function readHead(file: string): Promise<{head: Buffer; size: number}> {
  try {
    const info = await stat(file)
    if (!info.isFile()) throw new CervenoError('ATTACHMENT_INVALID', {file, problem: 'notAFile'})
    const handle = await open(file, 'r')
    try {
      const head = Buffer.alloc(SNIFF_BYTES)
      const {bytesRead} = await handle.read(head, 0, SNIFF_BYTES, 0)
      return {head: head.subarray(0, bytesRead), size: info.size}
    } finally {
      await handle.close()
    }
  } catch (error) {
    if (isCervenoError(error)) throw error
    throw unreadable(file, error)
  }
}

/** What the file's bytes say it is (undefined: neither JPEG, PNG nor PDF); ATTACHMENT_INVALID when unreadable. */
export async function attachmentKind(file: string): Promise<MediaKind | undefined> {
  return sniffMedia((await readHead(file)).head)?.kind
}

/**
 * Checks `file` against what the template's header wants (ATTACHMENT_MISMATCH, exit 2, for an attachment
 * the template does not take or a missing one; ATTACHMENT_INVALID, exit 3, for a file of the wrong type or
 * size) and returns it described, hashed. `file` undefined: only the "missing --attach" check.
 */
export async function inspectAttachment(file: string | undefined, header: HeaderNeed, template: string): Promise<AttachmentFile | undefined> {
  if (file === undefined) {
    const problem = attachmentProblem(header)
    if (problem) throw new CervenoError('ATTACHMENT_MISMATCH', {...problem, problem: problem.code, template})
    return undefined
  }

  const {head, size} = await readHead(file)
  const sniffed = sniffMedia(head)
  const problem = attachmentProblem(header, {size, sniffed})
  if (problem) {
    const code = problem.code === 'attachNotWanted' || problem.code === 'attachRequired' ? 'ATTACHMENT_MISMATCH' : 'ATTACHMENT_INVALID'
    throw new CervenoError(code, {
      ...problem, file, problem: problem.code, template,
    })
  }

  let sha256: string
  try {
    sha256 = await sha256Of(file)
  } catch (error) {
    throw unreadable(file, error)
  }

  return {
    file: path.resolve(file), fileName: path.basename(file), kind: sniffed!.kind, mime: sniffed!.mime, sha256, size,
  }
}

/** The attachment's bytes for the upload; ATTACHMENT_INVALID when the file is gone or no longer the one planned. */
export async function readAttachmentBytes(attachment: AttachmentFile, runId: string, file = attachment.file): Promise<Buffer> {
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (error) {
    const {code} = error as NodeJS.ErrnoException
    throw new CervenoError('ATTACHMENT_INVALID', {file, id: runId, problem: code === 'ENOENT' ? 'missingOnResume' : 'unreadable'})
  }

  if (createHash('sha256').update(bytes).digest('hex') !== attachment.sha256) {
    throw new CervenoError('ATTACHMENT_INVALID', {file, id: runId, problem: 'changed'})
  }

  return bytes
}

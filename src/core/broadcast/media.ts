/**
 * Media headers (cloud-api.md §9.3): what a file really is (from its bytes, never its name), whether it fits
 * the template's header and Meta's limits, and whether a media id uploaded earlier may still be used.
 * Pure: the io layer reads the file and passes its first bytes, size and hash.
 */

export type MediaKind = 'document' | 'image'
export type MediaMime = 'application/pdf' | 'image/jpeg' | 'image/png'

/** Meta's limits: images 5 MB, documents 100 MB (MB = 1024 × 1024 bytes). */
export const MEDIA_MAX_BYTES: Record<MediaKind, number> = {
  document: 100 * 1024 * 1024,
  image: 5 * 1024 * 1024,
}

/** An uploaded media id lives 30 days. */
export const MEDIA_ID_TTL_MS = 30 * 24 * 3_600_000

/** Bytes the sniffer needs (the PNG header with its IHDR chunk). */
export const SNIFF_BYTES = 32

export interface Sniffed {
  kind: MediaKind
  mime: MediaMime
  /** PNG only: Meta accepts 8-bit RGB or RGBA; anything else is a problem to report. */
  pngProblem?: 'bitDepth' | 'colorType'
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

function startsWith(head: Uint8Array, bytes: readonly number[]): boolean {
  return head.length >= bytes.length && bytes.every((b, i) => head[i] === b)
}

/** What the file's first bytes say it is; undefined for anything but JPEG, PNG and PDF. */
export function sniffMedia(head: Uint8Array): Sniffed | undefined {
  if (startsWith(head, [0xFF, 0xD8, 0xFF])) return {kind: 'image', mime: 'image/jpeg'}
  if (startsWith(head, PNG_SIGNATURE)) {
    // IHDR: length (4), "IHDR" (4), width (4), height (4), bit depth (1), colour type (1).
    const bitDepth = head[24]
    const colorType = head[25]
    if (bitDepth !== undefined && bitDepth !== 8) return {kind: 'image', mime: 'image/png', pngProblem: 'bitDepth'}
    if (colorType !== undefined && colorType !== 2 && colorType !== 6) return {kind: 'image', mime: 'image/png', pngProblem: 'colorType'}
    return {kind: 'image', mime: 'image/png'}
  }

  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2D])) return {kind: 'document', mime: 'application/pdf'}
  return undefined
}

/** What the template's header wants: nothing, a text, or a media of one kind (anything else is unsupported). */
export type HeaderNeed = 'document' | 'image' | 'none' | 'text' | 'unsupported'

/** A file ready to be attached, as the io layer read it. */
export interface AttachmentFile {
  /** The path as given (for messages). */
  file: string
  /** The base name: what a citizen sees for a document. */
  fileName: string
  kind: MediaKind
  mime: MediaMime
  sha256: string
  size: number
}

export type AttachmentProblem
  = | {code: 'attachNotWanted'; header: HeaderNeed}
    | {code: 'attachRequired'; header: MediaKind}
    | {code: 'empty'}
    | {code: 'kindMismatch'; found: MediaMime; header: MediaKind}
    | {code: 'png'; detail: 'bitDepth' | 'colorType'}
    | {code: 'tooBig'; kind: MediaKind; max: number; size: number}
    | {code: 'unknownType'}

/**
 * Everything that keeps `--attach` from going with the template's header, or null when it fits.
 * `sniffed` is undefined for a file that is not JPEG, PNG or PDF; `size` in bytes.
 */
export function attachmentProblem(
  header: HeaderNeed,
  file?: {size: number; sniffed: Sniffed | undefined},
): AttachmentProblem | null {
  if (file === undefined) return header === 'image' || header === 'document' ? {code: 'attachRequired', header} : null
  if (header !== 'image' && header !== 'document') return {code: 'attachNotWanted', header}
  if (file.size === 0) return {code: 'empty'}
  const {sniffed} = file
  if (sniffed === undefined) return {code: 'unknownType'}
  if (sniffed.kind !== header) return {code: 'kindMismatch', found: sniffed.mime, header}
  if (sniffed.pngProblem !== undefined) return {code: 'png', detail: sniffed.pngProblem}
  const max = MEDIA_MAX_BYTES[sniffed.kind]
  if (file.size > max) return {
    code: 'tooBig', kind: sniffed.kind, max, size: file.size,
  }
  return null
}

/** The journal line that records an upload, written (and synced) before the first message that uses it. */
export interface MediaRecord {
  /** When Meta answered with the id (ISO 8601): the id's 30 days count from here. */
  at: string
  fileName: string
  id: string
  kind: MediaKind
  mime: MediaMime
  sha256: string
  size: number
  type: 'media'
}

/** True when `value` is a well-formed media record (a hand-edited journal is not trusted). */
export function isMediaRecord(value: unknown): value is MediaRecord {
  const r = value as null | Partial<MediaRecord>
  return typeof r === 'object' && r !== null && r.type === 'media' && typeof r.id === 'string' && /^[\w.-]{1,128}$/.test(r.id)
    && typeof r.at === 'string' && Number.isFinite(Date.parse(r.at)) && typeof r.sha256 === 'string'
}

/** Whether the recorded upload can go on being used for the same file at `nowMs` (younger than 30 days). */
export function mediaReusable(record: MediaRecord | undefined, sha256: string, nowMs: number): record is MediaRecord {
  if (record === undefined || record.sha256 !== sha256) return false
  const age = nowMs - Date.parse(record.at)
  return age >= 0 && age < MEDIA_ID_TTL_MS
}

/** The id shown in a dry run and in the preview before the upload. */
export const MEDIA_ID_PLACEHOLDER = '{MEDIA_ID}'

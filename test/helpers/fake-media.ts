/**
 * The media endpoint of the stand-in Cloud API (cloud-api.md §9.3): `POST /{phone-number-id}/media`, multipart
 * with `messaging_product=whatsapp`, `type=<mime>` and `file`. It checks the declared type against the bytes
 * (131053 like Meta), records every upload and answers `{"id": …}`; message requests may then only use ids it gave.
 */
import {createHash, randomBytes} from 'node:crypto'

export interface FakeUpload {
  /** The `file` part's Content-Type. */
  fileContentType?: string
  fileName?: string
  id: string
  messagingProduct?: string
  /** 1-based arrival number among all requests. */
  n: number
  sha256: string
  size: number
  /** The `type` field. */
  type?: string
}

interface Part {
  contentType?: string
  filename?: string
  name?: string
  value: Buffer
}

/** A minimal multipart/form-data reader (RFC 7578): enough to check what the client sent. */
export function parseMultipart(body: Buffer, contentType: string | undefined): Part[] | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '')
  if (!boundary) return undefined
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`)
  const parts: Part[] = []
  let start = body.indexOf(delimiter)
  while (start !== -1) {
    const from = start + delimiter.length
    if (body.subarray(from, from + 2).toString() === '--') break
    const next = body.indexOf(delimiter, from)
    if (next === -1) return undefined
    const chunk = body.subarray(from + 2, next - 2) // after CRLF, before CRLF--boundary
    const split = chunk.indexOf('\r\n\r\n')
    if (split === -1) return undefined
    const head = chunk.subarray(0, split).toString('utf8')
    const part: Part = {value: chunk.subarray(split + 4)}
    for (const line of head.split('\r\n')) {
      const [key, ...rest] = line.split(':')
      const value = rest.join(':').trim()
      if (key.toLowerCase() === 'content-type') part.contentType = value
      if (key.toLowerCase() === 'content-disposition') {
        part.name = /\bname="([^"]*)"/.exec(value)?.[1]
        const filename = /\bfilename="([^"]*)"/.exec(value)?.[1]
        if (filename !== undefined) part.filename = filename
      }
    }

    parts.push(part)
    start = next
  }

  return parts
}

function sniff(bytes: Buffer): string | undefined {
  if (bytes[0] === 0xFF && bytes[1] === 0xD8 && bytes[2] === 0xFF) return 'image/jpeg'
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))) return 'image/png'
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf'
  return undefined
}

export type MediaAnswer = {body?: unknown; status: number}

export class FakeMediaStore {
  readonly uploads: FakeUpload[] = []

  /** An error answer for a media header parameter that names no uploaded id of the right type, else undefined. */
  checkParameter(
    parameter: Record<string, unknown>,
    error: (status: number, code: number, title: string, details?: string) => MediaAnswer,
  ): MediaAnswer | undefined {
    const kind = parameter.type as string
    const media = parameter[kind] as Record<string, unknown> | undefined
    const upload = this.uploads.find(u => u.id === media?.id)
    if (!upload) return error(400, 131_009, 'Parameter value is not valid', `Media id ${String(media?.id)} was not uploaded to this number.`)
    const expected = kind === 'document' ? 'application/pdf' : 'image/'
    if (!upload.type?.startsWith(expected)) return error(400, 132_012, 'Parameter format does not match format in the created template', 'Media type does not match the header.')
    return undefined
  }

  /** The answer to one upload request. `error` builds Meta's error envelope. */
  handle(
    request: {bytes: Buffer; contentType?: string; n: number},
    error: (status: number, code: number, title: string, details?: string) => MediaAnswer,
  ): MediaAnswer {
    const parts = parseMultipart(request.bytes, request.contentType)
    if (!parts) return error(400, 100, 'Invalid parameter', 'The request is not multipart/form-data.')
    const field = (name: string) => parts.find(p => p.name === name)
    const file = field('file')
    const type = field('type')?.value.toString('utf8')
    const messagingProduct = field('messaging_product')?.value.toString('utf8')
    if (messagingProduct !== 'whatsapp') return error(400, 100, 'Invalid parameter', 'The parameter messaging_product is required.')
    if (!file || file.value.length === 0) return error(400, 100, 'Invalid parameter', 'The parameter file is required.')
    const actual = sniff(file.value)
    if (type === undefined || actual === undefined || actual !== type) {
      return error(400, 131_053, 'Media upload error', `Unsupported file type or the MIME type does not match the file (declared ${type}).`)
    }

    const limit = actual === 'application/pdf' ? 100 * 1024 * 1024 : 5 * 1024 * 1024
    if (file.value.length > limit) return error(400, 131_053, 'Media upload error', 'File too big.')
    const id = String(10 ** 15 + Number.parseInt(randomBytes(5).toString('hex'), 16))
    this.uploads.push({
      fileContentType: file.contentType,
      fileName: file.filename,
      id,
      messagingProduct,
      n: request.n,
      sha256: createHash('sha256').update(file.value).digest('hex'),
      size: file.value.length,
      type,
    })
    return {body: {id}, status: 200}
  }
}

type Json = Record<string, unknown>
type ErrorAnswer = (status: number, code: number, title: string, details?: string) => MediaAnswer

/**
 * What Meta answers when the header sent does not fit the template's definition: 132000 for a missing or extra
 * header parameter, 132012 for a media of the other type, 100 for a title Meta would not take.
 */
export function headerMismatch(definition: Json | undefined, components: unknown[], error: ErrorAnswer): MediaAnswer | undefined {
  if (!definition) return undefined
  const header = (definition.components as Json[]).find(c => c.type === 'HEADER')
  const format = String(header?.format ?? 'TEXT')
  const wantsText = header !== undefined && format === 'TEXT' && /{{\s*\w+\s*}}/.test(String(header.text ?? ''))
  const wants = header === undefined || (format === 'TEXT' && !wantsText) ? 'none' : (wantsText ? 'text' : format.toLowerCase())
  const sent = components.find(c => (c as Json | null)?.type === 'header') as Json | undefined
  const parameter = (Array.isArray(sent?.parameters) ? sent.parameters[0] : undefined) as Json | undefined
  const count = (message: string) => error(400, 132_000, 'Number of parameters does not match the expected number of params', message)
  if (wants === 'none') return sent === undefined ? undefined : count('header: the template has no header parameter')
  if (parameter === undefined) return count(`header: expected 1 ${wants} parameter`)
  if (parameter.type !== wants) return error(400, 132_012, 'Parameter format does not match format in the created template', `header: expected ${wants}`)
  if (wants === 'text') {
    const {text} = parameter
    if (typeof text !== 'string' || text.length > 60 || /[\n\t*_~`]/.test(text)) return error(400, 100, 'Invalid parameter', 'header text: at most 60 characters, no new-line or formatting characters')
  }

  return undefined
}

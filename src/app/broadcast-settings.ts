/** Where the Cloud API is and how a notice file is read (DESIGN §6). */
import {createHash} from 'node:crypto'
import {readFile, stat} from 'node:fs/promises'

import {type NoticeMode, validateNotice} from '../core/broadcast/payload.js'
import {type Config} from '../core/config.js'
import {CervenoError, isCervenoError} from '../core/errors.js'

export const DEFAULT_API_URL = 'https://graph.facebook.com'
/** A notice file larger than this is certainly not a notice (the limits are 1024 / 4096 characters). */
const NOTICE_FILE_MAX_BYTES = 64 * 1024

export interface ApiSettings {
  baseUrl: string
  phoneNumberId: string
  token: string
  version: string
}

const value = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined)

/**
 * Endpoint settings from the environment, then config.json (never the token). `required` turns a missing
 * token or phone-number id into CONFIG_MISSING (exit 6) naming the variable.
 */
export function resolveApiSettings(env: NodeJS.ProcessEnv, config: Config, required: true): ApiSettings
export function resolveApiSettings(env: NodeJS.ProcessEnv, config: Config, required: false): Partial<ApiSettings> & {baseUrl: string; version: string}
export function resolveApiSettings(env: NodeJS.ProcessEnv, config: Config, required: boolean): Partial<ApiSettings> {
  const token = value(env.WHATSAPP_TOKEN)
  const phoneNumberId = value(env.WHATSAPP_PHONE_NUMBER_ID) ?? value(config.phoneNumberId)
  const baseUrl = value(env.WHATSAPP_API_URL) ?? value((config as unknown as Record<string, unknown>).apiUrl) ?? DEFAULT_API_URL
  const version = value(env.WHATSAPP_API_VERSION) ?? value(config.apiVersion) ?? 'v24.0'
  if (required) {
    if (token === undefined) throw new CervenoError('CONFIG_MISSING', {name: 'WHATSAPP_TOKEN'})
    if (phoneNumberId === undefined) throw new CervenoError('CONFIG_MISSING', {name: 'WHATSAPP_PHONE_NUMBER_ID'})
  }

  // Digits only, checked before it goes anywhere: a token pasted here by mistake must not reach a URL, the screen or
  // invii/<id>/invio.json. The error names the variable, never the value.
  if (phoneNumberId !== undefined && !/^\d{1,30}$/.test(phoneNumberId)) {
    throw new CervenoError('CONFIG_INVALID', {key: 'WHATSAPP_PHONE_NUMBER_ID', problem: 'format'})
  }

  // The same for the other parts of the URL that is shown and stored: a version is `v` and a number, and the token
  // is in neither (pasted into WHATSAPP_API_URL's path, it would reach invio.json).
  if (!/^v\d+\.\d+$/.test(version)) throw new CervenoError('CONFIG_INVALID', {key: 'WHATSAPP_API_VERSION', problem: 'format'})
  if (token !== undefined && token.length >= 8 && baseUrl.includes(token)) {
    throw new CervenoError('CONFIG_INVALID', {key: 'WHATSAPP_API_URL', problem: 'format'})
  }

  return {
    baseUrl, phoneNumberId, token, version,
  }
}

/** The messages endpoint as the client builds it, without credentials; a placeholder for a missing id. */
export function endpointUrl(s: {baseUrl: string; phoneNumberId?: string; version: string}): string {
  let base: URL
  try {
    base = new URL(s.baseUrl)
  } catch {
    throw new CervenoError('CONFIG_INVALID', {key: 'WHATSAPP_API_URL', problem: 'format'})
  }

  return `${base.origin}${base.pathname.replace(/\/+$/, '')}/${s.version}/${s.phoneNumberId ?? '{WHATSAPP_PHONE_NUMBER_ID}'}/messages`
}

export interface Notice {
  file: string
  /** Lines before the first one with text (the text is trimmed): line numbers of errors count them. */
  leadingLines?: number
  sha256: string
  text: string
  /** Problem codes that are only warnings (e.g. `flattened`: line breaks will not reach the citizen). */
  warnings: string[]
}

/** Reads and validates the notice file: exists, strict UTF-8, not empty, within Meta's limits. */
export async function readNotice(file: string, mode: NoticeMode): Promise<Notice> {
  let bytes: Buffer
  try {
    const info = await stat(file)
    if (!info.isFile()) throw new CervenoError('NOTICE_INVALID', {file, problem: 'notAFile'})
    if (info.size > NOTICE_FILE_MAX_BYTES) throw new CervenoError('NOTICE_INVALID', {file, max: NOTICE_FILE_MAX_BYTES, problem: 'fileTooBig'})
    bytes = await readFile(file)
  } catch (error) {
    if (isCervenoError(error)) throw error
    const {code} = (error as NodeJS.ErrnoException)
    throw new CervenoError('NOTICE_INVALID', {file, problem: code === 'ENOENT' ? 'missing' : 'unreadable'})
  }

  let decoded: string
  try {
    decoded = new TextDecoder('utf-8', {fatal: true}).decode(bytes)
  } catch {
    const lossy = new TextDecoder('utf-8').decode(bytes)
    const bad = lossy.indexOf('\uFFFD')
    const line = bad === -1 ? 1 : lossy.slice(0, bad).split('\n').length
    throw new CervenoError('NOTICE_INVALID', {file, line, problem: 'encoding'})
  }

  const normalized = decoded.replaceAll(/\r\n?/g, '\n')
  const text = normalized.trim()
  const problems = validateNotice(text, mode)
  const error = problems.find(p => p.severity === 'error')
  if (error) {
    const {code, severity: _severity, ...params} = error
    throw new CervenoError('NOTICE_INVALID', {file, problem: code, ...params})
  }

  return {
    file,
    leadingLines: (/^\s*/.exec(normalized)?.[0].match(/\n/g) ?? []).length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    text,
    warnings: problems.map(p => p.code),
  }
}


/**
 * The request rule of chat-formats.md §11, shared by chat exports and webhooks: the first non-empty
 * line must start with the keyword followed by ON or OFF. Everything else is ignored.
 */

import {checkName, type NameProblem, REQUEST_TEXT_MAX_CHARS} from '../safe-text.js'

const INVISIBLE = /[\u200B\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g
const ODD_SPACES = /[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g
const EDIT_MARKERS = /\s*<(?:Questo messaggio è stato modificato|This message was edited)>\s*$/u

export type RequestAction = 'OFF' | 'ON'

export interface MatchedRequest {
  action: RequestAction
  /** The name as typed (trimmed, whitespace collapsed, control characters removed), or null when none was given or accepted. */
  name: null | string
  /**
   * Why the name typed was not accepted (safe-text.ts checkName): the request is kept with no name and the clerk
   * types it in review.
   */
  nameProblem?: Exclude<NameProblem, 'empty'>
  /** The name typed that was not accepted (for the clerk's eyes only: never stored as a name). */
  rejectedName?: string
}

/** NFC, invisible marks removed, odd spaces made plain (chat-formats.md §5). Keeps ZWJ and emoji. */
export function normalizeText(text: string): string {
  return text.normalize('NFC').replaceAll(INVISIBLE, '').replaceAll(ODD_SPACES, ' ')
}

/** Removes WhatsApp's "edited" marker appended to a message. */
export function stripEditMarker(text: string): string {
  return text.replace(EDIT_MARKERS, '')
}

function escapeRegExp(s: string): string {
  return s.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)
}

const cache = new Map<string, RegExp>()

function keywordPattern(keyword: string): RegExp {
  let re = cache.get(keyword)
  if (!re) {
    const words = keyword.trim().split(/\s+/).map(w => escapeRegExp(w)).join(String.raw`\s+`)
    re = new RegExp(String.raw`^\s*${words}\s*[:\-–]?\s*(on|off)(?![\p{L}\p{N}])(.*)$`, 'iu')
    cache.set(keyword, re)
  }

  return re
}

/** Collapses whitespace and strips leading `:`/`-`/`,` and trailing `.,;:!?`; null when empty. */
export function cleanName(raw: string): null | string {
  const name = raw
  .replaceAll(/\s+/g, ' ')
  .trim()
  .replace(/^[:\-–,\s]+/, '')
  .replace(/[.,;:!?\s]+$/, '')
  .trim()
  return name === '' ? null : name
}

/** Applies the rule to a message text; null when the message is not a request (a text too long never is). */
export function matchRequest(text: string, keyword: string): MatchedRequest | null {
  if (text.length > REQUEST_TEXT_MAX_CHARS) return null
  const lines = stripEditMarker(normalizeText(text)).split(/\r\n|\r|\n/)
  const first = lines.findIndex(l => l.trim() !== '')
  if (first === -1) return null
  const m = keywordPattern(keyword).exec(lines[first])
  if (!m) return null
  const action = m[1].toUpperCase() as RequestAction
  let name = cleanName(m[2])
  if (name === null) {
    const next = lines.slice(first + 1).find(l => l.trim() !== '')
    if (next !== undefined) name = cleanName(next)
  }

  if (name === null) return {action, name}
  const checked = checkName(name)
  if (checked.ok) return {action, name: checked.name}
  return checked.problem === 'empty'
    ? {action, name: null}
    : {
      action, name: null, nameProblem: checked.problem, rejectedName: name,
    }
}

/** True when a message mentions the keyword anywhere: a near miss worth showing with --show-ignored. */
export function mentionsKeyword(text: string, keyword: string): boolean {
  const words = keyword.trim().split(/\s+/).map(w => escapeRegExp(w)).join(String.raw`\s+`)
  return new RegExp(words, 'iu').test(normalizeText(text))
}

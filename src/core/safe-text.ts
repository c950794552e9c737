/**
 * Validation at the boundary (issue 13): what a citizen wrote is checked and cleaned before it is stored, and
 * made visible before it reaches the clerk's terminal. Pure.
 */
/* eslint-disable no-control-regex -- this module exists to find control characters */
import {isFormulaLike} from './export/cells.js'

/** A subscriber's name: longer than this it is not a name but something to look at (issue 13, point 3). */
export const NAME_MAX_CHARS = 100

/**
 * A request message: WhatsApp lets a text reach 65,536 characters, a real "Servizio Info ON Nome Cognome" is a few
 * dozen. A longer message is never a request (it is counted as ignored), so no huge text enters the tables.
 */
export const REQUEST_TEXT_MAX_CHARS = 4096

/** Other short fields a payload or an export carries (display names, user ids, message ids). */
export const FIELD_MAX_CHARS = 256

/**
 * Control characters never stored in any text: C0 but tab, line feed and carriage return, DEL, C1.
 * NUL and ESC are among them.
 */
const STORED_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g

/** Characters a name never keeps: every C0/C1 control, and the bidi marks, embeddings, overrides and isolates. */
const NAME_CONTROLS = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g

/**
 * What may not reach a terminal raw: C0 (line feed included: one value stays on one line), DEL, C1, the bidi
 * controls, line/paragraph separators and the BOM.
 */
const TERMINAL_UNSAFE = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/g

const SHORT_ESCAPES: Record<string, string> = {'\n': String.raw`\n`, '\r': String.raw`\r`, '\t': String.raw`\t`}

function escapeChar(ch: string): string {
  return SHORT_ESCAPES[ch] ?? String.raw`\u` + ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')
}

/**
 * A citizen's string as the terminal may show it: every control character written out (`\u001B`, `\n`), so
 * nothing can move the cursor, ring, erase or change the title, and what the clerk reads is what is stored.
 */
export function visible(text: string): string {
  return text.replaceAll(TERMINAL_UNSAFE, escapeChar)
}

/** Like visible(), cut to `max` characters with an ellipsis (for one-line views of long texts). */
export function visibleShort(text: string, max: number): string {
  const chars = [...text]
  return visible(chars.length > max ? chars.slice(0, max).join('') + '…' : text)
}

/** ESC followed by a colour sequence (SGR), the one escape our own output (chalk) writes. */
const SGR = /^\u001B\[[\d;]*m/

/**
 * The last guard before the terminal, for whole lines the program composed: every control character is made
 * visible except line breaks and the colour sequences chalk writes. Citizen strings are escaped before this (a
 * colour sequence inside them is escaped there).
 */
export function terminalSafe(text: string): string {
  // Fast path: most lines have nothing to escape.
  if (!/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/.test(text)) return text
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === '\u001B') {
      const sgr = SGR.exec(text.slice(i, i + 32))
      if (sgr) {
        out += sgr[0]
        i += sgr[0].length - 1
        continue
      }
    }

    out += ch === '\n' ? ch : ch.replaceAll(TERMINAL_UNSAFE, escapeChar)
  }

  return out
}

/**
 * JSON text with the characters JSON.stringify leaves raw but a terminal obeys (DEL, C1, bidi controls) written as
 * `\u` escapes: the same JSON value, nothing that moves the cursor.
 */
export function jsonForTerminal(json: string): string {
  return json.replaceAll(/[\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/g, ch => String.raw`\u` + ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0'))
}

/** A text to store (message text, display name): C0/C1 controls removed but tab and line breaks. */
export function storedText(text: string): string {
  return text.replaceAll(STORED_CONTROLS, '')
}

/** An author shown as a number (`+39 347 765 4321`): a phone, like the telefono column, not a formula to defuse. */
const PHONE_LIKE = /^\+[\d ().\-/]{6,30}$/

/**
 * A short text field to store from hostile input (display name, user id, source): controls removed, cut to
 * FIELD_MAX_CHARS, and a leading formula character neutralised with an apostrophe, as exports do (a number written
 * as a phone stays as it is): the data files open in Excel too.
 */
export function storedField(text: string): string {
  let v = storedText(text).replaceAll(/[\t\n\r]+/g, ' ')
  if (v.length > FIELD_MAX_CHARS) v = [...v].slice(0, FIELD_MAX_CHARS).join('')
  return isFormulaLike(v) && !PHONE_LIKE.test(v) ? `'${v}` : v
}

export type NameProblem = 'empty' | 'formula' | 'too-long'

export type NameCheck = {name: string; ok: true} | {ok: false; problem: NameProblem}

/**
 * A name as it may be stored: control characters removed, whitespace collapsed; refused when empty, longer than
 * NAME_MAX_CHARS, or when it starts like a spreadsheet formula (`=`, `+`, `-`, `@`): the data files open in Excel.
 */
export function checkName(raw: string): NameCheck {
  const name = raw.replaceAll(/[\t\n\v\f\r]/g, ' ').replaceAll(NAME_CONTROLS, '').replaceAll(/\s+/g, ' ').trim()
  if (name === '') return {ok: false, problem: 'empty'}
  if ([...name].length > NAME_MAX_CHARS) return {ok: false, problem: 'too-long'}
  if (isFormulaLike(name)) return {ok: false, problem: 'formula'}
  return {name, ok: true}
}

/**
 * The notice made into one template parameter, and the whole message laid out for a terminal (issue #16).
 * Pure: the width is passed in.
 */
import {messageLength, type RenderedMessage} from './template.js'

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/g
/** A line that ends a sentence or a clause already: the join keeps its punctuation and adds a space. */
const CLOSED = /[.!?…:;,]["'”’»)\]]*$/
/** A line that starts in lower case continues the sentence of the line before (a wrapped line). */
const CONTINUES = /^\p{Ll}/u

/**
 * One line for a template parameter (Meta refuses line breaks, tabs and runs of spaces). Where a line without
 * closing punctuation is joined to the next (a title, a paragraph, a list item), ". " keeps them apart;
 * a line continued in lower case is joined with a space. `stops` counts the ". " added.
 */
export function flattenNotice(text: string): {stops: number; text: string} {
  const lines = text.replaceAll(CONTROL, '').split(/\r\n|[\n\r\u2028\u2029]/).map(l => l.replaceAll(/\s+/g, ' ').trim())
  let out = ''
  let stops = 0
  for (const line of lines) {
    if (line === '') continue
    if (out === '') out = line
    else if (CLOSED.test(out) || CONTINUES.test(line)) out += ` ${line}`
    else {
      out += `. ${line}`
      stops++
    }
  }

  return {stops, text: out}
}

/**
 * Words wrapped at `width` columns, never broken: a word longer than the width stands alone on its line.
 * Line breaks in the text are kept.
 */
export function wrapWords(text: string, width: number): string[] {
  const max = Math.max(1, Math.floor(width))
  const out: string[] = []
  for (const paragraph of text.split('\n')) {
    let line = ''
    for (const word of paragraph.split(' ').filter(w => w !== '')) {
      if (line === '') line = word
      else if (line.length + 1 + word.length <= max) line += ` ${word}`
      else {
        out.push(line)
        line = word
      }
    }

    out.push(line)
  }

  return out
}

export interface PreviewLabels {
  count: (n: number) => string
  media: (kind: string) => string
}

/**
 * The message as the citizen reads it, in a frame that fits `columns`: header, body, footer, buttons, each
 * wrapped without breaking words, then the character count.
 */
export function previewLines(message: RenderedMessage, columns: number, labels: PreviewLabels): string[] {
  const prefix = '  │ '
  const width = Math.max(20, columns - prefix.length - 1)
  const block = (text: string) => wrapWords(text, width).map(l => `${prefix}${l}`.trimEnd())
  const lines: string[] = []
  if (message.headerMedia) lines.push(`${prefix}${labels.media(message.headerMedia)}`)
  if (message.header !== undefined) lines.push(...block(message.header), prefix.trimEnd())
  lines.push(...block(message.body))
  if (message.footer !== undefined) lines.push(prefix.trimEnd(), ...block(message.footer))
  for (const b of message.buttons) lines.push(...block(`[ ${b} ]`))
  lines.push(`  ${labels.count(messageLength(message))}`)
  return lines
}

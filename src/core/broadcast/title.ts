/**
 * A notice with a title: when the template has a TEXT header with a variable, the notice file's first line
 * fills it and the rest fills the body (DESIGN §10). Meta takes at most 60 characters in a header parameter,
 * and no line breaks or formatting characters (the `*` `_` `~` `` ` `` of WhatsApp's bold, italic, strike
 * and monospace), which the header cannot show.
 */

export const TITLE_MAX = 60

// eslint-disable-next-line no-control-regex
const FORMATTING = /[*_~`\u0000-\u001F\u007F-\u009F]/

export type TitleProblem
  = | {char: string; code: 'titleFormatting'; line: number; title: string}
    | {code: 'titleMissing'}
    | {code: 'titleTooLong'; length: number; line: number; max: number; title: string}
    | {code: 'titleWithoutBody'; line: number}

export interface TitledNotice {
  /** The rest of the notice, as typed (it is flattened like any body parameter). */
  body: string
  /** The first non-empty line, spacing runs collapsed. */
  title: string
  /** 1-based line of the title in the file. */
  titleLine: number
}

/**
 * Splits `text` (line breaks normalised to \n) into title and body; `firstLine` is the file line `text` starts at.
 * Returns the problem instead when the first line cannot be a header parameter. Lengths count UTF-16 units
 * (an emoji counts 2): the safe side.
 */
export function splitTitle(text: string, firstLine = 1): TitledNotice | TitleProblem {
  const lines = text.split('\n')
  const index = lines.findIndex(l => l.trim() !== '')
  if (index === -1) return {code: 'titleMissing'}
  const line = index + firstLine
  const raw = lines[index].trim()
  const bad = FORMATTING.exec(raw)
  if (bad) {
    return {
      char: bad[0], code: 'titleFormatting', line, title: raw,
    }
  }

  const title = raw.replaceAll(/\s+/g, ' ')
  if (title.length > TITLE_MAX) {
    return {
      code: 'titleTooLong', length: title.length, line, max: TITLE_MAX, title,
    }
  }

  const body = lines.slice(index + 1).join('\n').trim()
  if (body === '') return {code: 'titleWithoutBody', line}
  return {body, title, titleLine: line}
}

export function isTitleProblem(value: TitledNotice | TitleProblem): value is TitleProblem {
  return 'code' in value
}

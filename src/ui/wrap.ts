import stringWidth from 'string-width'
import wrapAnsi from 'wrap-ansi'

/** Display width in terminal columns: emoji count 2, combining accents 0, colours nothing. */
export const displayWidth = (s: string): number => stringWidth(s)

/**
 * `text` wrapped at `width` columns without breaking words (a word longer than a line is cut); each line keeps
 * its indentation, and its continuation lines take the same.
 */
export function wrap(text: string, width: number): string {
  return text.split('\n').map(line => {
    const indent = /^ */.exec(line)![0]
    const body = line.slice(indent.length)
    if (body === '') return line
    return wrapAnsi(body, Math.max(20, width - indent.length), {hard: true}).split('\n').map(l => indent + l).join('\n')
  }).join('\n')
}

/** Wrapped to the width of `stream` when it is a terminal; unchanged when it is a file or a pipe (scripts). */
export function wrapToTerminal(text: string, stream: {columns?: number; isTTY?: boolean}): string {
  return stream.isTTY && stream.columns ? wrap(text, stream.columns - 1) : text
}

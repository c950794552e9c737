import stringWidth from 'string-width'
import wrapAnsi from 'wrap-ansi'

/** Display width in terminal columns: emoji count 2, combining accents 0, colours nothing. */
export const displayWidth = (s: string): number => stringWidth(s)

/** `text` wrapped at `width` columns without breaking words (a word longer than a line is cut). */
export function wrap(text: string, width: number): string {
  return wrapAnsi(text, Math.max(20, width), {hard: true, trim: false})
}

/** Wrapped to the width of `stream` when it is a terminal; unchanged when it is a file or a pipe (scripts). */
export function wrapToTerminal(text: string, stream: {columns?: number; isTTY?: boolean}): string {
  return stream.isTTY && stream.columns ? wrap(text, stream.columns - 1) : text
}

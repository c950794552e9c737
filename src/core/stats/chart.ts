/** Horizontal bars for the terminal: plain characters, coloured by the caller. */
export const BAR_WIDTH = 30

/** A bar of `value` scaled so `max` fills `width`; any value above zero shows at least one block. */
export function bar(value: number, max: number, width = BAR_WIDTH): string {
  if (value <= 0 || max <= 0) return ''
  return '█'.repeat(Math.max(1, Math.round((value / max) * width)))
}

/** Pads to a display width (the bars and Italian month names are one column per character). */
export function padEnd(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - [...s].length))
}

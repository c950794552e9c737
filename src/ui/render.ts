import chalk from 'chalk'

import {visible} from '../core/safe-text.js'

/** The only chalk user: colours and plain tables for the clerk's terminal. */
export const color = {
  bad: (s: string) => chalk.red(s),
  dim: (s: string) => chalk.dim(s),
  good: (s: string) => chalk.green(s),
  strong: (s: string) => chalk.bold(s),
  warn: (s: string) => chalk.yellow(s),
}

/**
 * A left-aligned text table sized to its content (display width of accented letters is 1). Cells are made
 * visible (safe-text.ts): they hold what citizens wrote.
 */
export function table(header: string[], dirty: string[][]): string {
  const rows = dirty.map(r => r.map(c => visible(c)))
  const width = header.map((h, i) => Math.max([...h].length, ...rows.map(r => [...(r[i] ?? '')].length)))
  const line = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(width[i] - [...c].length)).join('  ').trimEnd()
  return [chalk.bold(line(header)), ...rows.map(r => line(r))].join('\n')
}

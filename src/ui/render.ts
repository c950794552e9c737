import chalk from 'chalk'

import {visible} from '../core/safe-text.js'
import {displayWidth} from './wrap.js'

/** The only chalk user: colours and plain tables for the clerk's terminal. */
export const color = {
  bad: (s: string) => chalk.red(s),
  dim: (s: string) => chalk.dim(s),
  good: (s: string) => chalk.green(s),
  strong: (s: string) => chalk.bold(s),
  warn: (s: string) => chalk.yellow(s),
}

/**
 * A left-aligned text table sized to its content, in terminal columns (an emoji takes two, an accent none).
 * Cells are made visible (safe-text.ts): they hold what citizens wrote.
 */
export function table(header: string[], dirty: string[][]): string {
  const rows = dirty.map(r => r.map(c => visible(c)))
  const width = header.map((h, i) => Math.max(displayWidth(h), ...rows.map(r => displayWidth(r[i] ?? ''))))
  const line = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(Math.max(0, width[i] - displayWidth(c)))).join('  ').trimEnd()
  return [chalk.bold(line(header)), ...rows.map(r => line(r))].join('\n')
}

/**
 * Named points of the transaction protocol where a test can kill this process (test-only):
 * `CERVENO_CRASH_AT=<point>[:n]` makes the process SIGKILL itself the n-th time (default 1) it passes `<point>`.
 * Points: `temp` (a temp file written and synced), `record` (the commit record written), `audit` (the audit lines
 * appended), `rename` (one temp file renamed over its target), `done` (the commit record removed).
 * Unset (always, outside tests) it costs one comparison.
 */
export type CrashPoint = 'audit' | 'done' | 'record' | 'rename' | 'temp'

const wanted = /^(audit|done|record|rename|temp)(?::(\d+))?$/.exec(process.env.CERVENO_CRASH_AT ?? '')
const point = wanted?.[1]
const nth = Number(wanted?.[2] ?? 1)
let seen = 0

export function crashPoint(name: CrashPoint): void {
  if (name !== point) return
  if (++seen === nth) process.kill(process.pid, 'SIGKILL')
}

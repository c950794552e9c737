import {spawnSync} from 'node:child_process'
import {readFileSync, rmSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const bin = path.join(root, 'bin', 'run.js')
const probe = path.join(root, 'scripts', 'bench', 'rss-probe.cjs')

export function median(values) {
  const s = [...values].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Runs a command once; returns wall ms, peak RSS MiB and CPU ms of the node process (via the probe). */
export function timeOnce(args, {dataDir, env = {}} = {}) {
  const rssFile = path.join(root, '.bench-tmp', `rss-${process.pid}.txt`)
  rmSync(rssFile, {force: true})
  const fullEnv = {
    ...process.env, ...env, BENCH_RSS_FILE: rssFile, NO_COLOR: '1',
  }
  if (dataDir) fullEnv.CERVENO_INFO_DIR = dataDir
  const cmd = [process.execPath, ['--require', probe, bin, ...args]]
  const t0 = process.hrtime.bigint()
  const r = spawnSync(cmd[0], cmd[1], {encoding: 'utf8', env: fullEnv, maxBuffer: 1024 ** 3})
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (r.status !== 0) throw new Error(`${args.join(' ')} → exit ${r.status}\n${r.stderr}`)
  let rssMiB
  let cpuMs
  try {
    const [kib, cpu] = readFileSync(rssFile, 'utf8').trim().split(/\s+/).map(Number)
    rssMiB = kib / 1024
    cpuMs = cpu / 1000
  } catch {}

  return {
    cpuMs, ms, rssMiB, stdout: r.stdout,
  }
}

/** Median wall time (and RSS) over n runs; `before` runs before each timed run, untimed. */
export function timeMedian(n, args, opts = {}) {
  const runs = []
  for (let i = 0; i < n; i++) {
    opts.before?.(i)
    runs.push(timeOnce(typeof args === 'function' ? args(i) : args, opts))
  }

  return {
    cpuMs: median(runs.map(r => r.cpuMs ?? 0)),
    ms: median(runs.map(r => r.ms)),
    rssMiB: Math.max(...runs.map(r => r.rssMiB ?? 0)),
    runs: runs.length,
  }
}

export const fmt = (n, d = 0) => n.toLocaleString('en-US', {maximumFractionDigits: d, minimumFractionDigits: d})

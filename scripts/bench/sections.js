import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import path from 'node:path'

import {
  bin, fmt, root, timeMedian, timeOnce,
} from './util.js'

const dist = p => import(path.join(root, 'dist', p))

function init(dataDir) {
  const r = spawnSync(process.execPath, [bin, 'init'], {encoding: 'utf8', env: {...process.env, CERVENO_INFO_DIR: dataDir}})
  if (r.status !== 0) throw new Error(r.stderr)
}

/** A registry of n active citizens written straight to iscritti.csv. */
export async function seedRegistry(dataDir, n) {
  const {writeTable} = await dist('io/csv-table.js')
  const {SUBSCRIBERS} = await dist('io/tables.js')
  const rows = []
  for (let i = 0; i < n; i++) {
    rows.push({
      approvedBy: 'bench',
      consent: 'message',
      name: `Cittadino ${i} D'Angelò`,
      phone: `+39320${String(i).padStart(7, '0')}`,
      privacyNotice: '2021-12-21',
      status: 'active',
      subscribedAt: '2025-01-01T10:00:00+01:00',
      updatedAt: '2025-01-01T10:00:00+01:00',
    })
  }

  writeFileSync(path.join(dataDir, 'iscritti.csv'), writeTable(SUBSCRIBERS, rows))
}

const startup = {
  name: 'startup',
  async run({dir, log}) {
    const dataDir = path.join(dir, 'dati')
    init(dataDir)
    const n = 15
    const nodeOnly = medianSpawn(n, [process.execPath, '-e', '0'])
    const version = timeMedian(n, ['--version'], {dataDir})
    const list = timeMedian(n, ['subscribers'], {dataDir})
    const help = timeMedian(n, ['--help'], {dataDir})
    log(`node -e 0 ${fmt(nodeOnly, 1)} ms, --version ${fmt(version.ms, 1)} ms`)
    return [
      `Median of ${n} runs each, wall time of the whole process.`,
      '',
      '| command | median | × bare node | peak RSS |',
      '|---|---:|---:|---:|',
      `| \`node -e 0\` | ${fmt(nodeOnly, 1)} ms | 1.0 | — |`,
      `| \`cerveno-info --version\` | ${fmt(version.ms, 1)} ms | ${fmt(version.ms / nodeOnly, 1)} | ${fmt(version.rssMiB, 0)} MiB |`,
      `| \`cerveno-info --help\` | ${fmt(help.ms, 1)} ms | ${fmt(help.ms / nodeOnly, 1)} | ${fmt(help.rssMiB, 0)} MiB |`,
      `| \`cerveno-info subscribers\` (empty registry) | ${fmt(list.ms, 1)} ms | ${fmt(list.ms / nodeOnly, 1)} | ${fmt(list.rssMiB, 0)} MiB |`,
    ].join('\n')
  },
  title: 'Start-up (issue: foundation)',
}

function medianSpawn(n, argv) {
  const times = []
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint()
    spawnSync(argv[0], argv.slice(1))
    times.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }

  times.sort((a, b) => a - b)
  return times[Math.floor(n / 2)]
}

const registry = {
  name: 'registry',
  async run({dir, log}) {
    const lines = [
      '| registry rows | `subscribers add` median | peak RSS | first add after a hand edit | peak RSS | `subscribers --json` median | peak RSS | file size |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ]
    for (const n of [25_000, 50_000, 100_000]) {
      const dataDir = path.join(dir, `dati-${n}`)
      init(dataDir)
      await seedRegistry(dataDir, n)
      // The seeded file is, for the program, a hand edit: the first add validates and rewrites it whole.
      const first = timeOnce(['subscribers', 'add', '+393469999999', 'Primo Iscritto'], {dataDir})
      // Each add takes a new number; the registry grows by one row per run.
      const add = timeMedian(7, i => ['subscribers', 'add', `+39347${String(i).padStart(7, '0')}`, 'Nuovo Iscritto'], {dataDir})
      const list = timeMedian(5, ['subscribers', '--json'], {dataDir})
      const {size} = (await import('node:fs')).statSync(path.join(dataDir, 'iscritti.csv'))
      log(`${n}: add ${fmt(add.ms)} ms (first, after the hand edit: ${fmt(first.ms)} ms), list ${fmt(list.ms)} ms`)
      lines.push(`| ${fmt(n)} | ${fmt(add.ms)} ms | ${fmt(add.rssMiB)} MiB | ${fmt(first.ms)} ms | ${fmt(first.rssMiB)} MiB | ${fmt(list.ms)} ms | ${fmt(list.rssMiB)} MiB | ${fmt(size / 2 ** 20, 1)} MiB |`)
    }

    return [
      'Each `add` is a whole process: start-up, lock, SHA-256 of the registry, backup copy, atomic write with fsync,',
      'audit line. When iscritti.csv is unchanged since the program wrote it (its hash in .stato.json), the add reads',
      'only the row of its number (a byte search) and appends one row (kernel copy of the file, append, fsync,',
      'rename): the usual case, medians of 7 adds. The registry is seeded by writing the file directly, so for the',
      'program it was edited by hand: the first add after that reads and validates every row and rewrites the file',
      'whole, one run, as does any change after a hand edit. `subscribers --json` reads and validates every row:',
      'medians of 5.',
      '',
      ...lines,
    ].join('\n')
  },
  title: 'Registry operations on large registries (issue: foundation)',
}

const {importSection, reviewSection} = await import('./import-review.js')
const {broadcastSection} = await import('./broadcast.js')
const {releaseSection} = await import('./release.js')
const {webhookSection} = await import('./webhook.js')

export const sections = [startup, registry, importSection, reviewSection, broadcastSection, webhookSection, releaseSection]

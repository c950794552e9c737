// `npm run bench -- release`: the size of each file `npm run release` writes, and the start-up of the linux-x64
// standalone archive (its launcher script and its own Node.js) beside bare `node -e 0`.
// Uses release/ as it is; runs `npm run release` first when release/ lacks the files of this version.
import {spawnSync} from 'node:child_process'
import {
  existsSync, mkdirSync, readdirSync, readFileSync, statSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {
  bin, fmt, median, root,
} from './util.js'

const MiB = 2 ** 20

/** Median wall time (ms) of n runs of a program; stops if it fails. */
function spawnMedian(n, file, args, env = process.env) {
  const times = []
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(file, args, {encoding: 'utf8', env})
    times.push(Number(process.hrtime.bigint() - t0) / 1e6)
    if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} → exit ${r.status}\n${r.stderr}`)
  }

  return median(times)
}

function treeBytes(dir) {
  let total = 0
  for (const e of readdirSync(dir, {recursive: true, withFileTypes: true})) {
    if (e.isFile()) total += statSync(path.join(e.parentPath ?? e.path, e.name)).size
  }

  return total
}

export const releaseSection = {
  name: 'release',
  async run({dir, log}) {
    const {version} = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
    const nodeVersion = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).oclif.update.node.version
    const out = path.join(root, 'release')
    const linux = path.join(out, `cerveno-info-${version}-linux-x64.tar.gz`)
    if (!existsSync(linux) || !existsSync(path.join(out, `cerveno-info-${version}.tgz`))) {
      log('release/ lacks this version: npm run release')
      const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'release.js')], {cwd: root, stdio: 'inherit'})
      if (r.status !== 0) throw new Error('npm run release failed')
    }

    const files = readdirSync(out).filter(f => f !== 'SHA256SUMS.txt').sort()
    const unpacked = path.join(dir, 'standalone')
    mkdirSync(unpacked, {recursive: true})
    const untar = spawnSync('tar', ['-xzf', linux, '-C', unpacked], {encoding: 'utf8'})
    if (untar.status !== 0) throw new Error(untar.stderr)
    const standalone = path.join(unpacked, 'cerveno-info')
    const sizes = files.map(f => `| \`${f}\` | ${fmt(statSync(path.join(out, f)).size / MiB, 1)} MiB |`)
    sizes.push(`| linux-x64 archive, unpacked (of which Node.js ${nodeVersion}) | ${fmt(treeBytes(standalone) / MiB, 1)} MiB (${fmt(statSync(path.join(standalone, 'bin', 'node')).size / MiB, 1)} MiB) |`)

    const n = 15
    const env = {...process.env, HOME: path.join(dir, 'home'), NO_COLOR: '1'}
    mkdirSync(env.HOME, {recursive: true})
    const rows = [
      ['`node -e 0` (this machine\'s Node.js ' + process.version + ')', spawnMedian(n, process.execPath, ['-e', '0'], env)],
      [`\`bin/node -e 0\` (the archive's Node.js v${nodeVersion})`, spawnMedian(n, path.join(standalone, 'bin', 'node'), ['-e', '0'], env)],
      ['`cerveno-info --version`, the archive (launcher script + its Node.js)', spawnMedian(n, path.join(standalone, 'bin', 'cerveno-info'), ['--version'], env)],
      ['`cerveno-info --version`, the archive\'s `bin/run.js` on its Node.js (no launcher)', spawnMedian(n, path.join(standalone, 'bin', 'node'), [path.join(standalone, 'bin', 'run.js'), '--version'], env)],
      ['`cerveno-info --version`, this build on this machine\'s Node.js', spawnMedian(n, process.execPath, [bin, '--version'], env)],
    ]
    const bare = rows[0][1]
    log(`node -e 0 ${fmt(bare, 1)} ms, archive --version ${fmt(rows[2][1], 1)} ms`)
    return [
      'Files written by `npm run release` (the Windows installer only where makensis is installed):',
      '',
      '| file | size |',
      '|---|---:|',
      ...sizes,
      '',
      `Start-up: median of ${n} runs each, wall time of the whole process, empty home.`,
      `Load average when it ran: ${os.loadavg().map(l => fmt(l, 1)).join(', ')} (the figures are only as quiet as the machine).`,
      '',
      '| command | median | × bare node |',
      '|---|---:|---:|',
      ...rows.map(([what, ms]) => `| ${what} | ${fmt(ms, 1)} ms | ${fmt(ms / bare, 1)} |`),
    ].join('\n')
  },
  title: 'Release files and the standalone archive\'s start-up (issue 12)',
}

#!/usr/bin/env node
// `npm run release`: everything a clerk or an IT consultant installs, in release/ (git-ignored):
//   cerveno-info-<version>.tgz                  the npm package (`npm install -g` it; runtime dependencies only)
//   cerveno-info-<version>-<target>.tar.gz      standalone archives with Node.js inside (oclif pack tarballs)
//   cerveno-info-x64.exe                        the Windows installer (oclif pack win), when makensis is installed
//   SHA256SUMS.txt                              checksums of the above
// Nothing comes from outside the npm registry: oclif would download Node.js from nodejs.org, so the Node.js
// binaries are taken from the registry's node-<platform>-<arch> packages (the version in package.json,
// oclif.update.node.version) and put where oclif's cache expects them, so it never downloads.
// Packing works on a copy of the npm package in a temporary folder: the working tree is left alone.
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {
  chmodSync, copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync,
  statSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {oclifBin, oclifEnv} from './oclif.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const out = path.join(root, 'release')
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
const {version} = pkg
const nodeVersion = pkg.oclif?.update?.node?.version
const targets = pkg.oclif?.update?.node?.targets ?? []
const win = process.platform === 'win32'

const log = s => console.log(`release: ${s}`)
const fail = s => {
  console.error(`release: ${s}`)
  process.exit(1)
}

/** Runs a program (no shell) and stops the release if it fails; returns its stdout when captured. */
function run(file, args, {capture = false, cwd = root, env = process.env} = {}) {
  const r = spawnSync(file, args, {
    cwd, encoding: 'utf8', env, stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
  })
  if (r.error || r.status !== 0) fail(`${path.basename(file)} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`)
  return r.stdout
}

/** npm itself: the one running this script (npm_execpath) under the same node, so .cmd shims need no shell. */
function npm(args, opts) {
  const cli = process.env.npm_execpath
  return cli && /\.[cm]?js$/.test(cli) ? run(process.execPath, [cli, ...args], opts) : run(win ? 'npm.cmd' : 'npm', args, opts)
}

function oclif(args, opts = {}) {
  return run(process.execPath, [oclifBin, ...args], {...opts, env: oclifEnv(opts.env)})
}

/** The full path of a program on PATH, or undefined. */
function which(name) {
  const exts = win ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : ['']
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const file = path.join(dir, name + ext)
      if (existsSync(file) && statSync(file).isFile()) return file
    }
  }
}

function sha256(file) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(file).on('data', d => hash.update(d)).on('error', reject).on('end', () => resolve(hash.digest('hex')))
  })
}

if (!nodeVersion || targets.length === 0) fail('package.json lacks oclif.update.node.version and .targets')

const started = Date.now()
rmSync(out, {force: true, recursive: true})
mkdirSync(out, {recursive: true})
const work = mkdtempSync(path.join(os.tmpdir(), 'cerveno-info-release-'))
try {
  // 1. The npm package: the build (which writes the oclif manifest), then `npm pack` without running the
  // build a second time through prepack (and with nothing but the JSON on its stdout).
  log(`npm package ${version}`)
  npm(['run', 'build'])
  const packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', out], {capture: true}))
  const tgz = path.join(out, packed[0].filename)
  if (!packed[0].files.some(f => f.path === 'oclif.manifest.json')) fail('the npm package lacks oclif.manifest.json')

  // 2. A project root for oclif: the npm package unpacked, with the lock file (oclif installs the runtime
  // dependencies from it, from the npm registry). oclif writes its work into <stage>/tmp and <stage>/dist.
  run('tar', ['-xzf', tgz, '-C', work])
  const stage = path.join(work, 'package')
  copyFileSync(path.join(root, 'package-lock.json'), path.join(stage, 'package-lock.json'))
  const gitSha = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {cwd: root, encoding: 'utf8'}).stdout?.trim() || 'nogit'
  const tarballCopy = name => {
    const copy = path.join(work, name)
    copyFileSync(tgz, copy)
    return copy
  }

  // 3. Node.js for each target from the npm registry, into oclif's cache (tarballs/node.js in oclif:
  // <root>/tmp/cache/node-v<version>-<platform>-<arch>/node, and .../node-v<version>-win32-<arch>.exe/node.exe).
  const npmNode = path.join(work, 'npm-node')
  mkdirSync(npmNode)
  for (const target of targets) {
    const [platform, arch] = target.split('-')
    const name = `node-${platform === 'win32' ? 'win' : platform}-${arch}@${nodeVersion}`
    log(`Node.js ${nodeVersion} for ${target} from the npm registry (${name})`)
    const [{filename}] = JSON.parse(npm(['pack', name, '--json', '--pack-destination', npmNode], {capture: true, cwd: npmNode}))
    const exe = platform === 'win32' ? 'node.exe' : 'node'
    const unpacked = path.join(npmNode, target)
    mkdirSync(unpacked)
    run('tar', ['-xzf', path.join(npmNode, filename), '-C', unpacked, `package/bin/${exe}`])
    const cache = path.join(stage, 'tmp', 'cache', `node-v${nodeVersion}-${target}${platform === 'win32' ? '.exe' : ''}`)
    mkdirSync(cache, {recursive: true})
    copyFileSync(path.join(unpacked, 'package', 'bin', exe), path.join(cache, exe))
    if (platform !== 'win32') chmodSync(path.join(cache, exe), 0o755)
    if (target === `${process.platform}-${process.arch}`) {
      const v = run(path.join(cache, exe), ['--version'], {capture: true}).trim()
      if (v !== `v${nodeVersion}`) fail(`${name} says it is ${v}`)
    }
  }

  // oclif asks for 7z before any Windows target, although it only uses it to unpack nodejs.org's .7z, which it
  // never downloads here (the cache above is full). Debian's 7zip package installs 7zz, not 7z. Without one,
  // a stand-in that does nothing answers the question.
  let {env} = process
  if (targets.some(t => t.startsWith('win32-')) && !which('7z')) {
    const shim = path.join(work, 'shim')
    mkdirSync(shim)
    if (win) writeFileSync(path.join(shim, '7z.cmd'), '@exit /b 0\r\n')
    else writeFileSync(path.join(shim, '7z'), '#!/bin/sh\nexit 0\n', {mode: 0o755})
    env = {...process.env, PATH: `${shim}${path.delimiter}${process.env.PATH ?? ''}`}
  }

  // 4. The standalone archives.
  log(`standalone archives for ${targets.join(', ')} (Node.js ${nodeVersion})`)
  oclif(['pack', 'tarballs', '--root', stage, '--targets', targets.join(','), '--no-xz', '--sha', gitSha, '--tarball', tarballCopy('for-tarballs.tgz')], {env})
  // On Windows oclif packs the Windows targets only.
  for (const target of targets.filter(t => !win || t.startsWith('win32-'))) {
    const built = path.join(stage, 'dist', `${pkg.oclif.bin}-v${version}-${gitSha}-${target}.tar.gz`)
    if (!existsSync(built)) fail(`oclif did not write ${built}`)
    copyFileSync(built, path.join(out, `${pkg.oclif.bin}-${version}-${target}.tar.gz`))
  }

  // 5. The Windows installer (NSIS).
  const winTargets = targets.filter(t => t.startsWith('win32-'))
  if (winTargets.length > 0 && !which('makensis')) {
    log('makensis not found (Debian: apt-get install nsis): Windows installer not built, everything else is')
  } else if (winTargets.length > 0) {
    log(`Windows installer for ${winTargets.join(', ')}`)
    oclif(['pack', 'win', '--root', stage, '--targets', winTargets.join(','), '--sha', gitSha, '--tarball', tarballCopy('for-win.tgz')], {env})
    for (const target of winTargets) {
      const arch = target.split('-')[1]
      const built = path.join(stage, 'dist', 'win32', `${pkg.oclif.bin}-v${version}-${gitSha}-${arch}.exe`)
      if (!existsSync(built)) fail(`oclif did not write ${built}`)
      copyFileSync(built, path.join(out, `${pkg.oclif.bin}-${arch}.exe`))
    }
  }

  const files = readdirSync(out).filter(f => f !== 'SHA256SUMS.txt').sort()
  const sums = await Promise.all(files.map(async f => `${await sha256(path.join(out, f))}  ${f}`))
  writeFileSync(path.join(out, 'SHA256SUMS.txt'), sums.join('\n') + '\n')
  for (const f of files) log(`${(statSync(path.join(out, f)).size / 2 ** 20).toFixed(1).padStart(6)} MiB  release/${f}`)
  log(`done in ${Math.round((Date.now() - started) / 1000)} s`)
} finally {
  rmSync(work, {force: true, recursive: true})
}

/**
 * What a clerk installs (issue 12), from release/ as `npm run release` wrote it (`npm run test:release`, after
 * the release, in .ci/run): the npm package installed globally under an empty home, and the linux-x64 standalone
 * archive unpacked and run with no `node` on PATH. Each does a clerk's first day (--version, init, import,
 * review, a dry-run broadcast) and then works on a copy of a data folder made by 0.1.0. The Windows files, which
 * cannot run here, are checked for what they must hold.
 */
import {strict as assert} from 'node:assert'
import {spawn, spawnSync} from 'node:child_process'
import {
  existsSync, mkdirSync, readFileSync, symlinkSync,
} from 'node:fs'
import path from 'node:path'

import {
  FIXTURES, ROOT, type RunResult, tempDir,
} from '../helpers/cli.js'
import {copyDataFolder010, useDataFolder010} from '../helpers/upgrade.js'

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {oclif: {update: {node: {version: string}}}; version: string}
const RELEASE = path.join(ROOT, 'release')
const NODE_VERSION = pkg.oclif.update.node.version

/** Runs an installed program with exactly this environment (nothing inherited). */
function runProgram(file: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {cwd, env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', d => {
      stdout += d
    })
    child.stderr.setEncoding('utf8').on('data', d => {
      stderr += d
    })
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({
      code, signal, stderr, stdout,
    }))
  })
}

/** A clean environment for the clerk's terminal: an empty home, no data folder or WhatsApp settings. */
function clerkEnv(home: string, pathVar: string): NodeJS.ProcessEnv {
  return {
    HOME: home, LANG: 'C.UTF-8', NO_COLOR: '1', PATH: pathVar, TZ: 'Europe/Rome', USER: 'impiegato',
  }
}

/** The first day: --version, init (the default data folder in the home), import, review, a dry-run broadcast. */
async function firstDay(run: (args: string[]) => Promise<RunResult>, home: string): Promise<string> {
  const ok = async (args: string[]): Promise<RunResult> => {
    const r = await run(args)
    assert.equal(r.code, 0, `cerveno-info ${args.join(' ')} → exit ${r.code}\n${r.stdout}\n${r.stderr}`)
    return r
  }

  const version = await ok(['--version'])
  assert.match(version.stdout, new RegExp(`^cerveno-info/${pkg.version.replaceAll('.', '\\.')} `))
  await ok(['init'])
  assert.ok(existsSync(path.join(home, 'cerveno-info', 'config.json')), 'init makes ~/cerveno-info')
  const imported = JSON.parse((await ok(['import', path.join(FIXTURES, 'demo'), '--json'])).stdout) as {newRequests: number}
  assert.equal(imported.newRequests, 6)
  const reviewed = JSON.parse((await ok(['review', '--approve-all', '--operator', 'Impiegato', '--json'])).stdout) as {approved: number}
  assert.equal(reviewed.approved, 3)
  const dry = await ok(['broadcast', '--file', path.join(FIXTURES, 'avviso.txt'), '--dry-run'])
  assert.match(dry.stdout, /Destinatari: 3 iscritti attivi/)
  assert.match(dry.stdout, /nessun messaggio inviato/)
  return version.stdout
}

/** npm, as the one running the tests (npm_execpath under this node), or the npm on PATH. */
function npmCommand(args: string[]): [string, string[]] {
  const cli = process.env.npm_execpath
  return cli && /\.[cm]?js$/.test(cli) ? [process.execPath, [cli, ...args]] : ['npm', args]
}

/**
 * How this machine reaches the npm registry (registry, certificate authorities, proxy), for the install under an
 * empty home, which has no user npmrc and, with --prefix, no global one either. Nothing else carries over.
 */
function npmNetworkEnv(): NodeJS.ProcessEnv {
  const keys = ['registry', 'cafile', 'proxy', 'https-proxy', 'noproxy', 'strict-ssl']
  const [file, args] = npmCommand(['config', 'get', ...keys])
  const r = spawnSync(file, args, {encoding: 'utf8'})
  assert.equal(r.status, 0, r.stderr)
  const env: NodeJS.ProcessEnv = {}
  for (const line of r.stdout.split('\n')) {
    const eq = line.indexOf('=')
    const [key, value] = [line.slice(0, eq).trim(), line.slice(eq + 1).trim()]
    if (eq > 0 && keys.includes(key) && value !== '' && value !== 'null') env[`npm_config_${key.replaceAll('-', '_')}`] = value
  }

  return env
}

/** A folder whose only programs are links to the given ones (found on this machine's PATH). */
function pathWith(dir: string, programs: string[]): string {
  mkdirSync(dir, {recursive: true})
  for (const p of programs) {
    const found = spawnSync('sh', ['-c', `command -v ${p}`], {encoding: 'utf8'}).stdout.trim()
    assert.ok(found, `${p} is not on this machine's PATH`)
    symlinkSync(found, path.join(dir, p))
  }

  return dir
}

describe('what a clerk installs (release/)', function () {
  this.timeout(600_000)
  let tmp: ReturnType<typeof tempDir>

  before(function () {
    if (process.platform !== 'linux' || process.arch !== 'x64') this.skip()
    for (const f of [`cerveno-info-${pkg.version}.tgz`, `cerveno-info-${pkg.version}-linux-x64.tar.gz`, `cerveno-info-${pkg.version}-win32-x64.tar.gz`]) {
      assert.ok(existsSync(path.join(RELEASE, f)), `release/${f} is missing: run npm run release first`)
    }

    tmp = tempDir('cerveno-release-')
  })

  after(() => tmp?.cleanup())

  it('the npm package: npm install -g --omit=dev under an empty home, then the first day and a 0.1.0 folder', async () => {
    const home = path.join(tmp.dir, 'npm-home')
    const prefix = path.join(tmp.dir, 'npm-prefix')
    mkdirSync(home)
    const env = clerkEnv(home, `${path.join(prefix, 'bin')}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}/usr/bin:/bin`)
    const [npm, args] = npmCommand(['install', '--global', '--prefix', prefix, '--omit=dev', '--no-audit', '--no-fund', path.join(RELEASE, `cerveno-info-${pkg.version}.tgz`)])
    const install = spawnSync(npm, args, {cwd: tmp.dir, encoding: 'utf8', env: {...env, ...npmNetworkEnv()}})
    assert.equal(install.status, 0, `npm install -g failed:\n${install.stdout}\n${install.stderr}`)
    const installed = path.join(prefix, 'lib', 'node_modules', 'cerveno-info')
    assert.ok(existsSync(path.join(installed, 'oclif.manifest.json')), 'the oclif manifest is in the package')
    for (const dev of ['typescript', 'mocha', 'oclif', '@lydell/node-pty']) {
      assert.ok(!existsSync(path.join(installed, 'node_modules', dev)), `${dev} (a devDependency) was installed`)
    }

    const bin = path.join(prefix, 'bin', 'cerveno-info')
    const run = (args: string[]) => runProgram(bin, args, env, tmp.dir)
    await firstDay(run, home)
    const dataDir = copyDataFolder010(path.join(tmp.dir, 'npm-0.1.0'))
    await useDataFolder010(args => runProgram(bin, [...args, '--data-dir', dataDir], env, tmp.dir), dataDir)
  })

  it('the Windows files: the win32-x64 archive, and the installer where it was built, hold Node.js for Windows and the launcher', function () {
    const list = spawnSync('tar', ['-tzvf', path.join(RELEASE, `cerveno-info-${pkg.version}-win32-x64.tar.gz`)], {encoding: 'utf8', maxBuffer: 64 * 2 ** 20})
    assert.equal(list.status, 0, list.stderr)
    const nodeExe = list.stdout.split('\n').find(l => l.endsWith(' cerveno-info/bin/node.exe'))
    assert.ok(nodeExe, 'cerveno-info/bin/node.exe is in the archive')
    assert.ok(Number(nodeExe.trim().split(/\s+/)[2]) > 20 * 2 ** 20, nodeExe)
    assert.match(list.stdout, / cerveno-info\/bin\/cerveno-info\.cmd\n/)
    assert.match(list.stdout, / cerveno-info\/oclif\.manifest\.json\n/)

    const exe = path.join(RELEASE, 'cerveno-info-x64.exe')
    const sevenZip = ['7zz', '7z'].find(p => spawnSync(p, ['i'], {stdio: 'ignore'}).status === 0)
    if (!existsSync(exe) || !sevenZip) this.skip()
    const files = spawnSync(sevenZip, ['l', '-slt', exe], {encoding: 'utf8', maxBuffer: 64 * 2 ** 20})
    assert.equal(files.status, 0, files.stderr)
    for (const f of ['client/bin/node.exe', 'client/bin/run.js', 'bin/cerveno-info.cmd', 'client/oclif.manifest.json']) {
      assert.ok(files.stdout.includes(`Path = ${f}\n`), `${f} is in the installer`)
    }
  })

  it('the linux-x64 standalone archive: unpacked, runs on its own Node.js with no node on PATH', async () => {
    const home = path.join(tmp.dir, 'standalone-home')
    const dir = path.join(tmp.dir, 'standalone')
    mkdirSync(home)
    mkdirSync(dir)
    const untar = spawnSync('tar', ['-xzf', path.join(RELEASE, `cerveno-info-${pkg.version}-linux-x64.tar.gz`), '-C', dir], {encoding: 'utf8'})
    assert.equal(untar.status, 0, untar.stderr)
    // What oclif's launcher script (bin/cerveno-info, bash) calls; node is not among them.
    const bins = pathWith(path.join(tmp.dir, 'standalone-path'), ['bash', 'env', 'dirname', 'readlink'])
    const env = clerkEnv(home, bins)
    assert.notEqual(spawnSync('bash', ['-c', 'command -v node'], {env}).status, 0, 'node is on the PATH of the test')
    const bin = path.join(dir, 'cerveno-info', 'bin', 'cerveno-info')
    const run = (args: string[]) => runProgram(bin, args, env, tmp.dir)
    const version = await firstDay(run, home)
    assert.match(version, new RegExp(`linux-x64 node-v${NODE_VERSION.replaceAll('.', '\\.')}`), 'its own Node.js runs it')
    const dataDir = copyDataFolder010(path.join(tmp.dir, 'standalone-0.1.0'))
    await useDataFolder010(args => runProgram(bin, [...args, '--data-dir', dataDir], env, tmp.dir), dataDir)
  })
})

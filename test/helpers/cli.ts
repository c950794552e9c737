import {type ChildProcess, spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const BIN = path.join(ROOT, 'bin', 'run.js')
export const FIXTURES = path.join(ROOT, 'fixtures')

export interface RunResult {
  code: null | number
  signal: NodeJS.Signals | null
  stderr: string
  stdout: string
}

export interface RunOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  input?: string
}

/** Environment for the CLI under test: no colours, no inherited data folder or WhatsApp settings. */
export function cliEnv(dataDir: string | undefined, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', TZ: 'Europe/Rome',
  }
  // No session bus either: the tests never read the developer's own credential store (tests that need one pass it).
  for (const k of Object.keys(env)) if (k.startsWith('WHATSAPP_') || k === 'CERVENO_INFO_DIR' || k === 'DBUS_SESSION_BUS_ADDRESS') delete env[k]
  if (dataDir) env.CERVENO_INFO_DIR = dataDir
  return {...env, ...extra}
}

export function spawnCli(args: string[], dataDir: string | undefined, opts: RunOptions = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: cliEnv(dataDir, opts.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  })
}

/** Runs the built CLI as a child process, as a clerk would. */
export function runCli(args: string[], dataDir?: string, opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, dataDir, opts)
    let stdout = ''
    let stderr = ''
    child.stdout!.setEncoding('utf8').on('data', d => {
      stdout += d
    })
    child.stderr!.setEncoding('utf8').on('data', d => {
      stderr += d
    })
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({
      code, signal, stderr, stdout,
    }))
    child.stdin!.end(opts.input ?? '')
  })
}

/** Runs with --json and parses the one JSON document on stdout. */
export async function runJson<T = unknown>(args: string[], dataDir: string | undefined, opts: RunOptions = {}): Promise<RunResult & {json: T}> {
  const result = await runCli([...args, '--json'], dataDir, opts)
  let json: T
  try {
    json = JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${result.code}):\n${result.stdout}\n--- stderr:\n${result.stderr}`)
  }

  return {...result, json}
}

/** A temporary folder removed after the test file ends. */
export function tempDir(prefix = 'cerveno-test-'): {cleanup: () => void; dir: string;} {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  return {cleanup: () => rmSync(dir, {force: true, recursive: true}), dir}
}

/** A fresh, initialised data folder. */
export async function freshDataDir(): Promise<{cleanup: () => void; dataDir: string; root: string}> {
  const {cleanup, dir} = tempDir()
  const dataDir = path.join(dir, 'dati')
  const r = await runCli(['init'], dataDir)
  if (r.code !== 0) throw new Error(`init failed: ${r.stderr}`)
  return {cleanup, dataDir, root: dir}
}

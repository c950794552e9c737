/**
 * A private Secret Service for tests: its own D-Bus session bus and a gnome-keyring-daemon unlocked with a test
 * password, in a temporary HOME, so that `login` writes to a real credential store that is nobody's keyring.
 */
import {type ChildProcess, execFileSync, spawn} from 'node:child_process'
import {mkdirSync} from 'node:fs'
import path from 'node:path'

import {tempDir} from './cli.js'

export interface SecretService {
  /** DBUS_SESSION_BUS_ADDRESS (and HOME) for the CLI under test. */
  env: NodeJS.ProcessEnv
  stop(): Promise<void>
}

function onPath(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}

/** Why a Secret Service cannot be started here, or undefined when it can. */
export function secretServiceUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `the Secret Service test runs on Linux only (this is ${process.platform})`
  for (const tool of ['dbus-daemon', 'gnome-keyring-daemon', 'dbus-send']) {
    if (!onPath(tool)) return `${tool} is not installed (apt-get install gnome-keyring dbus-x11 libsecret-1-0)`
  }

  return undefined
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise(resolve => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

export async function startSecretService(password = 'test-keyring-password'): Promise<SecretService> {
  const {cleanup, dir} = tempDir('cerveno-keyring-')
  const home = path.join(dir, 'home')
  mkdirSync(home, {mode: 0o700, recursive: true})
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], {stdio: ['ignore', 'pipe', 'ignore']})
  const address = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error('dbus-daemon did not print its address')), 10_000)
    bus.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d
      if (out.includes('\n')) {
        clearTimeout(timer)
        resolve(out.split('\n')[0].trim())
      }
    })
    bus.once('exit', code => reject(new Error(`dbus-daemon exited (${code})`)))
  })
  const env = {
    DBUS_SESSION_BUS_ADDRESS: address, HOME: home, XDG_DATA_HOME: path.join(home, '.local', 'share'), XDG_RUNTIME_DIR: dir,
  }
  const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
    env: {...process.env, ...env}, stdio: ['pipe', 'ignore', 'ignore'],
  })
  keyring.stdin!.end(password)
  // Bounded wait until the daemon owns the Secret Service name on the bus.
  for (let i = 0; ; i++) {
    try {
      const reply = execFileSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets'], {encoding: 'utf8', env: {...process.env, ...env}})
      if (reply.includes('boolean true')) break
    } catch {}

    if (i >= 200) throw new Error('gnome-keyring-daemon did not register org.freedesktop.secrets')
    await new Promise(r => {
      setTimeout(r, 50)
    })
  }

  return {
    env,
    async stop() {
      await stopProcess(keyring)
      await stopProcess(bus)
      cleanup()
    },
  }
}

import * as pty from '@lydell/node-pty'

import {BIN, cliEnv, ROOT} from './cli.js'

export const KEY = {
  ctrlC: '\u0003',
  down: '\u001B[B',
  enter: '\r',
  up: '\u001B[A',
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B[()][0-9A-B]|\u001B[=>]/g

/** The CLI in a real pseudo-terminal: what a clerk sees, driven with real key presses. */
export class PtySession {
  exit: Promise<{exitCode: number; signal?: number}>
  private buffer = ''
  private consumed = 0
  private readonly term: pty.IPty

  constructor(args: string[], dataDir: string, env: NodeJS.ProcessEnv = {}, cols = 160) {
    this.term = pty.spawn(process.execPath, [BIN, ...args], {
      cols,
      cwd: ROOT,
      env: cliEnv(dataDir, {...env, FORCE_COLOR: '0'}) as Record<string, string>,
      name: 'xterm-256color',
      rows: 50,
    })
    this.term.onData(d => {
      this.buffer += d
    })
    this.exit = new Promise(resolve => {
      this.term.onExit(e => resolve(e))
    })
  }

  /** Everything the program wrote so far, escape sequences included. */
  get raw(): string {
    return this.buffer
  }

  /** Everything shown so far, without colours and cursor movements. */
  get screen(): string {
    return this.buffer.replaceAll(ANSI, '')
  }

  kill(): void {
    try {
      this.term.kill()
    } catch {}
  }

  press(...keys: string[]): void {
    for (const k of keys) this.term.write(k)
  }

  type(text: string): void {
    this.term.write(text)
  }

  /** Waits until text matching `what` appears after the last match; returns the new output. */
  async waitFor(what: RegExp | string, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const fresh = this.screen.slice(this.consumed)
      const at = typeof what === 'string' ? fresh.indexOf(what) : fresh.search(what)
      if (at !== -1) {
        const end = typeof what === 'string' ? at + what.length : at + (fresh.slice(at).match(what)?.[0].length ?? 0)
        this.consumed += end
        return fresh.slice(0, end)
      }

      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n--- screen ---\n${this.screen.slice(-3000)}`)

      await new Promise(r => {
        setTimeout(r, 25)
      })
    }
  }
}

import {Command, Flags, type Interfaces} from '@oclif/core'
import {userInfo} from 'node:os'
import path from 'node:path'
import {format} from 'node:util'

import {usageDetail} from './cli/usage-error.js'
import {CervenoError, EXIT, isCervenoError} from './core/errors.js'
import {jsonForTerminal, storedField, terminalSafe} from './core/safe-text.js'
import {DataFolder, resolveDataDir} from './io/data-folder.js'
import {isDiskFull} from './io/durable.js'
import {common, errors} from './messages/it.js'
import {wrapToTerminal} from './ui/wrap.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

interface ErrorView {
  code: string
  exitCode: number
  message: string
  suggestions?: string[]
}

/** Turns anything thrown into the Italian message and exit code of DESIGN §2; `knownFlags` feed "Forse intendevi". */
export function describeError(err: unknown, knownFlags: readonly string[] = []): ErrorView {
  if (isCervenoError(err)) {
    return {code: err.code, exitCode: err.exitCode, message: errors[err.code](err.params)}
  }

  const e = err as {code?: string; message?: string; name?: string; oclif?: {exit?: number}; path?: string}
  if (isDiskFull(err)) {
    // Outside a transaction (which says itself what it completed): the folder of the file, not the file.
    const dir = e.path ? path.dirname(e.path) : ''
    return describeError(new CervenoError('DISK_FULL', {dir, done: 'unknown'}))
  }

  if (e?.name === 'ExitPromptError' || e?.name === 'AbortPromptError') {
    return {code: 'CANCELLED', exitCode: EXIT.cancelled, message: errors.CANCELLED({})}
  }

  const detail = usageDetail(err, knownFlags)
  if (detail !== undefined) {
    return {
      code: 'USAGE', exitCode: EXIT.usage, message: common.usage(detail), suggestions: ['--help'],
    }
  }

  if (e?.oclif?.exit === 2 || e?.name === 'CLIError' || /Parse|Flag|Arg/.test(e?.constructor?.name ?? '')) {
    const detail = (e.message ?? '').split('\n')[0]
    return {
      code: 'USAGE', exitCode: EXIT.usage, message: common.usage(detail), suggestions: ['--help'],
    }
  }

  return {code: 'UNEXPECTED', exitCode: EXIT.unexpected, message: common.unexpected(e?.message ?? String(err))}
}

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static baseFlags = {
    'data-dir': Flags.directory({description: common.dataDirFlag, helpGroup: 'GLOBAL'}),
    // Replaces oclif's English --json description; enableJsonFlag still wires its behaviour.
    json: Flags.boolean({description: common.jsonFlag, helpGroup: 'GLOBAL'}),
  }
  static enableJsonFlag = true
  protected args!: BaseArgs<T>
  protected flags!: BaseFlags<T>
  /** Words after the declared arguments (commands with strict = false). */
  protected rest: string[] = []

  /** One place turns errors into Italian text and exit codes; under --json, one JSON document on stdout. */
  protected override async catch(err: Error & {code?: string; oclif?: {exit?: number}}): Promise<void> {
    if (err.code === 'EEXIT') throw err
    const view = describeError(err, this.knownFlags())
    process.exitCode = view.exitCode
    if (this.jsonEnabled()) {
      this.logJson({error: view})
      return
    }

    this.logToStderr(wrapToTerminal(view.message, process.stderr))
  }

  protected fail(error: CervenoError): never {
    throw error
  }

  /** The data folder chosen by --data-dir, CERVENO_INFO_DIR or the default. */
  protected folder(): DataFolder {
    return new DataFolder(resolveDataDir(this.flags['data-dir']))
  }

  override async init(): Promise<void> {
    await super.init()
    const ctor = this.ctor as typeof BaseCommand
    const {args, argv, flags} = await this.parse({
      args: ctor.args,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: ctor.enableJsonFlag,
      flags: ctor.flags,
      strict: ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
    this.args = args as BaseArgs<T>
    this.rest = (argv as string[]).slice(Object.keys(ctor.args ?? {}).length)
  }

  /** Every line goes through terminalSafe (safe-text.ts): no control character a citizen wrote reaches the terminal. */
  override log(message = '', ...args: unknown[]): void {
    super.log(terminalSafe(format(message, ...args)))
  }

  /**
   * One JSON document on stdout, written in one piece. oclif's own version colourises it token by token:
   * 100,000 subscribers took 3.9 s that way (BENCHMARKS.md); scripts read plain JSON anyway.
   */
  override logJson(json: unknown): void {
    process.stdout.write(jsonForTerminal(JSON.stringify(json, null, 2)) + '\n')
  }

  override logToStderr(message = '', ...args: unknown[]): void {
    super.logToStderr(terminalSafe(format(message, ...args)))
  }

  /** A note to the clerk on stderr (kept out of --json stdout), wrapped to the terminal's width. */
  protected note(text: string): void {
    if (!this.jsonEnabled()) this.logToStderr(wrapToTerminal(text, process.stderr))
  }

  protected now(): Date {
    return new Date()
  }

  protected operator(flag?: string): string {
    // Stored in the tables and the audit log: cleaned like any other typed field (controls, formulas, length).
    const typed = flag ? storedField(flag).trim() : ''
    if (typed !== '') return typed
    try {
      return userInfo().username
    } catch {
      return process.env.USER ?? process.env.USERNAME ?? 'sconosciuto'
    }
  }

  protected override toErrorJson(err: unknown): {error: ErrorView} {
    return {error: describeError(err, this.knownFlags())}
  }

  /** The long names of this command's flags (for "Forse intendevi …?"). */
  private knownFlags(): string[] {
    const ctor = this.ctor as typeof BaseCommand
    return Object.keys({...BaseCommand.baseFlags, ...ctor.flags})
  }
}

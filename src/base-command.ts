import {Command, Flags, type Interfaces} from '@oclif/core'
import {userInfo} from 'node:os'
import path from 'node:path'

import {CervenoError, EXIT, isCervenoError} from './core/errors.js'
import {DataFolder, resolveDataDir} from './io/data-folder.js'
import {isDiskFull} from './io/durable.js'
import {common, errors} from './messages/it.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

interface ErrorView {
  code: string
  exitCode: number
  message: string
  suggestions?: string[]
}

/** Turns anything thrown into the Italian message and exit code of DESIGN §2. */
export function describeError(err: unknown): ErrorView {
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
    const view = describeError(err)
    process.exitCode = view.exitCode
    if (this.jsonEnabled()) {
      this.logJson(this.toErrorJson(err))
      return
    }

    this.logToStderr(view.message)
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

  /**
   * One JSON document on stdout, written in one piece. oclif's own version colourises it token by token:
   * 100,000 subscribers took 3.9 s that way (BENCHMARKS.md); scripts read plain JSON anyway.
   */
  override logJson(json: unknown): void {
    process.stdout.write(JSON.stringify(json, null, 2) + '\n')
  }

  /** A note to the clerk on stderr (kept out of --json stdout). */
  protected note(text: string): void {
    if (!this.jsonEnabled()) this.logToStderr(text)
  }

  protected now(): Date {
    return new Date()
  }

  protected operator(flag?: string): string {
    if (flag && flag.trim() !== '') return flag.trim()
    try {
      return userInfo().username
    } catch {
      return process.env.USER ?? process.env.USERNAME ?? 'sconosciuto'
    }
  }

  protected override toErrorJson(err: unknown): {error: ErrorView} {
    return {error: describeError(err)}
  }
}

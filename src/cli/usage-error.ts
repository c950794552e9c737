/**
 * oclif's parser errors (English, one class per mistake) turned into one Italian sentence. The error objects
 * carry the flags, arguments and options involved; only the validation errors carry them in their message alone,
 * and those messages are oclif's own fixed phrases, matched here.
 */
import {argNames, cli as t} from '../messages/cli.js'
import {suggest} from './suggest.js'

interface ParserError {
  args?: Array<string | {name: string}>
  constructor?: {name?: string}
  flags?: string[]
  message?: string
}

const VALIDATION: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [/Missing required flag (\S+)/, m => t.flagRequired(m[1])],
  [/--(\S+?)(?:=\S*)? cannot also be provided when using --(\S+)/, m => t.flagExclusive(m[2], m[1])],
  [/All of the following must be provided when using --(\S+): (.+)/, m => t.flagNeeds(m[1], names(m[2]))],
  [/One of the following must be provided when using --(\S+): (.+)/, m => t.flagNeedsOneOf(m[1], names(m[2]))],
  [/Only the following can be provided when using --(\S+): (.+)/, m => t.flagOnlyWith(m[1], names(m[2]))],
]

const INTEGER: Array<[RegExp, (flag: string, m: RegExpMatchArray) => string]> = [
  [/Expected an integer greater than or equal to (-?\d+) but received: (.*)/, (f, m) => t.integerMin(f, m[1], m[2])],
  [/Expected an integer less than or equal to (-?\d+) but received: (.*)/, (f, m) => t.integerMax(f, m[1], m[2])],
  [/Expected an integer but received: (.*)/, (f, m) => t.badInteger(f, m[1])],
]

// oclif colours parts of its messages; the words are what matter here.
// eslint-disable-next-line no-control-regex
const plain = (s: string) => s.replaceAll(/\u001B\[[0-9;]*m/g, '')
const names = (s: string) => s.split(',').map(n => n.trim().replace(/^--/, '')).filter(Boolean)

/** The Italian detail of a usage error, or undefined when `err` is not one of oclif's parser errors. */
export function usageDetail(err: unknown, knownFlags: readonly string[] = []): string | undefined {
  const e = err as ParserError
  const kind = e?.constructor?.name ?? ''
  const message = plain(e?.message ?? '')
  switch (kind) {
  case 'ArgInvalidOptionError': {
    const m = /Expected (.*) to be one of: (.*)/.exec(message.split('\n')[0])
    return m ? t.argInvalidOption(m[1], names(m[2])) : undefined
  }

  case 'FailedFlagValidationError':
  case 'ViolatedFlagConstraintError': {
    const reasons = message.split('\n').slice(1).map(r => r.trim()).filter(r => r !== '' && !r.startsWith('See more help'))
    const italian = reasons.map(r => {
      for (const [re, say] of VALIDATION) {
        const m = re.exec(r)
        if (m) return say(m)
      }

      return r
    })
    return italian.join('; ')
  }

  case 'FlagInvalidOptionError': {
    const m = /Expected --([^=]+)=(.*) to be one of: (.*)/.exec(message.split('\n')[0])
    return m ? t.flagInvalidOption(m[1], m[2], names(m[3])) : undefined
  }

  case 'NonExistentFlagsError': {
    const flags = e.flags ?? []
    const wanted = knownFlags.map(f => `--${f}`)
    return t.nonExistentFlags(flags, [...new Set(flags.flatMap(f => suggest(f.split('=')[0], wanted, 1)))])
  }

  case 'RequiredArgsError': {
    const args = (e.args ?? []).map(a => (typeof a === 'string' ? a : a.name))
    return t.missingArgs(args.map(a => argNames[a] ?? a.toUpperCase()))
  }

  case 'UnexpectedArgsError': {
    return t.unexpectedArgs((e.args ?? []).map(String))
  }

  default: {
    // A flag's own parse function failed: "Parsing --rate \n\t<reason>\nSee more help with --help".
    const m = /^Parsing --(\S+)\s*\n\t(.*)/.exec(message)
    if (!m) return undefined
    for (const [re, say] of INTEGER) {
      const n = re.exec(m[2])
      if (n) return say(m[1], n)
    }

    return t.flagParse(m[1], m[2])
  }
  }
}

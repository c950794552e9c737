import {CommandHelp, Help} from '@oclif/core'

import {argNames, helpWords} from './messages/cli.js'
import {help as t} from './messages/it.js'

/** oclif's help layout with Italian section headers (the texts themselves come from each command). */
function translate(header: string): string {
  return t.headers[header] ?? header
}

/** oclif's English placeholders and labels, and the argument names, in Italian. */
export function italianPlaceholders(text: string): string {
  return text
  .replaceAll('[default: ', `[${helpWords.default}: `)
  .replaceAll('<options: ', `<${helpWords.options}: `)
  .replaceAll(/<(value|option)>/g, `<${helpWords.value}>`)
}

type Body = Parameters<Help['section']>[1]

type HelpCommand = ConstructorParameters<typeof CommandHelp>[0]

class ItalianCommandHelp extends CommandHelp {
  constructor(command: HelpCommand, ...rest: ConstructorParameters<typeof CommandHelp> extends [unknown, ...infer R] ? R : never) {
    // Arguments by their Italian names (help prints a name upper-cased, and sizes its columns on it).
    const args = Object.fromEntries(Object.entries(command.args ?? {}).map(([key, arg]) => {
      const name = argNames[key]?.toLowerCase() ?? key
      return [name, {...arg, name}]
    }))
    super({...command, args} as HelpCommand, ...rest)
  }

  override generate(): string {
    return italianPlaceholders(super.generate())
  }

  override section(header: string, body: Body): string {
    return super.section(translate(header), body)
  }
}

export default class ItalianHelp extends Help {
  override CommandHelpClass = ItalianCommandHelp as typeof CommandHelp

  // The root page is drawn by a class of its own: translate its headers on the way out.
  override formatRoot(): string {
    return super.formatRoot().replaceAll(/^(VERSION|USAGE)$/gm, (h: string) => translate(h)).replace('[COMMAND]', '[COMANDO]')
  }

  override section(header: string, body: Body): string {
    return super.section(translate(header), body)
  }
}

import {CommandHelp, Help} from '@oclif/core'

import {help as t} from './messages/it.js'

/** oclif's help layout with Italian section headers (the texts themselves come from each command). */
function translate(header: string): string {
  return t.headers[header] ?? header
}

type Body = Parameters<Help['section']>[1]

class ItalianCommandHelp extends CommandHelp {
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

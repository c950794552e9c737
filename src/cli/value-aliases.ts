/**
 * Italian words accepted beside the English option values (which stay, for scripts): the clerk reads
 * "in attesa" and "attivo" in the tables and types them back. Both kinds are listed in help and errors.
 */
import {Flags} from '@oclif/core'

import {cli as t} from '../messages/cli.js'

export const REQUEST_STATUS_ALIASES: Record<string, string> = {
  approvata: 'approved', approvate: 'approved', attesa: 'pending', respinta: 'rejected', respinte: 'rejected',
  scartata: 'discarded', scartate: 'discarded', superata: 'superseded', superate: 'superseded', tutte: 'all',
}
export const SUBSCRIBER_STATUS_ALIASES: Record<string, string> = {
  attivi: 'active', attivo: 'active', cessati: 'ceased', cessato: 'ceased', tutti: 'all',
}
export const EXPORT_WHAT_ALIASES: Record<string, string> = {
  invio: 'broadcast', iscritti: 'subscribers', registro: 'audit', richieste: 'requests',
}

/** The English value for `input` (itself when it is English). */
export const unalias = (aliases: Record<string, string>, input: string): string => aliases[input.toLowerCase()] ?? input.toLowerCase()

/**
 * A string flag whose value is one of `english` or an Italian alias of one (any case), parsed to the English
 * value. The accepted words are said in the flag's description, not in oclif's long `<options: …>` list.
 */
export function aliasedOption(
  english: readonly string[],
  aliases: Record<string, string>,
  opts: {default?: string; description: string; helpValue: string},
) {
  return Flags.string({
    default: opts.default,
    // Help shows the Italian word for the default ("[predefinito: attesa]").
    defaultHelp: async () => Object.entries(aliases).find(([, en]) => en === opts.default)?.[0] ?? opts.default,
    description: opts.description,
    helpValue: opts.helpValue,
    async parse(input) {
      const value = unalias(aliases, input)
      if (!english.includes(value)) throw new Error(t.valueNotAllowed(input, [...Object.keys(aliases), ...english]))
      return value
    },
  })
}

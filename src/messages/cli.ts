/**
 * What the clerk reads when the command line itself is wrong (oclif's parser errors, unknown commands, help).
 * Pure data, like it.ts.
 */
const list = (items: readonly string[]) => items.join(', ')
const quoted = (items: readonly string[]) => items.map(i => `«${i}»`).join(' o ')

/** Argument names as help pages and errors show them (the code keeps the English ids). */
export const argNames: Record<string, string> = {
  comando: 'COMANDO', id: 'ID', name: 'NOME', paths: 'PERCORSI', phone: 'TELEFONO', what: 'COSA',
}

/** oclif's placeholders and labels in help pages. */
export const helpWords = {
  default: 'predefinito',
  options: 'valori',
  value: 'valore',
}

export const cli = {
  argInvalidOption: (input: string, options: readonly string[]) => `il valore «${input}» non è ammesso. Valori ammessi: ${list(options)}`,
  badInteger: (flag: string, input: string) => `l'opzione --${flag} vuole un numero intero, non «${input}»`,
  flagExclusive: (a: string, b: string) => `le opzioni --${a} e --${b} non si possono usare insieme`,
  flagInvalidOption: (flag: string, input: string, options: readonly string[]) =>
    `il valore «${input}» non è ammesso per --${flag}. Valori ammessi: ${list(options)}`,
  flagNeeds: (flag: string, needed: readonly string[]) => `l'opzione --${flag} va usata insieme a ${list(needed.map(n => `--${n}`))}`,
  flagNeedsOneOf: (flag: string, needed: readonly string[]) =>
    `con --${flag} serve una di queste opzioni: ${list(needed.map(n => `--${n}`))}`,
  flagOnlyWith: (flag: string, allowed: readonly string[]) =>
    `con --${flag} si possono usare solo: ${list(allowed.map(n => `--${n}`))}`,
  flagParse: (flag: string, detail: string) => `valore non valido per --${flag}${detail ? `: ${detail}` : ''}`,
  flagRequired: (flag: string) => `manca l'opzione obbligatoria --${flag}`,
  helpArg: 'Il comando di cui mostrare la guida (es. import, broadcast show).',
  helpHint: (bin: string) => `Per l'elenco dei comandi: ${bin} help`,
  helpSummary: 'Mostra la guida di un comando (o di tutti).',
  helpUnknown: (bin: string, id: string) => `Non esiste un comando «${id}». Per l'elenco dei comandi: ${bin} help`,
  integerMax: (flag: string, max: string, input: string) => `l'opzione --${flag} vuole un numero non superiore a ${max}, non «${input}»`,
  integerMin: (flag: string, min: string, input: string) => `l'opzione --${flag} vuole un numero non inferiore a ${min}, non «${input}»`,
  missingArgs: (names: readonly string[]) =>
    names.length === 1 ? `manca l'argomento ${names[0]}` : `mancano gli argomenti ${names.join(' e ')}`,
  nonExistentFlags: (flags: readonly string[], suggestions: readonly string[]) =>
    `${flags.length === 1 ? "l'opzione" : 'le opzioni'} ${list(flags)} non ${flags.length === 1 ? 'esiste' : 'esistono'}`
    + (suggestions.length > 0 ? `. Forse intendevi ${quoted(suggestions)}?` : ''),
  unexpectedArgs: (args: readonly string[]) =>
    `${args.length === 1 ? 'parola in più non prevista' : 'parole in più non previste'}: ${list(args)}`
    + ' (un nome o un percorso con spazi va tra virgolette)',
  unknownCommand: (bin: string, id: string, suggestions: readonly string[]) =>
    `Comando sconosciuto: «${id}».`
    + (suggestions.length > 0 ? ` Forse intendevi ${quoted(suggestions.map(s => `${bin} ${s}`))}?` : '')
    + ` Per l'elenco dei comandi: ${bin} help`,
  valueNotAllowed: (input: string, allowed: readonly string[]) => `«${input}» non è tra i valori ammessi (${list(allowed)})`,
}

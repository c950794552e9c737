/** Italian text for validation at the boundary (issue 13): names, timestamps, sizes, dates. Pure data. */
import {type ErrorParams} from '../core/errors.js'

const s = (v: number | string | undefined) => (v === undefined ? '' : String(v))

const NAME_PROBLEMS: Record<string, (max: string) => string> = {
  empty: () => 'Il nome è vuoto: indicare nome e cognome.',
  formula: () =>
    'Il nome non può iniziare con =, +, - o @ (un foglio di calcolo lo leggerebbe come una formula): scriverlo senza quel segno.',
  'too-long': max => `Il nome è più lungo di ${max} caratteri: indicare soltanto nome e cognome.`,
}

/** NAME_INVALID: why a name was refused; with the request id when it is a request's name at approval. */
export function nameProblem(p: ErrorParams): string {
  const why = (NAME_PROBLEMS[s(p.problem)] ?? NAME_PROBLEMS.empty)(s(p.max))
  return p.id === undefined ? why : `Richiesta ${s(p.id)}: ${why} Correggerlo con "cerveno-info review".`
}

/** The same, for the review prompt's validation (no id). */
export const namePromptProblem = (problem: string, max: number): string => nameProblem({max, problem})

export const reviewNotes = {
  /** The card's note when the message's name was not accepted: the clerk types it. */
  nameRejected: (problem: string, typed: string) =>
    `Nota: il nome scritto nel messaggio non è stato accettato (${problem === 'formula' ? 'inizia con =, +, - o @' : 'troppo lungo'}): "${typed}". Indicare il nome con "Indica il nome".`,
}

export const importProblems: Record<string, string> = {
  'chat-file:changed': 'il file è cambiato (o è stato tolto) mentre veniva importato: nulla è stato preso da questo file, importarlo di nuovo',
  'chat-file:too-large': 'il file è troppo grande per essere una chat esportata',
  'chat:future-date': 'contiene date successive a domani: forse le date sono lette nell\'ordine sbagliato. Controllare il file; se le date sono giuste, importarlo indicando l\'ordine con --date-order dmy, mdy o ymd',
  'webhook:timestamp': 'data non valida (serve il numero di secondi dal 1970, tra il 2009 e domani): questo webhook non è stato importato',
  'webhook:TOO_LARGE': 'un valore JSON (o una riga) è troppo grande per essere un webhook',
}

export const importPayloads = {
  header: (file: string, n: number) => `${file}: ${n} webhook non importati:`,
  line: (where: string, why: string, value: string) => `  ${where}: ${why}${value === '' ? '' : ` (valore: ${value})`}`,
  more: (n: number) => `  … e altri ${n}`,
  where: (line: null | number, index: number) => (line === null ? `webhook n. ${index}` : `riga ${line}`),
}

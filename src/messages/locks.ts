/** The Italian text of the data-folder locks and of `cerveno-info unlock`. Pure data. */
import {type ErrorParams} from '../core/errors.js'

type P = ErrorParams
const s = (v: number | string | undefined) => (v === undefined ? '' : String(v))

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

/** A lock's age as the clerk says it: "45 secondi", "3 ore", "2 giorni". */
export function lockAge(ms: number): string {
  const sec = Math.floor(ms / 1000)
  if (sec < 90) return plural(sec, 'secondo', 'secondi')
  const min = Math.round(sec / 60)
  if (min < 90) return plural(min, 'minuto', 'minuti')
  const hours = Math.round(min / 60)
  if (hours < 48) return plural(hours, 'ora', 'ore')
  return plural(Math.round(hours / 24), 'giorno', 'giorni')
}

const age = (p: P) => (typeof p.ageMs === 'number' ? ` da ${lockAge(p.ageMs)}` : '')
const pid = (p: P) => (p.pid === undefined ? '' : ` (processo ${s(p.pid)})`)

const WHICH: Record<string, string> = {
  broadcast: 'degli invii (invii/.lock)',
  data: 'della cartella dati (.lock)',
}

export const lockErrors = {
  BROADCAST_RUNNING: (p: P) =>
    p.host === undefined
      ? `È già in corso un altro invio${pid(p)}: si può eseguire un solo invio alla volta per cartella dati. Attendere che finisca.`
      : `Gli invii di questa cartella dati sono bloccati dal computer "${s(p.host)}"${age(p)}${pid(p)}. Se su quel computer non è in corso nessun invio di cerveno-info, sbloccare con: cerveno-info unlock`,
  LOCK_HELD: (p: P) =>
    p.host === undefined
      ? `La cartella dati ${s(p.dir)} è in uso da un altro comando di cerveno-info${pid(p)}${Number(p.ageMs) >= 60_000 ? `, avviato${age(p).replace(' da ', ' ')} fa` : ''}. Attendere che finisca e riprovare.`
      : `La cartella dati ${s(p.dir)} è bloccata dal computer "${s(p.host)}"${age(p)}${pid(p)}: è in uso da cerveno-info su quel computer, oppure lì un comando si è interrotto. Se su quel computer cerveno-info non è in uso, sbloccarla con: cerveno-info unlock`,
  LOCK_IN_USE: (p: P) =>
    `Il blocco ${WHICH[s(p.which)] ?? s(p.which)} è di un comando di cerveno-info ancora in esecuzione su questo computer${pid(p)}${age(p)}: non va rimosso. Attendere che finisca (o chiuderlo), poi riprovare.`,
}

export interface LockView {
  ageMs?: number
  command?: string
  host?: string
  lock: string
  pid?: number
  verdict: string
}

export const unlock = {
  confirm: 'Rimuovere il blocco? Farlo solo se su quel computer cerveno-info non è in uso.',
  description:
    'Rimuove il blocco lasciato sulla cartella dati da un altro computer (cartella condivisa o sincronizzata) o da un comando che si è interrotto. I blocchi lasciati da un comando interrotto su questo stesso computer vengono già superati da soli: serve soprattutto quando un comando risponde che la cartella è bloccata da un altro computer. Prima di confermare, controllare che su quel computer cerveno-info non sia in uso: due comandi insieme sulla stessa cartella possono perdere modifiche.',
  flags: {
    yes: 'Non chiede conferma.',
  },
  line: (v: LockView) =>
    `Blocco ${WHICH[v.lock] ?? v.lock}: ${v.host ? `computer "${v.host}"` : 'proprietario sconosciuto'}${v.pid === undefined ? '' : `, processo ${v.pid}`}${v.command ? `, comando "${v.command}"` : ''}${v.ageMs === undefined ? '' : `, da ${lockAge(v.ageMs)}`}${v.verdict === 'gone' ? ' (il processo non esiste più)' : ''}.`,
  none: 'Nessun blocco: la cartella dati è libera.',
  noTtyHint: 'Per rimuovere il blocco senza domande aggiungere --yes.',
  released: (n: number) => (n === 1 ? 'Blocco rimosso: si può usare di nuovo la cartella dati.' : `${n} blocchi rimossi: si può usare di nuovo la cartella dati.`),
  summary: 'Sblocca la cartella dati lasciata bloccata da un altro computer o da un comando interrotto.',
  which: WHICH,
}

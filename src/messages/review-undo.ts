/** Italian text for undoing decisions, per-decision reasons and the end of an interrupted review. */
import {type ErrorParams} from '../core/errors.js'

const s = (v: number | string | undefined) => (v === undefined ? '' : String(v))

const STATUS: Record<string, string> = {
  approved: 'approvata',
  discarded: 'scartata',
  duplicate: 'indicata due volte',
  pending: 'in attesa',
  rejected: 'respinta',
  superseded: 'superata da una richiesta più recente',
}

const BLOCKED: Record<string, (p: ErrorParams) => string> = {
  changed: () => "l'iscrizione di questo numero è stata modificata dopo (aggiunta, rimozione o cancellazione dei dati): annullarla ora cancellerebbe quella modifica",
  later: p => `dopo è stata decisa la richiesta ${s(p.by)} dello stesso numero: annullare prima quella (cerveno-info review --reopen ${s(p.by)})`,
  noTrail: () => "nel registro.jsonl manca la traccia dell'iscrizione che aveva prodotto: non si può ricostruire lo stato precedente",
  superseded: p => `è stata chiusa dalla decisione sulla richiesta ${s(p.by)}: annullare quella (cerveno-info review --reopen ${s(p.by)})`,
}

export const reviewUndo = {
  alreadyDecided: (p: ErrorParams) =>
    `La richiesta ${s(p.id)} è già stata decisa (${STATUS[s(p.status)] ?? s(p.status)}): nessuna decisione applicata.${p.status === 'duplicate' ? '' : ` Per annullare quella decisione: cerveno-info review --reopen ${s(p.id)}`}`,
  cancelled: (n: number) => `${n === 1 ? '1 decisione salvata' : `${n} decisioni salvate`}; per continuare: cerveno-info review`,
  choiceUndo: (id: string) => `Annulla l'ultima decisione (richiesta ${id})`,
  notDecided: (p: ErrorParams) => `La richiesta ${s(p.id)} è ancora in attesa: non c'è nessuna decisione da annullare.`,
  reopenBlocked: (p: ErrorParams) =>
    `Impossibile annullare la decisione sulla richiesta ${s(p.id)}: ${(BLOCKED[s(p.why)] ?? BLOCKED.changed)(p)}. Nessuna modifica.`,
  reopened: (id: string, what: string) => `Decisione annullata: la richiesta ${id} è di nuovo in attesa${what}.`,
  reopenFlag: "Annulla la decisione presa su questa richiesta: torna in attesa e l'effetto sul registro iscritti è annullato.",
  reopenWhat: {
    active: " e l'iscrizione è di nuovo attiva",
    ceased: " e l'iscrizione torna cessata",
    none: '',
    removed: ' e il numero è tolto dagli iscritti',
    restored: " e il nome in registro torna com'era",
  },
  skippedLine: (id: string, why: string) => `  ${id}: ${why}`,
  skippedReason: {
    NAME_INVALID: 'manca il nome',
    NOT_SUBSCRIBED: 'chiede la cancellazione ma il numero non è iscritto',
    PHONE_REQUIRED: 'manca il numero di telefono',
  } as Record<string, string>,
  skippedTitle: (n: number) => (n === 1 ? '1 richiesta resta in attesa:' : `${n} richieste restano in attesa:`),
  undone: 'Ultima decisione annullata.',
}

/** approve-all's skipped requests, one line each with its reason. */
export function skippedText(skipped: readonly {code: string; request: {id: string}}[]): string {
  const u = reviewUndo
  return [u.skippedTitle(skipped.length), ...skipped.map(x => u.skippedLine(x.request.id, u.skippedReason[x.code] ?? x.code))].join('\n')
}

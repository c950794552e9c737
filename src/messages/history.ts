/** Italian text for one citizen's history (`subscribers show`) and the request search. */
import {type ErrorParams} from '../core/errors.js'

const s = (v: number | string | undefined) => (v === undefined ? '' : String(v))

export const history = {
  citizenUnknown: (p: ErrorParams) =>
    Number(p.count) === 0
      ? `Nessun cittadino corrisponde a "${s(p.who)}": indicare il numero di telefono o una parte del nome.`
      : `Più cittadini corrispondono a "${s(p.who)}" (${s(p.candidates)}): indicare il numero di telefono.`,
  decision: (status: string, who: string | undefined, when: string | undefined, reason: string | undefined) =>
    `${status}${who ? ` da ${who}` : ''}${when ? ` il ${when}` : ''}${reason ? ` — motivo: ${reason}` : ''}`,
  description:
    'Tutto quello che il programma sa di un cittadino, per rispondere al telefono: la riga del registro iscritti, ogni richiesta con il testo, la fonte e la decisione (chi, quando, perché), e ogni avviso inviato a quel numero con il suo esito.',
  noNotices: '  Nessun avviso inviato a questo numero.',
  noRequests: '  Nessuna richiesta da questo numero.',
  notice: (when: string, id: string, text: string, outcome: string) => `  ${when} — invio ${id}: ${outcome}\n    "${text}"`,
  noticesTitle: 'Avvisi inviati:',
  notSubscribed: 'Registro iscritti: non iscritto.',
  request: (when: string, id: string, action: string, source: string) => `  ${when} — richiesta ${id} (${action}), fonte ${source}`,
  requestsTitle: 'Richieste:',
  requestText: (text: string) => `    Testo: ${text}`,
  searchFlag: 'Cerca le richieste per nome o numero (senza distinguere maiuscole e accenti); con --search lo stato predefinito è all.',
  subscriber: (a: {approvedBy: string; ceasedAt?: string; name: string; phone: string; status: string; subscribedAt: string}) =>
    `Registro iscritti: ${a.name} (${a.phone}), ${a.status}; iscritto il ${a.subscribedAt} (approvato da ${a.approvedBy})${a.ceasedAt ? `; cessato il ${a.ceasedAt}` : ''}.`,
  summary: 'Mostra la storia di un cittadino: iscrizione, richieste, decisioni, avvisi.',
  title: (phone: string) => `Cittadino ${phone}`,
  whoArg: 'Numero di telefono oppure nome (o una parte) del cittadino.',
}

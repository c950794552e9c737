/** Italian text for a broadcast that cannot reach WhatsApp, and for a notice already sent recently. */
import {type ErrorParams} from '../core/errors.js'

const s = (v: number | string | undefined) => (v === undefined ? '' : String(v))

/** What a transport code means, in the clerk's words. */
const CONNECTION: Record<string, string> = {
  EAI_AGAIN: 'il nome del server non si risolve (DNS non raggiungibile)',
  ECONNREFUSED: 'connessione rifiutata',
  ECONNRESET: 'connessione interrotta',
  EHOSTUNREACH: 'server non raggiungibile',
  ENETUNREACH: 'rete non raggiungibile',
  ENOTFOUND: 'server non trovato (DNS)',
  ETIMEDOUT: 'nessuna risposta in tempo',
}

export function connectionProblem(code: string | undefined): string {
  if (code === undefined) return 'errore di rete'
  const known = CONNECTION[code] ?? (/CERT|SSL|TLS/.test(code) ? 'connessione sicura non valida (certificato)' : 'errore di rete')
  return `${known} [${code}]`
}

export const broadcastGuard = {
  again: "Invia anche se lo stesso avviso è già stato inviato negli ultimi 7 giorni (con --yes, altrimenti l'invio è rifiutato).",
  alreadySent: (p: ErrorParams) =>
    `Lo stesso avviso è già stato inviato il ${s(p.when)} (invio ${s(p.id)}: ${s(p.sent)} accettati su ${s(p.recipients)} destinatari). Per completare quell'invio: cerveno-info broadcast --resume ${s(p.id)}; per ritentare i non riusciti: cerveno-info broadcast --retry-failed ${s(p.id)}. Per inviarlo di nuovo a tutti aggiungere --again.`,
  offline: (p: ErrorParams) =>
    `Nessuna connessione a WhatsApp (${connectionProblem(p.code === undefined ? undefined : String(p.code))}): l'invio ${s(p.id)} è stato fermato e nessun destinatario è segnato come non riuscito. Controllare la connessione a Internet di questo computer, un eventuale proxy o firewall, l'indirizzo WHATSAPP_API_URL se impostato, la data e l'ora del computer. Messaggi accettati: ${s(p.sent)}; ancora da inviare: ${s(p.pending)}. Per riprendere: cerveno-info broadcast --resume ${s(p.id)}`,
  previous: (p: {id: string; recipients: number; sent: number; when: string}) =>
    [
      `Attenzione: lo stesso avviso è già stato inviato il ${p.when} (invio ${p.id}): ${p.sent} accettati su ${p.recipients} destinatari.`,
      `  Per completare quell'invio: cerveno-info broadcast --resume ${p.id}`,
      `  Per ritentare i non riusciti: cerveno-info broadcast --retry-failed ${p.id}`,
      '  Confermando, lo si invia di nuovo a tutti.',
    ].join('\n'),
}

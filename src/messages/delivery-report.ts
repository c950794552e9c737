/**
 * A delivery report in the clerk's words: one outcome per recipient (a message WhatsApp accepted and then could
 * not deliver is "non consegnato", not "accettato"), and why, with the Cloud API code in brackets.
 */
import {plural} from './plural.js'

/** Transport and engine failures, which carry no Graph code (classify.ts rules). */
const RULES: Record<string, string> = {
  'http:5xx': 'errore temporaneo dei server di WhatsApp',
  'http:429': 'WhatsApp ha chiesto di rallentare e i tentativi sono finiti',
  'http:504': 'WhatsApp non ha risposto in tempo: non si sa se il messaggio è partito',
  'invalid-recipient': 'numero non utilizzabile con WhatsApp',
  'retries-exhausted': 'troppi tentativi non riusciti',
  'transport:after-send': "la connessione si è interrotta dopo l'invio: non si sa se il messaggio è arrivato",
  'transport:before-send': 'nessuna connessione a WhatsApp (rete o server irraggiungibili)',
  unexpected: 'errore imprevisto durante l’invio',
  webhook: 'WhatsApp ha segnalato la mancata consegna',
}

export const deliveryReport = {
  header: ['Telefono', 'Nome', 'Esito', 'Motivo'],
  listHeader: ['Invio', 'Avviso', 'Iniziato', 'Stato', 'Destinatari', 'Accettati', 'Non riusciti', 'Incerti'],
  /** Why a recipient failed: the code's explanation with the code in brackets, else the rule's words. */
  reason(code: null | number, rule: null | string, codes: Record<string, string>): string {
    if (code !== null) return `${codes[String(code)] ?? codes['*']} [${code}]`
    if (rule === null) return ''
    const base = rule.replace(/:unknown-code$/, '')
    return `${RULES[base] ?? RULES[base.split(':')[0]] ?? 'errore'} [${rule}]`
  },
  unknownName: '(non in registro)',
  withProblems: (n: number) => `${plural(n, 'destinatario', 'destinatari')} con problemi:`,
}

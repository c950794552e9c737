/**
 * Italian text of the webhook receiver (`webhook serve`) and of importing its inbox (`import` with no path).
 * Pure data, like it.ts. Nothing here ever carries a phone number, a name or a message text.
 */

export interface ReceiverCounts {
  failed: number
  received: number
  rejected: Record<string, number>
}

const SECRET_SOURCES: Record<string, string> = {
  WHATSAPP_APP_SECRET:
    "WHATSAPP_APP_SECRET è la chiave segreta dell'app: in Meta for Developers aprire l'app, Impostazioni → Di base, \"Chiave segreta\" (Mostra). Serve a verificare che i webhook arrivino davvero da Meta.",
  WHATSAPP_VERIFY_TOKEN:
    'WHATSAPP_VERIFY_TOKEN è una parola segreta scelta dal Comune (lunga e casuale): va scritta anche in Meta for Developers, WhatsApp → Configurazione → Webhook, nel campo "Token di verifica".',
}

const REJECT_REASONS: Record<string, string> = {
  method: 'metodo non ammesso',
  notFound: 'indirizzo sconosciuto',
  notJson: 'non JSON',
  signature: 'firma mancante o errata',
  tooLarge: 'troppo grandi',
  verify: 'verifiche con token errato',
}

function rejected(r: Record<string, number>): string {
  const parts = Object.entries(r).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${REJECT_REASONS[k] ?? k}`)
  return parts.length === 0 ? 'nessuno' : parts.join(', ')
}

export const webhookServe = {
  description: [
    'Riceve i webhook della WhatsApp Cloud API (messaggi dei cittadini e stati di consegna degli avvisi) e li salva,'
    + ' uno per riga, nella casella webhook/AAAA-MM-GG.ndjson della cartella dati. Ogni richiesta deve portare la firma'
    + " di Meta (X-Hub-Signature-256) calcolata con la chiave segreta dell'app: le altre sono rifiutate. La risposta 200"
    + ' parte solo quando il webhook è scritto su disco. Non blocca la cartella dati: si può lavorare mentre è attivo.'
    + ' I webhook ricevuti si importano con "cerveno-info import" senza percorso.',
    "Richiede WHATSAPP_APP_SECRET (chiave segreta dell'app) e WHATSAPP_VERIFY_TOKEN (token di verifica scelto dal"
    + ' Comune). Meta vuole un indirizzo HTTPS pubblico: avviarlo dietro un proxy (es. Caddy) o un tunnel (vedi README).'
    + ' Si ferma con Ctrl-C o SIGTERM dopo aver risposto alle richieste in corso.',
  ].join('\n\n'),
  flags: {
    bodyTimeout: 'Secondi concessi per ricevere una richiesta intera (intestazioni e corpo).',
    headersTimeout: 'Secondi concessi per ricevere le intestazioni di una richiesta.',
    host: 'Indirizzo su cui ascoltare (127.0.0.1: solo questo computer, dietro un proxy HTTPS).',
    path: 'Percorso dell\'indirizzo di callback registrato in Meta.',
    port: 'Porta su cui ascoltare (0: una porta libera qualsiasi).',
  },
  log: {
    minute: (c: ReceiverCounts, inboxBytes: number) =>
      `Webhook: ${c.received} salvati, rifiutati: ${rejected(c.rejected)}${c.failed > 0 ? `, ${c.failed} non salvati per errore di scrittura` : ''}; casella ${inboxBytes} byte.`,
    repaired: (count: number) =>
      `Riparate ${count} righe incomplete in fondo alla casella (scritte durante un arresto improvviso, mai confermate a Meta).`,
    started: (url: string, inbox: string) =>
      `Ricevitore webhook in ascolto su ${url}; salva nella casella ${inbox}. Ctrl-C per fermarlo.`,
    stopped: (c: ReceiverCounts) =>
      `Ricevitore webhook fermato: ${c.received} webhook salvati in questa sessione, rifiutati: ${rejected(c.rejected)}.`,
    stopping: 'Arresto in corso: non accetto nuove richieste, completo quelle in corso…',
    writeError: (code: string) =>
      `Errore di scrittura nella casella (${code}): la richiesta riceve 500 e Meta la ripeterà. Controllare lo spazio su disco.`,
  },
  secretsHint: (missing: readonly string[]) =>
    `${missing.map(m => SECRET_SOURCES[m]).join(' ')} Impostarle come variabili di ambiente prima di avviare il ricevitore; non vengono mai stampate né salvate.`,
  summary: 'Riceve i webhook della WhatsApp Cloud API e li salva nella casella della cartella dati.',
}

export const importInbox = {
  argNote: 'Senza percorso: importa la casella del ricevitore (webhook/), da dove si era fermata l\'importazione precedente.',
  empty: 'Casella webhook: nessun webhook nuovo dall\'ultima importazione.',
  skipped: (where: string) => `Casella webhook: riga ${where} non leggibile, saltata.`,
}

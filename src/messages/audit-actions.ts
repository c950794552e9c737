/** The audit log's actions in plain Italian, for documents a citizen or the clerk reads (registro.jsonl keeps the codes). */
export const AUDIT_ACTIONS: Record<string, string> = {
  'broadcast.end': 'invio di un avviso concluso',
  'broadcast.start': 'invio di un avviso',
  'broadcast.test': 'invio di prova',
  'export.audit': 'esportazione del registro delle operazioni',
  'export.broadcast': 'esportazione del rapporto di un invio',
  'export.requests': 'esportazione delle richieste',
  'export.subscribers': 'esportazione degli iscritti',
  'file.hand-edited': 'file modificato a mano',
  'folder.init': 'preparazione della cartella dati',
  'privacy.erase': 'cancellazione dei dati (diritto all’oblio)',
  'privacy.export': 'copia dei dati consegnata (diritto di accesso)',
  'privacy.purge': 'cancellazione per scadenza della conservazione',
  'request.approve': 'richiesta approvata',
  'request.correct': 'richiesta corretta dal Comune',
  'request.discard': 'richiesta scartata',
  'request.import': 'richiesta ricevuta e registrata',
  'request.reject': 'richiesta respinta',
  'request.reopen': 'decisione annullata, richiesta di nuovo in attesa',
  'request.supersede': 'richiesta sostituita da una più recente',
  'subscriber.add': 'iscrizione al servizio',
  'subscriber.cease': 'iscrizione cessata',
  'subscriber.reactivate': 'iscrizione riattivata',
  'subscriber.rename': 'nome aggiornato nel registro',
}

/** The Italian words for an audit action, or the code itself when it is new (never hidden). */
export const auditAction = (code: string): string => AUDIT_ACTIONS[code] ?? code

/** Localised strings the parser recognises (chat-formats.md §1, §7, §8). Data only. */

/** File-name prefixes of exported chats, with the language they reveal. */
export const TITLE_PREFIXES: ReadonlyArray<readonly [prefix: string, locale: string]> = [
  ['Chat WhatsApp con ', 'it'],
  ['WhatsApp Chat with ', 'en'],
  ['WhatsApp Chat - ', 'en'],
  ['Chat de WhatsApp con ', 'es'],
  ['WhatsApp Chat mit ', 'de'],
  ['Discussion WhatsApp avec ', 'fr'],
  ['Conversa do WhatsApp com ', 'pt'],
  ['Conversa no WhatsApp com ', 'pt'],
  ['Чат WhatsApp с ', 'ru'],
  ["צ'אט WhatsApp עם ", 'he'],
]

/**
 * Italian system and placeholder strings. Finding one means the exporting phone speaks Italian,
 * hence day-first dates (chat-formats.md §4 recommendation c).
 */
export const ITALIAN_MARKERS: readonly string[] = [
  '<Media omessi>',
  '<Media omesso>',
  '(file allegato)',
  '<allegato: ',
  'Questo messaggio è stato eliminato',
  'Hai eliminato questo messaggio',
  '<Questo messaggio è stato modificato>',
  'I messaggi e le chiamate sono crittografati end-to-end',
  'I messaggi inviati a questo gruppo sono ora protetti',
  'I tuoi messaggi e le tue chiamate sono protetti',
  'immagine omessa',
  'audio omesso',
  'video omesso',
  'Scheda contatto omessa',
  'sticker non incluso',
  'GIF esclusa',
  'Chiamata vocale persa',
  'Videochiamata persa',
  'ti ha aggiunto',
  'ha creato il gruppo',
  'Il tuo codice di sicurezza con ',
]

/** Whole-message placeholders for media sent without the files (Android). */
export const MEDIA_OMITTED = new Set([
  '<Archivo omitido>',
  '<ficheiro não revelado>',
  '<Fichier omis>',
  '<Media omessi>',
  '<Media omesso>',
  '<Media omitted>',
  '<Médias omis>',
  '<Media weggelaten>',
  '<Medien ausgeschlossen>',
  '<Medien weggelassen>',
  '<medya dahil edilmedi>',
  '<Mídia oculta>',
  '<Mídia omitida>',
  '<Multimedia omitido>',
  '<Без медиафайлов>',
])

/** Media lines: Android "(file allegato)", iOS "<allegato: …>", iOS "immagine omessa" and their English forms. */
export const MEDIA_LINE
  = /^(?:.{1,200}\.[\dA-Za-z]{1,5} \((?:file allegato|file attached)\)|.{0,200}<(?:allegato|attached|Anhang|adjunto|pièce jointe|anexo|bijgevoegd): [^>\n]{1,200}>|(?:immagine|video|audio|GIF|sticker|documento) (?:omess[ao]|esclus[ao]|non incluso)|(?:image|video|audio|GIF|sticker|document|Contact card) omitted|Scheda contatto omessa|.{1,200} (?:documento omesso|document omitted))$/u

export const DELETED = new Set([
  'Hai eliminato questo messaggio',
  'Hai eliminato questo messaggio.',
  'Questo messaggio è stato eliminato',
  'Questo messaggio è stato eliminato.',
  'This message was deleted',
  'This message was deleted.',
  'You deleted this message',
  'You deleted this message.',
])

/** System texts that only happen in groups. */
export const GROUP_SYSTEM
  = /\bhai? (?:creato il gruppo|aggiunto|rimosso|abbandonato|cambiato l'oggetto|cambiato l'immagine di questo gruppo|cambiato la descrizione del gruppo)|ti ha aggiunto|è entrato usando il link d'invito|amministratore|messaggi inviati a questo gruppo|\bcreated (?:the )?group|\badded\b|\bremoved\b|\bleft$|joined using|changed the subject|changed this group's icon|changed the group description|\badmin\b/iu

/**
 * Android system texts that contain ": " (a group subject with a colon) and would otherwise be split
 * into a bogus author (chat-formats.md §7 trap). Checked against the would-be author.
 */
export const SYSTEM_AUTHOR_MARKERS: readonly string[] = [
  "cambiato l'oggetto da ",
  'cambiato la descrizione',
  'changed the subject from ',
  'changed the group description',
  'changed the group name',
]

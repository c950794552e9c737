/** Character clean-up shared by the chat-export parser (chat-formats.md §5). */

/** Invisible marks WhatsApp and editors add: LRM/RLM, bidi embeddings and isolates, ZWSP, word joiner, BOM. */
export const INVISIBLE = /[\u200B\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g
const HAS_INVISIBLE = /[\u200B\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/
const ODD_SPACES = /[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g

/** Removes the invisible marks; keeps ZWJ and variation selectors (emoji). */
export function stripInvisible(s: string): string {
  return HAS_INVISIBLE.test(s) ? s.replaceAll(INVISIBLE, '') : s
}

/**
 * An author label as a person would read it: NFC, no invisible marks, odd spaces made plain,
 * the `~ ` of iOS non-contacts removed, whitespace collapsed.
 */
export function normalizeAuthor(raw: string): string {
  return stripInvisible(raw.normalize('NFC'))
  .replaceAll(ODD_SPACES, ' ')
  .replace(/^\s*~\s*/, '')
  .replaceAll(/\s+/g, ' ')
  .trim()
}

/** Key to compare two display names: normalised, case-folded, typographic apostrophe folded. */
export function nameKey(raw: string): string {
  return normalizeAuthor(raw).toLowerCase().replaceAll(/[\u2019\u2018`´]/g, "'")
}

/**
 * vCard 3.0 (RFC 2426) for the WhatsApp Business app's broadcast lists, which take at most 256
 * contacts each: one file per list.
 */
export const VCARDS_PER_FILE = 256

export interface Contact {
  name: string
  phone: string
}

/** RFC 2426 §4: backslash, comma, semicolon and line breaks are escaped in text values. */
export function escapeVcardText(value: string): string {
  return value
  .replaceAll('\\', '\\\\')
  .replaceAll(',', '\\,')
  .replaceAll(';', '\\;')
  .replaceAll(/\r\n|\r|\n/g, '\\n')
}

/** RFC 2426 §2.6: lines longer than 75 octets are folded (CRLF + space), never inside a UTF-8 character. */
export function foldLine(line: string): string {
  const out: string[] = []
  let current = ''
  let octets = 0
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8')
    const limit = out.length === 0 ? 75 : 74
    if (octets + size > limit) {
      out.push(current)
      current = ''
      octets = 0
    }

    current += ch
    octets += size
  }

  out.push(current)
  return out.join('\r\n ')
}

/**
 * One card. The name is kept whole as typed: splitting Italian names into given and family name
 * (Maria Grazia De Santis, Gian Luca D'Angelo) is guesswork, so N carries it as the given name and
 * phones show exactly the registry's name.
 */
export function vcard(c: Contact): string {
  const name = escapeVcardText(c.name)
  return ['BEGIN:VCARD', 'VERSION:3.0', `N:;${name};;;`, `FN:${name}`, `TEL;TYPE=CELL:${c.phone}`, 'END:VCARD']
  .map(l => foldLine(l))
  .join('\r\n')
}

/** The contacts split into files of at most `perFile` cards, in order. */
export function vcardFiles(contacts: readonly Contact[], perFile = VCARDS_PER_FILE): string[] {
  const files: string[] = []
  for (let i = 0; i < contacts.length; i += perFile) {
    files.push(contacts.slice(i, i + perFile).map(c => vcard(c) + '\r\n').join(''))
  }

  return files
}

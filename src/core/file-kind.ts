/**
 * What a file that is neither a chat nor a webhook dump is, from its first bytes: the photos, voice notes,
 * PDFs and office files that an exported chat's folder holds beside `_chat.txt`. Naming them beats telling the
 * clerk to export the chat again because "the text is not UTF-8".
 */
export type ForeignKind = 'audio' | 'contact' | 'image' | 'office' | 'pdf' | 'video'

export interface Foreign {
  /** The format's everyday name (JPEG, PDF, Word…), for the message. */
  format: string
  kind: ForeignKind
}

const startsWith = (b: Uint8Array, bytes: number[], at = 0) => bytes.every((x, i) => b[at + i] === x)
const latin1 = new TextDecoder('latin1')
const ascii = (b: Uint8Array, from: number, to: number) => latin1.decode(b.subarray(from, to))

/** The kind of a file whose head is `b`, or undefined when it may be a chat or a dump (text, zip of a chat). */
export function foreignKind(b: Uint8Array): Foreign | undefined {
  if (startsWith(b, [0xFF, 0xD8, 0xFF])) return {format: 'JPEG', kind: 'image'}
  if (startsWith(b, [0x89, 0x50, 0x4E, 0x47])) return {format: 'PNG', kind: 'image'}
  if (ascii(b, 0, 4) === 'GIF8') return {format: 'GIF', kind: 'image'}
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return {format: 'WEBP', kind: 'image'}
  if (ascii(b, 4, 8) === 'ftyp') {
    const brand = ascii(b, 8, 12)
    if (/^(heic|heix|mif1|msf1|avif)$/.test(brand)) return {format: brand === 'avif' ? 'AVIF' : 'HEIC', kind: 'image'}
    if (brand.startsWith('M4A')) return {format: 'M4A', kind: 'audio'}
    return {format: brand.startsWith('qt') ? 'MOV' : 'MP4', kind: 'video'}
  }

  if (ascii(b, 0, 5) === '%PDF-') return {format: 'PDF', kind: 'pdf'}
  if (ascii(b, 0, 4) === 'OggS') return {format: 'OGG/Opus', kind: 'audio'}
  if (ascii(b, 0, 3) === 'ID3' || startsWith(b, [0xFF, 0xFB])) return {format: 'MP3', kind: 'audio'}
  if (startsWith(b, [0xD0, 0xCF, 0x11, 0xE0])) return {format: 'Office (doc/xls)', kind: 'office'}
  if (startsWith(b, [0x50, 0x4B, 0x03, 0x04])) {
    // A zip: an office document names its parts first; a chat export does not.
    const names = ascii(b, 30, Math.min(b.length, 30 + 64))
    if (names.startsWith('[Content_Types].xml') || /^(word|xl|ppt)\//.test(names)) return {format: 'Office (docx/xlsx/pptx)', kind: 'office'}
    if (names.startsWith('mimetype') && ascii(b, 0, Math.min(b.length, 200)).includes('opendocument')) return {format: 'OpenDocument', kind: 'office'}
    return undefined
  }

  const text = ascii(b, 0, Math.min(b.length, 64)).replace(/^\uFEFF|^\u00EF\u00BB\u00BF/, '').trimStart()
  if (text.toUpperCase().startsWith('BEGIN:VCARD')) return {format: 'vCard', kind: 'contact'}
  return undefined
}

/** Tiny files whose first bytes are those of a real PDF or PNG (what the type check reads). */
/** A small but real-looking PDF (the bytes start like any PDF). */
export function pdfBytes(): Buffer {
  return Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1')
}

/** The 8-byte PNG signature and an IHDR for an 8-bit RGBA 1×1 image. */
export function pngBytes(): Buffer {
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
    Buffer.from([0, 0, 0, 13]),
    Buffer.from('IHDR'),
    Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]),
    Buffer.from([0x1F, 0x15, 0xC4, 0x89]),
  ])
}

import {parse} from 'csv-parse/sync'
import {stringify} from 'csv-stringify/sync'
/**
 * Erasure across the files of a data folder, whatever they are: the registry tables row by row,
 * JSON Lines line by line, JSON structurally, CSV (backups, exports) record by record, vCards card by
 * card, other text line by line. A binary file that mentions the person cannot be cleaned: reported.
 */
import {lstat, readdir, readFile} from 'node:fs/promises'
import path from 'node:path'

import {
  cleanCsvRecords, type Cleaned, cleanJsonDocument, cleanJsonLines, cleanLines, cleanVcards,
} from '../core/privacy/clean.js'
import {type Matcher, NameWordSet, NumberSet} from '../core/privacy/match.js'
import {type HashedNames} from '../core/privacy/tombstones.js'
import {type DecodedText, decodeSpreadsheetText} from '../io/csv-table.js'
import {FILES} from '../io/data-folder.js'

/** One file to rewrite (content) or delete (null), with how many records go. */
export interface FileChange {
  content: Buffer | null
  /** Relative to the data folder, `/`-separated. */
  file: string
  removed: number
}

/** Files never rewritten by erasure: the configuration and the hashes (no personal data in either). */
export const UNTOUCHED = new Set<string>([FILES.config, FILES.state])

/** Every file under the data folder, relative, sorted; lock folders and symbolic links are skipped. */
export async function listDataFiles(dir: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(dir, rel), {withFileTypes: true})
    for (const e of entries) {
      const child = rel === '' ? e.name : `${rel}/${e.name}`
      if (e.isSymbolicLink()) continue
      if (e.isDirectory()) {
        if (e.name === '.lock' || e.name.startsWith('.lock-')) continue
        await walk(child)
      } else if (e.isFile()) out.push(child)
    }
  }

  await walk('')
  return out.sort()
}

export function isBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 65_536).includes(0)
}

let cp1252: Map<number, number> | undefined

/** Text back to the bytes it was read from (UTF-8, or the Windows-1252 that Excel saves). */
export function encodeText(text: string, encoding: DecodedText['encoding']): Buffer {
  if (encoding === 'utf-8') return Buffer.from(text, 'utf8')
  if (!cp1252) {
    cp1252 = new Map()
    const decoded = new TextDecoder('windows-1252').decode(Uint8Array.from({length: 256}, (_, i) => i))
    for (let i = 0; i < 256; i++) cp1252.set(decoded.codePointAt(i)!, i)
  }

  const out = Buffer.alloc(text.length)
  let n = 0
  for (const ch of text) out[n++] = cp1252.get(ch.codePointAt(0)!) ?? 0x3F
  return out.subarray(0, n)
}

function detectDelimiter(text: string): string {
  const first = text.slice(0, Math.max(0, text.search(/\r?\n|$/)))
  const counts = [';', ',', '\t'].map(d => [d, first.split(d).length] as const)
  return counts.sort((a, b) => b[1] - a[1])[0][0]
}

/** A CSV of any dialect: rows about the person go, the dialect (BOM, separator, line ends) is kept. */
function cleanCsvText(text: string, m: Matcher): Cleaned<string> {
  const bom = text.startsWith('\uFEFF')
  const body = bom ? text.slice(1) : text
  const delimiter = detectDelimiter(body)
  let records: string[][]
  try {
    records = parse(body, {delimiter, relax_column_count: true, relax_quotes: true}) as string[][]
  } catch {
    return cleanLines(text, m)
  }

  const cleaned = cleanCsvRecords(records, m)
  if (cleaned.removed === 0) return {content: text, removed: 0}
  const out = stringify(cleaned.content!, {
    bom,
    delimiter,
    quoted_match: /[\r\n]/,
    record_delimiter: body.includes('\r\n') ? '\r\n' : '\n',
  })
  return {content: out, removed: cleaned.removed}
}

/** How a file is cleaned, by its name. */
export function cleanText(file: string, text: string, m: Matcher): Cleaned<string> {
  const ext = path.extname(file).toLowerCase()
  if (ext === '.jsonl' || ext === '.ndjson') return cleanJsonLines(text, m)
  if (ext === '.json') return cleanJsonDocument(text, m)
  if (ext === '.csv') return cleanCsvText(text, m)
  if (ext === '.vcf') return cleanVcards(text, m)
  return cleanLines(text, m)
}

/**
 * The change erasure makes to one file: undefined when the file does not mention the person,
 * 'uncleanable' for a binary file (or an untouchable one) that does.
 */
export async function cleanDataFile(dir: string, file: string, m: Matcher): Promise<'uncleanable' | FileChange | undefined> {
  const full = path.join(dir, file)
  if (!(await lstat(full)).isFile()) return undefined
  const bytes = await readFile(full)
  if (isBinary(bytes) || UNTOUCHED.has(file)) {
    const latin = bytes.toString('latin1')
    return m.hasId(latin) || m.hasId(bytes.toString('utf8')) ? 'uncleanable' : undefined
  }

  const {encoding, text} = decodeSpreadsheetText(bytes)
  if (!m.hasId(text) && !m.hasName(text)) return undefined
  const cleaned = cleanText(file, text, m)
  if (cleaned.removed === 0 && cleaned.content === text) return undefined
  if (cleaned.content === null) return {content: null, file, removed: cleaned.removed}
  // The decoder drops a UTF-8 BOM; Excel needs it back to read the file as UTF-8.
  const bom = bytes[0] === 0xEF && bytes[1] === 0xBB && bytes[2] === 0xBF && !cleaned.content.startsWith('\uFEFF')
  const body = encodeText(cleaned.content, encoding)
  return {content: bom ? Buffer.concat([Buffer.from([0xEF, 0xBB, 0xBF]), body]) : body, file, removed: cleaned.removed}
}

/** Where a person's number (E.164, found however written) or name is still written (the check after an erasure). */
export async function residues(dir: string, needles: {names: string[]; namesHashed?: HashedNames; phones: string[]}): Promise<{file: string; name: boolean; phone: boolean}[]> {
  const out: {file: string; name: boolean; phone: boolean}[] = []
  const names = needles.names.map(n => n.toLowerCase()).filter(n => n.trim() !== '')
  const words = new NameWordSet(needles.names, needles.namesHashed)
  const numbers = new NumberSet(needles.phones)
  for (const file of await listDataFiles(dir)) {
    const bytes = await readFile(path.join(dir, file))
    const texts = [bytes.toString('utf8'), bytes.toString('latin1')]
    const phone = texts.some(t => numbers.foundIn(t))
    const lower = texts.map(t => t.toLowerCase())
    const name = names.some(n => lower.some(t => t.includes(n))) || texts.some(t => words.foundIn(t))
    if (phone || name) out.push({file, name, phone})
  }

  return out
}

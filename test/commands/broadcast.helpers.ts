/** Shared by the broadcast CLI tests: seeding, the API environment, journal reading, secret scanning. */
import {strict as assert} from 'node:assert'
import {
  readdirSync, readFileSync, statSync, writeFileSync,
} from 'node:fs'
import path from 'node:path'

import {
  FAKE_PHONE_NUMBER_ID, FAKE_TOKEN, FAKE_VERSION, type FakeCloudApi,
} from '../helpers/fake-cloud-api.js'

export const NOTICE = [
  'COMUNE DI CERVENO - AVVISO',
  '',
  'Martedì 18 marzo dalle 8:30 alle 13:00 sarà sospesa l\'erogazione dell\'acqua',
  'in Via Roma e Via Castello   per lavori alla rete idrica.',
].join('\n')
/** What the template parameter must carry: one line, single spaces, ". " after the title (it has no full stop). */
export const NOTICE_FLAT = "COMUNE DI CERVENO - AVVISO. Martedì 18 marzo dalle 8:30 alle 13:00 sarà sospesa l'erogazione dell'acqua in Via Roma e Via Castello per lavori alla rete idrica."

export {phoneOf, seedSubscribers} from '../helpers/seed.js'

export function writeNotice(dir: string, text: string | Uint8Array = NOTICE, name = 'avviso.txt'): string {
  const file = path.join(dir, name)
  writeFileSync(file, text)
  return file
}

/** The environment pointing the CLI at the fake server, never at Meta. */
export function apiEnv(fake: FakeCloudApi, token = FAKE_TOKEN): NodeJS.ProcessEnv {
  assert.match(fake.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
  return {
    WHATSAPP_API_URL: fake.baseUrl,
    WHATSAPP_API_VERSION: FAKE_VERSION,
    WHATSAPP_PHONE_NUMBER_ID: FAKE_PHONE_NUMBER_ID,
    WHATSAPP_TOKEN: token,
  }
}

/** Accepted requests (200 with a wamid) per recipient, as E.164. */
export function acceptedCounts(fake: FakeCloudApi): Map<string, number> {
  const counts = new Map<string, number>()
  for (const r of fake.accepted()) counts.set(`+${r.to}`, (counts.get(`+${r.to}`) ?? 0) + 1)
  return counts
}

export function runIds(dataDir: string): string[] {
  return readdirSync(path.join(dataDir, 'invii'))
  .filter(n => /^\d{8}-\d{6}-[0-9a-f]{4}$/.test(n))
  .sort()
}

export function journal(dataDir: string, id: string): Array<Record<string, unknown>> {
  let text = ''
  try {
    text = readFileSync(path.join(dataDir, 'invii', id, 'giornale.jsonl'), 'utf8')
  } catch {
    return []
  }

  return text
  .split('\n')
  .filter(l => l !== '')
  .map(l => JSON.parse(l) as Record<string, unknown>)
}

/** Every intent in the journal is followed by an outcome for the same attempt. */
export function assertEveryIntentHasOutcome(dataDir: string, id: string): void {
  const open = new Set<string>()
  for (const r of journal(dataDir, id)) {
    if (r.type === 'intent') open.add(r.attempt as string)
    if (r.type === 'outcome') open.delete(r.attempt as string)
  }

  assert.deepEqual([...open], [], 'intents without outcome')
}

function walk(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name)
    if (statSync(p).isDirectory()) out.push(...walk(p))
    else out.push(p)
  }

  return out
}

/** The secret appears in no output and in no file of the data folder. */
export function assertSecretAbsent(secret: string, dataDir: string, outputs: string[]): void {
  for (const [i, text] of outputs.entries()) assert.ok(!text.includes(secret), `secret in output #${i}: ${text.slice(0, 400)}`)
  for (const file of walk(dataDir)) {
    assert.ok(!readFileSync(file).includes(secret), `secret in ${path.relative(dataDir, file)}`)
  }
}

/** Folder 0700 and files 0600 under invii/ (POSIX). */
export function assertPrivate(dataDir: string): void {
  if (process.platform === 'win32') return
  const root = path.join(dataDir, 'invii')
  for (const id of runIds(dataDir)) {
    assert.equal(statSync(path.join(root, id)).mode & 0o777, 0o700, id)
    for (const f of readdirSync(path.join(root, id))) assert.equal(statSync(path.join(root, id, f)).mode & 0o777, 0o600, `${id}/${f}`)
  }
}


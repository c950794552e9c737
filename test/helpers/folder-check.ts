/**
 * For tests that interrupt changes (kills at the commit's named points, random kills, a full disk): a seeded data
 * folder, the commands that change it, and what "all or nothing" means for each, checked on the folder after a
 * read (which completes an unfinished commit).
 */
import {strict as assert} from 'node:assert'
import {createHash} from 'node:crypto'
import {
  copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync,
} from 'node:fs'
import path from 'node:path'

import {DataFolder} from '../../src/io/data-folder.js'
import {FIXTURES, runCli} from './cli.js'
import {seedSubscribers} from './seed.js'

/** The citizen the erase command removes: in the registry, a request, the backups, an export and the audit. */
export const ERASED = {name: 'Mario Cancellami', phone: '+393331112222', spellings: ['3331112222', '393331112222', '333 111 2222', '333 1112222']}

export interface Scenario {
  args: (dataDir: string) => string[]
  name: string
}

export const SCENARIOS: Scenario[] = [
  {args: () => ['import', path.join(FIXTURES, 'webhooks', 'interactive-replies.json'), path.join(FIXTURES, 'webhooks', 'batched-post.json')], name: 'import'},
  {args: () => ['review', '--approve-all'], name: 'review --approve-all'},
  {args: () => ['subscribers', 'add', '3339998888', 'Nuova', 'Persona'], name: 'subscribers add'},
  {args: () => ['subscribers', 'remove', '+393200000001'], name: 'subscribers remove'},
  {args: () => ['privacy', 'erase', ERASED.phone, '--yes'], name: 'privacy erase'},
  {args: dataDir => ['export', 'subscribers', '--out', path.join(dataDir, 'esportazioni', 'uscita.csv')], name: 'export'},
]

/** Also a broadcast run's creation (a dry run writes its manifest). */
export const BROADCAST_DRY_RUN: Scenario = {args: () => ['broadcast', '--file', path.join(FIXTURES, 'avviso.txt'), '--dry-run'], name: 'broadcast --dry-run'}

async function ok(args: string[], dataDir: string): Promise<void> {
  const r = await runCli(args, dataDir)
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
}

/** A data folder holding a bit of everything: subscribers, pending requests, backups, an export, audit lines. */
export async function buildTemplate(dataDir: string): Promise<void> {
  await ok(['init'], dataDir)
  seedSubscribers(dataDir, 12)
  await ok(['subscribers', 'add', ERASED.phone, ...ERASED.name.split(' ')], dataDir)
  await ok(['import', path.join(FIXTURES, 'webhooks', 'dump.ndjson'), path.join(FIXTURES, 'webhooks', 'text-request.json')], dataDir)
  await ok(['export', 'subscribers', '--out', path.join(dataDir, 'esportazioni', 'prima.csv')], dataDir)
}

export function copyFolder(template: string, to: string): void {
  mkdirSync(to, {mode: 0o700, recursive: true})
  for (const e of readdirSync(template, {withFileTypes: true})) {
    if (e.isDirectory()) copyFolder(path.join(template, e.name), path.join(to, e.name))
    else if (e.isFile()) copyFileSync(path.join(template, e.name), path.join(to, e.name))
  }
}

/** Every file under the folder, relative (lock folders left out). */
export function files(dir: string, rel = ''): string[] {
  const out: string[] = []
  for (const e of readdirSync(path.join(dir, rel), {withFileTypes: true})) {
    const child = rel === '' ? e.name : `${rel}/${e.name}`
    if (e.isDirectory() && !e.name.startsWith('.lock')) out.push(...files(dir, child))
    else if (e.isFile()) out.push(child)
  }

  return out
}

export const isTemp = (f: string) => f.includes('.cerveno-tmp-')

/**
 * The lock a SIGKILLed process leaves. Taking it over is the lock's business (issue #13 point 4: once older than
 * its stale time, which a loaded machine reaches between the kill and the check, proper-lockfile fails on its owner
 * file); these tests are about the commit, so they clear the dead process's lock themselves.
 */
export function clearDeadLock(dataDir: string): void {
  rmSync(path.join(dataDir, '.lock'), {force: true, recursive: true})
}

/**
 * The folder's logical content after a read (which rolls an unfinished commit forward): registry and requests
 * (timestamps left out), the audit actions in order, and the exports' hashes. Asserts on the way that every file
 * is valid and no commit record is left. Temp files of a change that never committed are not data (the next
 * change removes them: see sweepByNextChange).
 */
export async function snapshot(dataDir: string): Promise<string> {
  const folder = new DataFolder(dataDir)
  const subscribers = (await folder.readSubscribers()).map(s => `${s.phone}|${s.status}|${s.name}`).sort()
  const requests = (await folder.readRequests()).map(r => `${r.id}|${r.status}`).sort()
  assert.ok(!files(dataDir).includes('.transazione.json'), 'a commit record left after a read')
  const audit = readFileSync(path.join(dataDir, 'registro.jsonl'), 'utf8').split('\n').filter(Boolean).map(l => (JSON.parse(l) as {action: string}).action)
  for (const f of files(dataDir)) {
    const full = path.join(dataDir, f)
    if (!/\.(json|jsonl)$/.test(f) || isTemp(f)) continue
    const text = readFileSync(full, 'utf8')
    if (f.endsWith('.jsonl')) for (const line of text.split('\n').filter(Boolean)) JSON.parse(line)
    else JSON.parse(text)
  }

  const runsDir = path.join(dataDir, 'invii')
  const runs = readdirSync(runsDir).filter(id => !id.startsWith('.') && readdirSync(path.join(runsDir, id)).includes('invio.json')).length
  const exportsDir = path.join(dataDir, 'esportazioni')
  const exports = Object.fromEntries(readdirSync(exportsDir).filter(f => !isTemp(f)).sort().map(f => [f, createHash('sha256').update(readFileSync(path.join(exportsDir, f))).digest('hex')]))
  return JSON.stringify({
    audit, exports, requests, runs, subscribers,
  })
}

/** The next change of the folder (here an empty one, in this process) removes a killed change's temp files. */
export async function sweepByNextChange(dataDir: string): Promise<void> {
  await new DataFolder(dataDir).mutate({now: new Date(), operator: 'test'}, async () => {})
  assert.deepEqual(files(dataDir).filter(f => isTemp(f)), [], 'temp files left after the next change')
}

/** Where the erased citizen is still written (phone in any spelling, or the name), by file. */
export function traces(dataDir: string): string[] {
  const out: string[] = []
  for (const f of files(dataDir)) {
    const bytes = readFileSync(path.join(dataDir, f))
    const text = bytes.toString('utf8').toLowerCase()
    if (ERASED.spellings.some(s => text.includes(s)) || text.includes(ERASED.name.toLowerCase())) out.push(f)
  }

  return out
}

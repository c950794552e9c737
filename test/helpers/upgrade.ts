/**
 * The clerk's work on a copy of the data folder made by 0.1.0 (fixtures/data-0.1.0, see fixtures/data-0.1.0.md),
 * run through any `cerveno-info` (the built CLI, the installed npm package, the standalone archive): updating the
 * program keeps the data folder working.
 */
import {strict as assert} from 'node:assert'
import {
  copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync,
} from 'node:fs'
import path from 'node:path'

import {SCHEMA_VERSION} from '../../src/core/config.js'
import {FIXTURES, type RunResult} from './cli.js'

/** Runs one `cerveno-info` command on the data folder under test. */
export type Runner = (args: string[]) => Promise<RunResult>

/** A copy of the 0.1.0 data folder at `dest`. */
export function copyDataFolder010(dest: string): string {
  const copy = (from: string, to: string): void => {
    mkdirSync(to, {recursive: true})
    for (const e of readdirSync(from, {withFileTypes: true})) {
      if (e.isDirectory()) copy(path.join(from, e.name), path.join(to, e.name))
      else copyFileSync(path.join(from, e.name), path.join(to, e.name))
    }
  }

  copy(path.join(FIXTURES, 'data-0.1.0'), dest)
  return dest
}

async function json<T>(run: Runner, args: string[]): Promise<T> {
  const r = await run([...args, '--json'])
  assert.equal(r.code, 0, `cerveno-info ${args.join(' ')} → exit ${r.code}\n${r.stdout}\n${r.stderr}`)
  return JSON.parse(r.stdout) as T
}

interface Request {id: string; name: string; phone: null | string; status: string}

/** requests, subscribers, review, import, export, broadcast --dry-run on a copy of the 0.1.0 folder at dataDir. */
export async function useDataFolder010(run: Runner, dataDir: string): Promise<void> {
  const all = await json<Request[]>(run, ['requests', '--status', 'all'])
  assert.equal(all.length, 6)
  const pending = await json<Request[]>(run, ['requests'])
  assert.deepEqual(pending.map(r => [r.name, r.phone]), [['Maria Bianchi', null]])
  const subscribers = await json<{phone: string; status: string}[]>(run, ['subscribers', '--status', 'all'])
  assert.deepEqual(subscribers.map(s => s.status).sort(), ['active', 'active', 'active', 'ceased'])

  // The same exports again add nothing; a new webhook adds one request, approved with the one without a number discarded.
  const again = await json<{duplicates: number; newRequests: number}>(run, ['import', path.join(FIXTURES, 'demo')])
  assert.equal(again.newRequests, 0)
  const fresh = await json<{newRequests: number}>(run, ['import', path.join(FIXTURES, 'webhooks', 'text-request.json')])
  assert.equal(fresh.newRequests, 1)
  await json(run, ['review', '--discard', pending[0].id, '--operator', 'Aggiornamento'])
  const approved = await json<{approved: number}>(run, ['review', '--approve-all', '--operator', 'Aggiornamento'])
  assert.equal(approved.approved, 1)
  assert.deepEqual(await json(run, ['requests']), [])

  const exported = await json<{files: string[]; rows: number}>(run, ['export', 'subscribers', '--format', 'csv'])
  assert.equal(exported.rows, 5, 'the 4 subscribers of 0.1.0 (one ceased) and the new one')
  assert.ok(exported.files.every(f => existsSync(f)), exported.files.join(', '))

  const dry = await json<{dryRun: boolean; recipients: number}>(run, ['broadcast', '--file', path.join(FIXTURES, 'avviso.txt'), '--dry-run'])
  assert.deepEqual([dry.dryRun, dry.recipients], [true, 4])
  const runs = await json<unknown[]>(run, ['broadcast', 'list'])
  assert.equal(runs.length, 2, 'the 0.1.0 dry run and the new one')

  const config = JSON.parse(readFileSync(path.join(dataDir, 'config.json'), 'utf8')) as {schemaVersion: number}
  assert.equal(config.schemaVersion, SCHEMA_VERSION)
}

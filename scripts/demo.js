#!/usr/bin/env node
// The quick-start demo: runs the tool's main job on the bundled fixtures in a temporary data folder,
// printing each `cerveno-info …` command before running it. Sending is always a dry run.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = path.join(root, 'bin', 'run.js')
const work = mkdtempSync(path.join(tmpdir(), 'cerveno-info-demo-'))
const dataDir = path.join(work, 'dati')
const fixture = (...p) => path.relative(process.cwd(), path.join(root, 'fixtures', ...p))

const env = {...process.env, CERVENO_INFO_DIR: dataDir}
for (const k of Object.keys(env)) if (k.startsWith('WHATSAPP_')) delete env[k]

/** Each step: a comment for the reader and the arguments of one command. */
const steps = [
  ['Preparo una cartella dati di prova', ['init']],
  ['Un cittadino iscritto tempo fa allo sportello (numero scritto senza prefisso)', ['subscribers', 'add', '347 765 4321', 'Giorgio', 'Salvetti', '--operator', 'Sportello']],
  ['Importo le chat esportate dal telefono del Comune e i webhook della settimana', ['import', fixture('demo'), '--show-ignored']],
  ['La coda delle richieste da verificare', ['requests']],
  ['Approvo le richieste (qui senza domande; di solito: cerveno-info review)', ['review', '--approve-all', '--operator', 'Demo']],
  ['Il registro degli iscritti', ['subscribers', '--status', 'all']],
  ['Prova di invio dell\'avviso a tutti gli iscritti attivi (simulazione: nessun messaggio parte)', ['broadcast', '--file', fixture('avviso.txt'), '--dry-run']],
  ['Gli invii registrati', ['broadcast', 'list']],
  ['Esportazione del registro per Excel (in esportazioni/ nella cartella dati)', ['export', 'subscribers']],
  ['Statistiche', ['stats']],
]

console.log(`Cartella dati temporanea: ${dataDir}\n`)
let failed = 0
for (const [comment, args] of steps) {
  const shown = args.map(a => (/[\s'"]/.test(a) ? JSON.stringify(a) : a)).join(' ')
  console.log(`# ${comment}\n$ cerveno-info ${shown}`)
  const r = spawnSync(process.execPath, [bin, ...args], {env, stdio: 'inherit'})
  if (r.status !== 0) {
    failed++
    console.log(`(uscita ${r.status})`)
  }

  console.log('')
}

rmSync(work, {force: true, recursive: true})
if (failed > 0) {
  console.error(`${failed} comandi della demo non sono riusciti.`)
  process.exit(1)
}

console.log('Demo completata: nessun messaggio è stato inviato, la cartella temporanea è stata rimossa.')

/**
 * Issue #13 point 5: an erasure is one transaction, and running it again finds and removes whatever holds the
 * number afterwards (a backup restored by hand, an old export copied back, a journal line), in every spelling.
 */
import {strict as assert} from 'node:assert'
import {
  appendFileSync, copyFileSync, readFileSync, writeFileSync,
} from 'node:fs'
import path from 'node:path'

import {runCli, runJson, tempDir} from '../helpers/cli.js'
import {
  buildTemplate, ERASED, files, traces,
} from '../helpers/folder-check.js'
import {inboundEnvelope} from '../helpers/webhooks.js'

describe('privacy erase finds residue on a second run (CLI)', function () {
  this.timeout(300_000)

  it('residue put back after an erasure (backup, export, audit line, spellings) is gone after the second run', async () => {
    const {cleanup, dir} = tempDir()
    after(cleanup)
    const dataDir = path.join(dir, 'dati')
    await buildTemplate(dataDir)
    // A copy of the registry holding the citizen, taken before the erasure, as a clerk might keep one.
    const keep = path.join(dir, 'copia-iscritti.csv')
    copyFileSync(path.join(dataDir, 'iscritti.csv'), keep)
    assert.equal((await runCli(['privacy', 'erase', ERASED.phone, '--yes'], dataDir)).code, 0)
    assert.deepEqual(traces(dataDir), [])

    copyFileSync(keep, path.join(dataDir, 'backup', 'iscritti.2020-01-01T00-00-00-000Z.csv'))
    writeFileSync(path.join(dataDir, 'esportazioni', 'vecchia.csv'), `telefono;nome\r\n333 111 2222;${ERASED.name}\r\n+393200000002;Cittadino 2\r\n`)
    appendFileSync(path.join(dataDir, 'registro.jsonl'), JSON.stringify({
      action: 'nota', operator: 'x', subject: '393331112222', ts: '2026-01-01T00:00:00+01:00',
    }) + '\n')
    assert.deepEqual(traces(dataDir).sort(), ['backup/iscritti.2020-01-01T00-00-00-000Z.csv', 'esportazioni/vecchia.csv', 'registro.jsonl'])

    const again = await runJson<{erasureId: null | string; residues: unknown[]}>(['privacy', 'erase', ERASED.phone, '--yes'], dataDir)
    assert.equal(again.code, 0, JSON.stringify(again.json))
    assert.notEqual(again.json.erasureId, null)
    assert.deepEqual(again.json.residues, [])
    assert.deepEqual(traces(dataDir), [])
    // What was not theirs stays.
    assert.ok(files(dataDir).includes('esportazioni/vecchia.csv'))
    const third = await runJson<{erasureId: null | string}>(['privacy', 'erase', ERASED.phone, '--yes'], dataDir)
    assert.equal(third.json.erasureId, null)
  })

  it('a copy holding only the name, put back once the tables no longer say it, is found by the number\'s tombstone', async () => {
    const {cleanup, dir} = tempDir()
    after(cleanup)
    const dataDir = path.join(dir, 'dati')
    await buildTemplate(dataDir)
    assert.equal((await runCli(['privacy', 'erase', ERASED.phone, '--yes'], dataDir)).code, 0)
    assert.deepEqual(traces(dataDir), [])
    // The tombstone keeps the name as a salted hash, never as text.
    const tombstones = readFileSync(path.join(dataDir, 'cancellazioni.json'), 'utf8')
    assert.doesNotMatch(tombstones.toLowerCase(), /mario|cancellami/)
    assert.equal(JSON.parse(tombstones).version, 2)

    // Name only, spelled with other case and punctuation: a list the clerk kept, and a line pasted in the audit log.
    writeFileSync(path.join(dataDir, 'esportazioni', 'telefonate.csv'), 'cognome;nome;esito\r\nCANCELLAMI;Mario;richiamare\r\nBianchi;Luca;ok\r\n')
    appendFileSync(path.join(dataDir, 'registro.jsonl'), JSON.stringify({
      action: 'nota', operator: 'x', subject: 'telefonata', text: 'Richiamato mario  cancellami.', ts: '2026-01-01T00:00:00+01:00',
    }) + '\n')
    // A namesake with a number of their own is someone else: kept.
    writeFileSync(path.join(dataDir, 'esportazioni', 'omonimo.csv'), 'telefono;nome\r\n+393409998877;Mario Cancellami\r\n')

    const preview = await runJson<{files: {file: string}[]}>(['privacy', 'erase', ERASED.phone, '--yes', '--json'], dataDir)
    assert.equal(preview.code, 0, JSON.stringify(preview.json))
    assert.deepEqual(preview.json.files.map(f => f.file).sort(), ['esportazioni/telefonate.csv', 'registro.jsonl'])
    assert.equal(readFileSync(path.join(dataDir, 'esportazioni', 'telefonate.csv'), 'utf8'), 'cognome;nome;esito\r\nBianchi;Luca;ok\r\n')
    assert.doesNotMatch(readFileSync(path.join(dataDir, 'registro.jsonl'), 'utf8'), /ancellami/i)
    assert.match(readFileSync(path.join(dataDir, 'esportazioni', 'omonimo.csv'), 'utf8'), /Mario Cancellami/)
  })

  it('touches only the erased citizen: an id inside a longer one is someone else\'s; the number is found however written, and a list without header loses its first row', async () => {
    const {cleanup, dir} = tempDir()
    after(cleanup)
    const dataDir = path.join(dir, 'dati')
    assert.equal((await runCli(['init'], dataDir)).code, 0)
    const dump = path.join(dir, 'r.ndjson')
    const ts = 1_764_410_400
    writeFileSync(dump, [
      inboundEnvelope([{
        body: 'Servizio Info ON Mario Rossi', from: '393331110005', id: 'wamid.h5', name: 'Mario', ts, userId: 'IT.5',
      }]),
      inboundEnvelope([{
        body: 'Servizio Info ON Anna Bianchi', from: '393332220050', id: 'wamid.h50', name: 'Anna', ts, userId: 'IT.50',
      }]),
    ].map(x => JSON.stringify(x)).join('\n') + '\n')
    assert.equal((await runCli(['import', dump], dataDir)).code, 0)
    assert.equal((await runCli(['review', '--approve-all', '--operator', 't'], dataDir)).code, 0)
    const anna = (text: string) => text.split('\n').filter(l => l.includes('Anna Bianchi')).length
    const audit = () => readFileSync(path.join(dataDir, 'registro.jsonl'), 'utf8')
    const annaBefore = anna(audit())
    assert.ok(annaBefore >= 2)
    const spellings = ['0039 333 1110005', '+39 333-1110005', '333.111.0005', '333/1110005', '+39 (333) 1110005']
    for (const [i, spelling] of spellings.entries()) writeFileSync(path.join(dataDir, 'esportazioni', `vecchia-${i}.csv`), `${spelling}\r\n`)
    writeFileSync(path.join(dataDir, 'esportazioni', 'elenco.csv'), 'ROSSI;Mario\r\nBianchi;Anna\r\n')

    const r = await runJson<{residues: unknown[]}>(['privacy', 'erase', '+393331110005', '--yes'], dataDir)
    assert.equal(r.code, 0, JSON.stringify(r.json))
    assert.deepEqual(r.json.residues, [])
    assert.equal(anna(audit()), annaBefore, 'Anna Bianchi\'s audit lines are untouched')
    assert.deepEqual((await runJson<{name: string}[]>(['subscribers'], dataDir)).json.map(x => x.name), ['Anna Bianchi'])
    for (const i of spellings.keys()) assert.equal(readFileSync(path.join(dataDir, 'esportazioni', `vecchia-${i}.csv`), 'utf8'), '', spellings[i])
    assert.equal(readFileSync(path.join(dataDir, 'esportazioni', 'elenco.csv'), 'utf8'), 'Bianchi;Anna\r\n')
    assert.doesNotMatch(audit(), /Mario Rossi|3331110005/)
    const again = await runJson<{erasureId: null | string}>(['privacy', 'erase', '+393331110005', '--yes'], dataDir)
    assert.equal(again.json.erasureId, null, 'nothing left to find')
  })
})

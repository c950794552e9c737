/**
 * Issue #13 point 5: an erasure is one transaction, and running it again finds and removes whatever holds the
 * number afterwards (a backup restored by hand, an old export copied back, a journal line), in every spelling.
 */
import {strict as assert} from 'node:assert'
import {appendFileSync, copyFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {runCli, runJson, tempDir} from '../helpers/cli.js'
import {
  buildTemplate, ERASED, files, traces,
} from '../helpers/folder-check.js'

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
})

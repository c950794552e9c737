/**
 * An export written outside the data folder (`--out` elsewhere) goes through the same commit, and a process killed
 * at any point of it leaves, once the next command has opened the folder, the export whole or absent, and no temp
 * file beside it: a half-written copy of the registry outside the folder is where neither recovery nor an erasure
 * would ever look.
 */
import {strict as assert} from 'node:assert'
import {mkdirSync, readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {
  runCli, spawnCli, tempDir,
} from '../helpers/cli.js'
import {clearDeadLock, copyFolder} from '../helpers/folder-check.js'
import {seedSubscribers} from '../helpers/seed.js'

async function killedAt(point: string, args: string[], dataDir: string): Promise<NodeJS.Signals | null> {
  const child = spawnCli(args, dataDir, {env: {CERVENO_CRASH_AT: point}})
  child.stdin?.end()
  return new Promise(resolve => {
    child.on('exit', (_code, signal) => resolve(signal))
  })
}

describe('export outside the data folder, killed inside its commit (CLI, SIGKILL)', function () {
  this.timeout(300_000)
  let root: string
  let template: string
  let cleanup: () => void
  let whole: string

  before(async () => {
    ({cleanup, dir: root} = tempDir())
    template = path.join(root, 'modello')
    assert.equal((await runCli(['init'], template)).code, 0)
    seedSubscribers(template, 40)
    const dataDir = path.join(root, 'pulita')
    copyFolder(template, dataDir)
    const out = path.join(root, 'fuori-pulita', 'iscritti.csv')
    mkdirSync(path.dirname(out))
    const r = await runCli(['export', 'subscribers', '--out', out], dataDir)
    assert.equal(r.code, 0, r.stderr)
    whole = readFileSync(out, 'utf8')
    assert.equal(whole.trim().split('\n').length, 41)
  })

  after(() => cleanup?.())

  // temp:1 is the announcement in the data folder, temp:2 the export's own temp file beside its target.
  for (const point of ['temp:1', 'temp:2', 'record', 'audit', 'rename', 'done']) {
    it(`killed at ${point}: after the next command the export is whole or absent, with no temp file beside it`, async () => {
      const dataDir = path.join(root, `dati-${point.replace(':', '-')}`)
      copyFolder(template, dataDir)
      const outDir = path.join(root, `fuori-${point.replace(':', '-')}`)
      mkdirSync(outDir)
      const out = path.join(outDir, 'iscritti.csv')
      assert.equal(await killedAt(point, ['export', 'subscribers', '--out', out], dataDir), 'SIGKILL', `no kill at ${point}`)
      clearDeadLock(dataDir)
      const read = await runCli(['subscribers'], dataDir)
      assert.equal(read.code, 0, read.stderr)
      const left = readdirSync(outDir)
      assert.deepEqual(left.filter(f => f !== 'iscritti.csv'), [], `left beside the export: ${left.join(', ')}`)
      if (left.includes('iscritti.csv')) assert.equal(readFileSync(out, 'utf8'), whole)
      // Committed (record written) means the export is there; before the record, it is not.
      assert.equal(left.includes('iscritti.csv'), !point.startsWith('temp'), `export present after a kill at ${point}`)
      // Nothing left to finish (temp files inside the folder go with the next change, as always).
      assert.deepEqual(readdirSync(dataDir).filter(f => f === '.temp-esterni.json' || f === '.transazione.json'), [])
    })
  }
})

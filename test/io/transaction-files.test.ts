import {strict as assert} from 'node:assert'
import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'

import {DataFolder} from '../../src/io/data-folder.js'
import {tempDir} from '../helpers/cli.js'

const ctx = {now: new Date('2026-03-02T10:00:00Z'), operator: 'test'}

describe('transaction: free files and keyed state', () => {
  it('writes a file and a state value only when the change commits, and not at all when it throws', async () => {
    const {cleanup, dir} = tempDir()
    after(cleanup)
    const folder = new DataFolder(dir)
    await folder.init(ctx.now, 'test')

    await assert.rejects(folder.mutate(ctx, async tx => {
      tx.writeFile('cache/x.json', '{"a":1}\n')
      tx.setStateValue('inbox', {day: 1})
      throw new Error('stop')
    }))
    await assert.rejects(readFile(path.join(dir, 'cache/x.json')), {code: 'ENOENT'})
    assert.equal(await folder.stateValue('inbox'), undefined)

    await folder.mutate(ctx, async tx => {
      tx.writeFile('cache/x.json', '{"a":2}\n')
      tx.setStateValue('inbox', {day: 2})
    })
    assert.equal(await readFile(path.join(dir, 'cache/x.json'), 'utf8'), '{"a":2}\n')
    assert.deepEqual(await folder.stateValue('inbox'), {day: 2})
    assert.deepEqual(await readdir(path.join(dir, 'cache')), ['x.json'])

    // A later change keeps the value unless it sets it.
    await folder.mutate(ctx, async tx => {
      assert.deepEqual(tx.stateValue('inbox'), {day: 2})
    })
    assert.deepEqual(await folder.stateValue('inbox'), {day: 2})
  })

  it('refuses paths outside the folder and the tables', async () => {
    const {cleanup, dir} = tempDir()
    after(cleanup)
    const folder = new DataFolder(dir)
    await folder.init(ctx.now, 'test')
    for (const bad of ['../x', '/tmp/x', 'iscritti.csv', 'a/../../x']) {
      await assert.rejects(folder.mutate(ctx, async tx => tx.writeFile(bad, 'x')), /not a free file/)
    }
  })
})

/**
 * Updating the program keeps the data folder (issue 12): the built CLI works on a folder made by 0.1.0.
 * The release tests (test/release/) run the same on the installed npm package and the standalone archive.
 */
import path from 'node:path'

import {runCli, tempDir} from '../helpers/cli.js'
import {copyDataFolder010, useDataFolder010} from '../helpers/upgrade.js'

describe('a data folder made by 0.1.0', function () {
  this.timeout(180_000)
  let tmp: ReturnType<typeof tempDir>

  before(() => {
    tmp = tempDir('cerveno-upgrade-')
  })

  after(() => tmp.cleanup())

  it('keeps working: requests, subscribers, import, review, export, broadcast --dry-run', async () => {
    const dataDir = copyDataFolder010(path.join(tmp.dir, 'dati'))
    await useDataFolder010(args => runCli(args, dataDir), dataDir)
  })
})

import {strict as assert} from 'node:assert'
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {ROOT, runCli} from '../helpers/cli.js'

// The manifest is written by `npm run build` from the built commands: every command is checked.
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, {examples?: string[]}>}
const ids = Object.keys(manifest.commands).map(id => id.replaceAll(':', ' ')).sort()

describe('help texts (CLI)', () => {
  it('lists every command in Italian on the root page', async () => {
    const r = await runCli(['--help'])
    assert.equal(r.code, 0)
    for (const h of ['VERSIONE', 'USO', 'COMANDI']) assert.match(r.stdout, new RegExp(`^${h}$`, 'm'))
    for (const id of ids.filter(i => !i.includes(' '))) assert.match(r.stdout, new RegExp(`^  ${id}\\s`, 'm'), id)
    assert.doesNotMatch(r.stdout, /^(USAGE|COMMANDS|TOPICS|VERSION)$/m)
  })

  for (const id of ids) {
    it(`${id} --help is complete Italian with examples`, async () => {
      assert.ok((manifest.commands[id.replaceAll(' ', ':')].examples ?? []).length > 0, 'has examples')
      // `help --help` is oclif's root page, as for every oclif CLI; the help command's own page is `help help`.
      const r = await runCli(id === 'help' ? ['help', 'help'] : [...id.split(' '), '--help'])
      assert.equal(r.code, 0, r.stderr)
      for (const h of ['USO', 'DESCRIZIONE', 'ESEMPI', 'OPZIONI GENERALI']) assert.match(r.stdout, new RegExp(`^${h}$`, 'm'), h)
      assert.match(r.stdout, new RegExp(`\\$ cerveno-info ${id}`))
      assert.doesNotMatch(r.stdout, /^(USAGE|FLAGS|GLOBAL FLAGS|DESCRIPTION|EXAMPLES|ARGUMENTS)$/m)
      assert.doesNotMatch(r.stdout, /Format output as json/)
    })
  }
})

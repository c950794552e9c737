import {strict as assert} from 'node:assert'
import {appendFileSync, readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {type Subscriber} from '../../src/core/registry/types.js'
import {BACKUPS_KEPT, DataFolder} from '../../src/io/data-folder.js'
import {tempDir} from '../helpers/cli.js'

const at = (minute: number) => ({now: new Date(Date.UTC(2026, 2, 2, 10, minute)), operator: 'test'})

function person(i: number): Subscriber {
  return {
    approvedBy: 'Ufficio', consent: 'in-person', name: `Persona ${i}`, phone: `+3933312345${String(i).padStart(2, '0')}`,
    privacyNotice: '2021-12-21', status: 'active', subscribedAt: '2026-03-02T11:00:00+01:00', updatedAt: '2026-03-02T11:00:00+01:00',
  }
}

async function initialised(): Promise<{cleanup: () => void; dir: string; folder: DataFolder}> {
  const {cleanup, dir} = tempDir()
  const folder = new DataFolder(dir)
  await folder.init(at(0).now, 'test')
  return {cleanup, dir, folder}
}

const audit = (dir: string) => readFileSync(path.join(dir, 'registro.jsonl'), 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l) as {action: string})

describe('transaction (src/io/transaction.ts)', () => {
  it('a table edited by hand while the change runs: FILE_CHANGED, the hand edit kept, the change not applied', async () => {
    const {cleanup, dir, folder} = await initialised()
    after(cleanup)
    await folder.mutate(at(1), async tx => tx.appendSubscriber(person(1)))
    const file = path.join(dir, 'iscritti.csv')
    await assert.rejects(folder.mutate(at(2), async tx => {
      await tx.findSubscriber(person(2).phone)
      tx.appendSubscriber(person(2))
      tx.audit({action: 'subscriber.add', subject: person(2).phone})
      appendFileSync(file, '+393330000099;Scritto A Mano;attivo;2026-03-02T11:00:00+01:00;Ufficio;;;;di_persona;2021-12-21;2026-03-02T11:00:00+01:00\r\n')
    }), {code: 'FILE_CHANGED'})
    const rows = (await folder.readSubscribers()).map(s => s.name)
    assert.deepEqual(rows, ['Persona 1', 'Scritto A Mano'])
    assert.equal(audit(dir).filter(a => a.action === 'subscriber.add').length, 0)
    assert.deepEqual(readdirSync(dir).filter(f => f.includes('cerveno-tmp') || f === '.transazione.json'), [])
  })

  it('keeps BACKUPS_KEPT backups per table, the oldest deleted by the commit', async () => {
    const {cleanup, dir, folder} = await initialised()
    after(cleanup)
    for (let i = 1; i <= BACKUPS_KEPT + 3; i++) await folder.mutate(at(i), async tx => tx.appendSubscriber(person(i)))
    const backups = readdirSync(path.join(dir, 'backup')).filter(f => f.startsWith('iscritti.')).sort()
    assert.equal(backups.length, BACKUPS_KEPT)
    // The newest backup is the registry before the last add.
    const last = readFileSync(path.join(dir, 'backup', backups.at(-1)!), 'utf8')
    assert.ok(last.includes(person(BACKUPS_KEPT + 2).phone) && !last.includes(person(BACKUPS_KEPT + 3).phone))
  })

  it('a rewritten registro.jsonl gets the change\'s audit lines after its new content; removeFile deletes', async () => {
    const {cleanup, dir, folder} = await initialised()
    after(cleanup)
    await folder.mutate(at(1), async tx => tx.writeFile('esportazioni/x.csv', 'a;b\r\n'))
    await folder.mutate(at(2), async tx => {
      tx.writeFile('registro.jsonl', '{"action":"kept","subject":"x"}\n')
      tx.removeFile('esportazioni/x.csv')
      tx.audit({action: 'privacy.erase', subject: 'id'})
    })
    assert.deepEqual(audit(dir).map(a => a.action), ['kept', 'privacy.erase'])
    assert.deepEqual(readdirSync(path.join(dir, 'esportazioni')), [])
    await assert.rejects(folder.mutate(at(3), async tx => tx.removeFile('registro.jsonl')), /not a free file/)
  })
})

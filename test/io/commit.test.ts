import {strict as assert} from 'node:assert'
import {
  existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync,
} from 'node:fs'
import path from 'node:path'

import {
  commit, type CommitPlan, RECORD_FILE, recover, writeCommitRecord,
} from '../../src/io/commit.js'
import {
  isTempName, tempPath, writeAll, writeTempBytes,
} from '../../src/io/durable.js'
import {tempDir} from '../helpers/cli.js'

function folder(): {cleanup: () => void; dir: string} {
  const {cleanup, dir} = tempDir()
  writeFileSync(path.join(dir, 'a.txt'), 'old a')
  writeFileSync(path.join(dir, 'registro.jsonl'), '{"n":1}\n')
  mkdirSync(path.join(dir, 'sub'))
  writeFileSync(path.join(dir, 'sub', 'gone.txt'), 'bye')
  return {cleanup, dir}
}

async function stage(dir: string): Promise<CommitPlan> {
  return {
    audit: {text: '{"n":2}\n'},
    files: [await writeTempBytes(path.join(dir, 'a.txt'), 'new a'), await writeTempBytes(path.join(dir, 'sub', 'b.txt'), 'new b')],
    remove: [path.join(dir, 'sub', 'gone.txt')],
  }
}

const temps = (dir: string): string[] => readdirSync(dir, {recursive: true}).map(String).filter(f => isTempName(f))

function assertCommitted(dir: string): void {
  assert.equal(readFileSync(path.join(dir, 'a.txt'), 'utf8'), 'new a')
  assert.equal(readFileSync(path.join(dir, 'sub', 'b.txt'), 'utf8'), 'new b')
  assert.equal(existsSync(path.join(dir, 'sub', 'gone.txt')), false)
  assert.equal(readFileSync(path.join(dir, 'registro.jsonl'), 'utf8'), '{"n":1}\n{"n":2}\n')
  assert.equal(existsSync(path.join(dir, RECORD_FILE)), false)
  assert.deepEqual(temps(dir), [])
}

function assertUntouched(dir: string): void {
  assert.equal(readFileSync(path.join(dir, 'a.txt'), 'utf8'), 'old a')
  assert.equal(existsSync(path.join(dir, 'sub', 'b.txt')), false)
  assert.equal(readFileSync(path.join(dir, 'sub', 'gone.txt'), 'utf8'), 'bye')
  assert.equal(readFileSync(path.join(dir, 'registro.jsonl'), 'utf8'), '{"n":1}\n')
  assert.deepEqual(temps(dir), [])
}

describe('commit protocol (src/io/commit.ts)', () => {
  it('renames every staged file, deletes, appends the audit lines and removes its record', async () => {
    const {cleanup, dir} = folder()
    try {
      await commit(dir, await stage(dir))
      assertCommitted(dir)
    } finally {
      cleanup()
    }
  })

  it('rolls a written record forward in the next recover(), once, whatever was already done', async () => {
    const {cleanup, dir} = folder()
    try {
      // Killed right after the record: nothing applied yet.
      await writeCommitRecord(dir, await stage(dir))
      assert.equal(readFileSync(path.join(dir, 'a.txt'), 'utf8'), 'old a')
      assert.equal(await recover(dir), true)
      assertCommitted(dir)
      // Killed after the audit and one rename: the audit is not appended twice, the rest is renamed.
      const again = folder()
      try {
        const plan = await stage(again.dir)
        const record = await writeCommitRecord(again.dir, plan)
        const {rename} = await import('node:fs/promises')
        writeFileSync(path.join(again.dir, 'registro.jsonl'), '{"n":1}\n{"n":2}\n')
        await rename(plan.files[0].temp, plan.files[0].target)
        assert.ok(record.files.length === 2)
        assert.equal(await recover(again.dir), true)
        assertCommitted(again.dir)
      } finally {
        again.cleanup()
      }
    } finally {
      cleanup()
    }
  })

  it('without a record, recover() removes the temp files of every subfolder and changes nothing', async () => {
    const {cleanup, dir} = folder()
    try {
      await stage(dir)
      writeFileSync(tempPath(path.join(dir, RECORD_FILE)), '{"files":')
      assert.ok(temps(dir).length === 3)
      assert.equal(await recover(dir), false)
      assertUntouched(dir)
    } finally {
      cleanup()
    }
  })

  it('does not rename a temp file whose bytes are not the ones committed', async () => {
    const {cleanup, dir} = folder()
    try {
      const plan = await stage(dir)
      await writeCommitRecord(dir, plan)
      writeFileSync(plan.files[0].temp, 'damaged')
      await recover(dir)
      assert.equal(readFileSync(path.join(dir, 'a.txt'), 'utf8'), 'old a')
      assert.equal(readFileSync(path.join(dir, 'sub', 'b.txt'), 'utf8'), 'new b')
      assert.deepEqual(temps(dir), [])
    } finally {
      cleanup()
    }
  })

  it('appends a staged audit segment (big audits) the same way', async () => {
    const {cleanup, dir} = folder()
    try {
      const lines = Array.from({length: 5000}, (_, i) => `{"i":${i}}\n`).join('')
      const segment = await writeTempBytes(path.join(dir, 'registro.jsonl'), lines)
      await writeCommitRecord(dir, {audit: {segment}, files: [], remove: []})
      await recover(dir)
      await recover(dir)
      assert.equal(readFileSync(path.join(dir, 'registro.jsonl'), 'utf8'), '{"n":1}\n' + lines)
      assert.deepEqual(temps(dir), [])
    } finally {
      cleanup()
    }
  })

  it('writeAll writes every byte, at a position too', async () => {
    const {cleanup, dir} = tempDir()
    try {
      const {open} = await import('node:fs/promises')
      const fd = await open(path.join(dir, 'f'), 'w')
      const big = Buffer.alloc(3 * 1024 * 1024, 0x61)
      await writeAll(fd, big)
      await writeAll(fd, Buffer.from('zz'), 1)
      await fd.close()
      const back = readFileSync(path.join(dir, 'f'))
      assert.equal(back.length, big.length)
      assert.equal(back.subarray(0, 4).toString(), 'azza')
    } finally {
      cleanup()
    }
  })
})

import fc from 'fast-check'
import {strict as assert} from 'node:assert'
import {readdir} from 'node:fs/promises'

import {JsonSpill} from '../../src/io/spill.js'
import {tempDir} from '../helpers/cli.js'

describe('JsonSpill: values waiting on disk', () => {
  let dir: string
  let cleanup: () => void

  beforeEach(() => {
    ({cleanup, dir} = tempDir('spill-'))
  })

  afterEach(() => cleanup())

  it('gives back what was added, in order, on every read, from any mark (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), {maxLength: 30}), fc.nat(30), (values, at) => {
        const spill = new JsonSpill<unknown>(dir)
        try {
          const cut = Math.min(at, values.length)
          for (const v of values.slice(0, cut)) spill.add(v)
          const mark = spill.mark()
          for (const v of values.slice(cut)) spill.add(v)
          const json = (vs: unknown[]) => vs.map(v => JSON.stringify(v))
          assert.deepEqual(json([...spill.read()]), json(values))
          assert.deepEqual(json([...spill.read()]), json(values), 'a second read')
          assert.deepEqual(json([...spill.read(mark)]), json(values.slice(cut)))
          assert.equal(spill.size, values.length)
        } finally {
          spill.close()
        }
      }),
      {numRuns: 200},
    )
  })

  it('reads lines cut by its 1 MiB chunks, multi-byte text included, and truncates to a mark', () => {
    const spill = new JsonSpill<{n: number; text: string}>(dir)
    try {
      // About 10 MiB: values of odd sizes, so lines and UTF-8 sequences straddle the chunk edges.
      const values = Array.from({length: 700}, (_, n) => ({n, text: 'àè€😀'.repeat(300 + (n % 97) * 7)}))
      // Values bigger than a chunk are written on their own.
      values[123].text = 'é'.repeat(1_500_000)
      values[555].text = '€'.repeat(400_000)
      for (const v of values.slice(0, 400)) spill.add(v)
      const mark = spill.mark()
      for (const v of values.slice(400)) spill.add(v)
      assert.deepEqual([...spill.read()], values)
      spill.truncate(mark)
      assert.equal(spill.size, 400)
      spill.add({n: -1, text: 'dopo'})
      assert.deepEqual([...spill.read()], [...values.slice(0, 400), {n: -1, text: 'dopo'}])
      assert.deepEqual([...spill.read(mark)], [{n: -1, text: 'dopo'}])
    } finally {
      spill.close()
    }
  })

  it('leaves no file behind: the name is gone while it is open, and close is idempotent', async () => {
    const spill = new JsonSpill<string>(dir)
    spill.add('+393331234567 Paolo Rossi')
    assert.deepEqual(await readdir(dir), [], 'unlinked as soon as it is open')
    assert.deepEqual([...spill.read()], ['+393331234567 Paolo Rossi'])
    spill.close()
    spill.close()
    assert.deepEqual(await readdir(dir), [])
  })
})

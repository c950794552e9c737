import {strict as assert} from 'node:assert'

import {CervenoError} from '../../src/core/errors.js'

describe('smoke', () => {
  it('loads TS sources', () => {
    assert.equal(new CervenoError('USAGE', {detail: 'x'}).exitCode, 2)
  })
})

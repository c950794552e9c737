import {strict as assert} from 'node:assert'

import {
  cost, formatCost, formatEuro, formatPrice, monthCost, sumCosts,
} from '../../../src/core/broadcast/cost.js'
import {splitTitle, TITLE_MAX} from '../../../src/core/broadcast/title.js'

describe('notice title (first line) and cost', () => {
  it('the first non-empty line is the title, the rest the body', () => {
    assert.deepEqual(splitTitle('Sospensione acqua\n\nMartedì 18 marzo\nVia Roma'), {body: 'Martedì 18 marzo\nVia Roma', title: 'Sospensione acqua', titleLine: 1})
    assert.deepEqual(splitTitle('\n\n  Strada   chiusa  \nTesto', 1), {body: 'Testo', title: 'Strada chiusa', titleLine: 3})
    assert.deepEqual(splitTitle('Titolo\nTesto', 4), {body: 'Testo', title: 'Titolo', titleLine: 4})
  })

  it('refuses a title Meta would not take: over 60 characters, formatting, alone', () => {
    assert.equal(TITLE_MAX, 60)
    assert.equal((splitTitle(`${'x'.repeat(60)}\nTesto`) as {title: string}).title.length, 60)
    assert.deepEqual(splitTitle(`${'x'.repeat(61)}\nTesto`, 2), {
      code: 'titleTooLong', length: 61, line: 2, max: 60, title: 'x'.repeat(61),
    })
    assert.deepEqual(splitTitle('*Avviso* urgente\nTesto'), {
      char: '*', code: 'titleFormatting', line: 1, title: '*Avviso* urgente',
    })
    assert.equal((splitTitle('Avviso\tacqua\nTesto') as {code: string}).code, 'titleFormatting')
    assert.deepEqual(splitTitle('Solo titolo\n  \n'), {code: 'titleWithoutBody', line: 1})
    assert.deepEqual(splitTitle('  \n'), {code: 'titleMissing'})
  })

  it('computes in millionths of a euro and writes euro the Italian way', () => {
    assert.deepEqual(cost(600, 0.0354), {messages: 600, price: 0.0354, total: 21.24})
    assert.deepEqual(cost(3, 0.0354), {messages: 3, price: 0.0354, total: 0.11})
    assert.equal(cost(0, 0.05).total, 0)
    assert.equal(cost(2_800_000, 0.0354).total, 99_120)
    assert.equal(formatPrice(0.02), '€ 0,02')
    assert.equal(formatPrice(0.0354), '€ 0,0354')
    assert.equal(formatEuro(99_120), '€ 99.120,00')
    assert.equal(formatCost(cost(600, 0.0354)), '600 × € 0,0354 = € 21,24')
    assert.deepEqual(sumCosts([cost(600, 0.0354), cost(10, 0.03)]), {messages: 610, total: 21.54})
  })

  it('the month total counts the delivered messages of the runs started in that month', () => {
    const runs = [
      {actual: cost(100, 0.03), startedAt: '2026-11-30T23:59:00+01:00'},
      {actual: cost(200, 0.03), startedAt: '2026-12-01T00:01:00+01:00'},
      {actual: null, startedAt: '2026-12-05T10:00:00+01:00'},
      {actual: cost(50, 0.04), startedAt: '2026-12-06T10:00:00+01:00'},
    ]
    assert.deepEqual(monthCost(runs, '2026-12'), {
      messages: 250, month: '2026-12', runsWithoutStatuses: 1, total: 8,
    })
    assert.deepEqual(monthCost(runs, '2026-10'), {
      messages: 0, month: '2026-10', runsWithoutStatuses: 0, total: 0,
    })
  })
})

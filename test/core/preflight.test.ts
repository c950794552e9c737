import {strict as assert} from 'node:assert'

import {parseTemplateDefinition} from '../../src/core/broadcast/template.js'
import {
  doctorExitCode, type Finding, numberFindings, templateFinding, tierLimit,
} from '../../src/core/preflight.js'

const healthy = {
  display_phone_number: '+39 0364 000000', quality_rating: 'GREEN', status: 'CONNECTED', whatsapp_business_manager_messaging_limit: 'TIER_2K',
}
const summary = (f: Finding[]) => f.map(x => `${x.id}:${x.status}:${x.code}`)
const template = (extra: Record<string, unknown> = {}) => parseTemplateDefinition({
  category: 'UTILITY', components: [{text: 'Avviso: {{1}}', type: 'BODY'}], language: 'it', name: 'avviso', status: 'APPROVED', ...extra,
})!
const input = (definition: null | ReturnType<typeof template>) => ({
  definition, fetchedAt: '2026-03-01T10:00:00.000Z', language: 'it', languages: ['en_US'], name: 'avviso', source: 'api' as const,
})

describe('pre-flight findings', () => {
  it('a healthy number is all ok; each field that is off gives its ✖ or ⚠', () => {
    assert.deepEqual(summary(numberFindings(healthy, 600)), ['phone-number:ok:connected', 'quality:ok:qualityGreen', 'messaging-limit:ok:limitOk'])
    assert.deepEqual(summary(numberFindings({...healthy, status: 'DISCONNECTED'}, 1)), ['phone-number:error:notConnected', 'quality:ok:qualityGreen', 'messaging-limit:ok:limitOk'])
    assert.deepEqual(summary(numberFindings({...healthy, quality_rating: 'YELLOW'}, 1)).slice(1, 2), ['quality:warning:qualityYellow'])
    assert.deepEqual(summary(numberFindings({...healthy, quality_rating: 'RED'}, 1)).slice(1, 2), ['quality:error:qualityRed'])
    assert.deepEqual(summary(numberFindings({...healthy, quality_rating: 'NA'}, 1)).slice(1, 2), ['quality:ok:qualityUnknown'])
    const below = numberFindings({...healthy, whatsapp_business_manager_messaging_limit: 'TIER_250'}, 251)[2]
    assert.deepEqual(below, {
      code: 'limitBelow', details: {activeSubscribers: 251, limit: 250, tier: 'TIER_250'}, id: 'messaging-limit', status: 'warning',
    })
    assert.equal(numberFindings({...healthy, whatsapp_business_manager_messaging_limit: 'TIER_250'}, 250)[2].status, 'ok')
    assert.deepEqual(numberFindings({...healthy, whatsapp_business_manager_messaging_limit: 'TIER_UNLIMITED'}, 10 ** 6)[2].details, {activeSubscribers: 10 ** 6, limit: null, tier: 'TIER_UNLIMITED'})
    assert.equal(numberFindings({...healthy, whatsapp_business_manager_messaging_limit: undefined}, 1)[2].code, 'limitUnknown')
    assert.equal(tierLimit('tier_10k'), 10_000)
  })

  it('the template: found, approved, not marketing, fillable', () => {
    assert.equal(templateFinding(input(template())).code, 'templateOk')
    assert.deepEqual(templateFinding(input(null)), {
      code: 'templateNotFound',
      details: {
        fetchedAt: '2026-03-01T10:00:00.000Z', language: 'it', languages: 'en_US', name: 'avviso', source: 'api',
      },
      id: 'template',
      status: 'error',
    })
    for (const status of ['PENDING', 'REJECTED', 'PAUSED', 'DISABLED']) {
      assert.deepEqual(summary([templateFinding(input(template({status})))]), ['template:error:templateStatus'])
    }

    assert.deepEqual(summary([templateFinding(input(template({category: 'MARKETING'})))]), ['template:warning:templateMarketing'])
    const two = template({components: [{text: '{{1}} {{2}}', type: 'BODY'}]})
    assert.deepEqual(summary([templateFinding(input(two))]), ['template:error:templateUnfillable'])
    assert.equal(templateFinding({...input(two), bodyFixed: {2: 'Cerveno'}}).status, 'ok')
    const image = template({components: [{format: 'IMAGE', type: 'HEADER'}, {text: '{{1}}', type: 'BODY'}]})
    assert.deepEqual(summary([templateFinding(input(image))]), ['template:warning:templateMedia'])
  })

  it('exit code: 0 with warnings only, 6 for configuration, 5 for WhatsApp', () => {
    const ok: Finding = {code: 'x', id: 'node', status: 'ok'}
    assert.equal(doctorExitCode([ok, {code: 'y', id: 'quality', status: 'warning'}]), 0)
    assert.equal(doctorExitCode([ok, {code: 'y', id: 'template', status: 'error'}]), 5)
    assert.equal(doctorExitCode([{code: 'y', id: 'token', status: 'error'}, {code: 'y', id: 'template', status: 'error'}]), 6)
  })
})

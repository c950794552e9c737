/** One citizen's history (`subscribers show`): registry row, requests and decisions, notices and outcomes. */
import {CervenoError} from '../core/errors.js'
import {formatPhone, tryNormalizePhone} from '../core/phone.js'
import {fold} from '../core/registry/registry.js'
import {type SubscriberJson, toSubscriberJson} from '../core/registry/types.js'
import {searchRequests} from '../core/requests/search.js'
import {type RequestJson, toRequestJson} from '../core/requests/types.js'
import {type DataFolder} from '../io/data-folder.js'
import {listRunIds} from '../io/journal.js'
import {loadLedger} from './broadcast-plan.js'

export interface NoticeToCitizen {
  broadcastId: string
  delivery: null | string
  errorCode: null | number
  outcome: 'failed' | 'pending' | 'sent' | 'uncertain'
  startedAt: string
  /** The first words of what was sent. */
  text: string
  wamid: null | string
}

export interface CitizenHistory {
  notices: NoticeToCitizen[]
  phone: string
  /** Every request from this number, oldest first, with the citizen's own text. */
  requests: (RequestJson & {text: string})[]
  subscriber: null | SubscriberJson
}

const firstWords = (text: string, max = 60) => {
  const line = text.replaceAll(/\s+/g, ' ').trim()
  return line.length > max ? line.slice(0, max - 1).trimEnd() + '…' : line
}

/** The number the clerk means: a phone as typed, or the one number whose subscriber or requests carry that name. */
export async function resolveCitizen(folder: DataFolder, who: string): Promise<string> {
  const {config} = await folder.config()
  const asPhone = /\d{6,}/.test(who.replaceAll(/[\s./-]/g, '')) ? tryNormalizePhone(who, config.defaultCountry) : undefined
  if (asPhone?.ok) return asPhone.phone
  const needle = fold(who.trim())
  const phones = new Set<string>()
  for (const s of await folder.readSubscribers()) if (fold(s.name).includes(needle)) phones.add(s.phone)
  for (const r of searchRequests(await folder.readRequests(), who)) if (r.phone !== null) phones.add(r.phone)
  if (phones.size === 1) return [...phones][0]
  throw new CervenoError('CITIZEN_UNKNOWN', {
    candidates: [...phones].slice(0, 10).map(p => formatPhone(p)).join(', '), count: phones.size, who,
  })
}

export async function citizenHistory(folder: DataFolder, phone: string): Promise<CitizenHistory> {
  const subscriber = (await folder.readSubscribers()).findLast(s => s.phone === phone)
  const requests = (await folder.readRequests())
  .filter(r => r.phone === phone)
  .sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt))
  .map(r => ({...toRequestJson(r), text: r.rawText}))
  const notices: NoticeToCitizen[] = []
  for (const id of await listRunIds(folder.dir)) {
    let run
    try {
      run = await loadLedger(folder, id)
    } catch (error) {
      if (error instanceof CervenoError) continue
      throw error
    }

    const i = run.phones.indexOf(phone)
    if (run.manifest.dryRun || i === -1) continue
    notices.push({
      broadcastId: id,
      delivery: run.ledger.deliveryOf(i),
      errorCode: run.ledger.errorCodeOf(i),
      outcome: run.ledger.outcome(i),
      startedAt: run.ledger.invocations[0]?.start.at ?? run.manifest.createdAt,
      text: firstWords(run.manifest.sentText),
      wamid: run.ledger.wamids[i] ?? null,
    })
  }

  return {
    notices, phone, requests, subscriber: subscriber ? toSubscriberJson(subscriber) : null,
  }
}

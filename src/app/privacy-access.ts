import {type AuditEntry} from '../core/audit.js'
import {type PrivacyDossier, type ReceivedBroadcast} from '../core/privacy/dossier.js'
import {Matcher} from '../core/privacy/match.js'
import {personRecords, personTarget} from '../core/privacy/target.js'
import {toRomeIso} from '../core/time.js'
import {type DataFolder} from '../io/data-folder.js'
import {listRunIds, readManifest, readRecipients} from '../io/journal.js'
import {showBroadcast} from './broadcast.js'
import {readAuditEntries} from './export-files.js'

/** The broadcasts sent (or meant) to a number, with the outcome for that number. */
async function receivedBroadcasts(folder: DataFolder, phone: string): Promise<ReceivedBroadcast[]> {
  const out: ReceivedBroadcast[] = []
  for (const id of await listRunIds(folder.dir)) {
    const manifest = await readManifest(folder.dir, id).catch(() => {})
    if (!manifest || manifest.dryRun) continue
    const phones = await readRecipients(folder.dir, id).catch(() => [] as string[])
    if (!phones.includes(phone)) continue
    const report = await showBroadcast(folder, id)
    for (const r of report.recipients) {
      if (r.phone !== phone) continue
      out.push({
        delivery: r.delivery, errorCode: r.errorCode, id, outcome: r.outcome, startedAt: report.startedAt, test: report.test, text: report.text, wamid: r.wamid,
      })
    }
  }

  return out
}

/**
 * Art. 15: the registry row, every request with the citizen's own text, the broadcasts received with
 * their outcome, and every audit entry about them (the same records an erasure would remove).
 */
export async function privacyDossier(folder: DataFolder, phone: string, now: Date): Promise<PrivacyDossier> {
  await folder.config()
  const person = personRecords(phone, await folder.readSubscribers(), await folder.readRequests())
  const m = new Matcher(personTarget(person))
  const audit: AuditEntry[] = []
  await readAuditEntries(folder, e => {
    if (m.isAbout(JSON.stringify(e))) audit.push(e)
  })
  return {
    audit,
    broadcasts: await receivedBroadcasts(folder, phone),
    generatedAt: toRomeIso(now),
    phone,
    requests: [...person.requests].sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt)),
    subscriber: person.subscriber ?? null,
  }
}

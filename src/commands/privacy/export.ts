import {Args, Flags} from '@oclif/core'
import path from 'node:path'

import {writeNewFiles} from '../../app/export-files.js'
import {privacyDossier} from '../../app/privacy-access.js'
import {BaseCommand} from '../../base-command.js'
import {formatPhone, normalizePhone} from '../../core/phone.js'
import {type PrivacyDossier} from '../../core/privacy/dossier.js'
import {formatItalian} from '../../core/time.js'
import {auditAction} from '../../messages/audit-actions.js'
import {common, privacy as t} from '../../messages/it.js'

export default class PrivacyExport extends BaseCommand<typeof PrivacyExport> {
  static args = {
    phone: Args.string({description: t.phoneArg, required: true}),
  }
  static description = t.export.description
  static examples = [
    '<%= config.bin %> <%= command.id %> "+39 333 123 4567"',
    '<%= config.bin %> <%= command.id %> 3331234567 --out rossi-dati.txt',
    '<%= config.bin %> <%= command.id %> 3331234567 --out rossi-dati.json',
  ]
  static flags = {
    force: Flags.boolean({description: t.export.flags.force}),
    operator: Flags.string({description: common.operatorFlag}),
    out: Flags.string({description: t.export.flags.out}),
  }
  static summary = t.export.summary

  async run(): Promise<PrivacyDossier> {
    const folder = this.folder()
    const {config} = await folder.config()
    const phone = normalizePhone(this.args.phone, config.defaultCountry)
    const ctx = {now: this.now(), operator: this.operator(this.flags.operator)}
    const doc = await privacyDossier(folder, phone, ctx.now)
    const out = this.flags.out === undefined ? undefined : path.resolve(this.flags.out)
    // Answering an access request is recorded (who, when; the file if one was written), with the file.
    await folder.mutate(ctx, async tx => {
      if (out) {
        const asJson = this.jsonEnabled() || out.toLowerCase().endsWith('.json')
        await writeNewFiles(tx, [{content: asJson ? JSON.stringify(doc, null, 2) + '\n' : render(doc) + '\n', path: out}], this.flags.force)
      }

      tx.audit({action: 'privacy.export', after: out ? {file: out} : {}, subject: phone})
    })
    if (!this.jsonEnabled()) this.log(out ? t.export.written(out) : render(doc))
    return doc
  }
}

/** The dossier as the citizen can read it. */
function render(d: PrivacyDossier): string {
  const L = t.export.labels
  const lines = [t.export.title(formatPhone(d.phone), formatItalian(d.generatedAt)), '']
  const s = d.subscriber
  lines.push(L.registry)
  if (s) {
    lines.push(
      `  ${L.name}: ${s.name}`,
      `  ${L.status}: ${t.words.status[s.status] ?? s.status}`,
      `  ${L.subscribed}: ${formatItalian(s.subscribedAt)} (${L.approvedBy} ${s.approvedBy})`,
      `  ${L.consent}: ${t.words.consent[s.consent] ?? s.consent}${s.requestId ? ` (${L.request} ${s.requestId})` : ''}; ${L.notice} ${s.privacyNotice}`,
    )
    if (s.ceasedAt) lines.push(`  ${L.ceased}: ${formatItalian(s.ceasedAt)}${s.ceasedBy ? ` (${s.ceasedBy})` : ''}`)
    lines.push(`  ${L.updated}: ${formatItalian(s.updatedAt)}`)
  } else lines.push(`  ${L.none}`)

  lines.push('', L.requests(d.requests.length))
  for (const r of d.requests) {
    const decided = r.decidedAt ? `, ${t.words.requestStatus[r.status] ?? r.status} ${formatItalian(r.decidedAt)}${r.decidedBy ? ` (${r.decidedBy})` : ''}` : `, ${t.words.requestStatus[r.status] ?? r.status}`
    lines.push(
      `  ${r.id}  ${r.action}  ${L.received} ${formatItalian(r.receivedAt)}${decided}${r.reason ? ` — ${r.reason}` : ''}`,
      `    ${L.text}: ${JSON.stringify(r.rawText)}`,
      `    ${L.source}: ${r.source}${r.author ? ` (${r.author})` : ''}`,
    )
  }

  lines.push('', L.broadcasts(d.broadcasts.length))
  for (const b of d.broadcasts) {
    const outcome = `${t.words.outcome[b.outcome] ?? b.outcome}${b.delivery ? `, ${t.words.delivery[b.delivery] ?? b.delivery}` : ''}${b.errorCode === null ? '' : ` (${L.code} ${b.errorCode})`}`
    lines.push(`  ${b.id}  ${formatItalian(b.startedAt)}${b.test ? ` (${L.test})` : ''}: ${outcome}`, `    ${L.text}: ${JSON.stringify(b.text)}`)
  }

  lines.push('', L.audit(d.audit.length))
  for (const a of d.audit) lines.push(`  ${formatItalian(a.ts)}  ${a.operator}  ${auditAction(a.action)}  ${a.subject}`)
  return lines.join('\n')
}

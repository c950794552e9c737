import {Args, Flags} from '@oclif/core'

import {unquotedPath} from '../app/import-hints.js'
import {importFiles, type ImportOutcome, type PayloadProblemAt} from '../app/import.js'
import {BaseCommand} from '../base-command.js'
import {EXIT} from '../core/errors.js'
import {visible, visibleShort} from '../core/safe-text.js'
import {importDelivery, importCmd as t} from '../messages/it.js'
import {importPayloads, importProblems} from '../messages/validation.js'
import {color} from '../ui/render.js'

type PayloadErrorJson = {code: string; index: number; line?: number; message: string; value: string}

function payloadErrorJson(p: PayloadProblemAt): PayloadErrorJson {
  return {
    code: `webhook:${p.code}`, index: p.index, ...(p.line === null ? {} : {line: p.line}), message: importProblems[`webhook:${p.code}`] ?? p.code, value: p.value,
  }
}

const problemText = (code: string): string => importProblems[code] ?? t.problems[code] ?? code

function payloadErrorLines(file: string, rejected: number, errors: PayloadErrorJson[]): string {
  const lines = [importPayloads.header(file, rejected)]
  for (const e of errors) lines.push(importPayloads.line(importPayloads.where(e.line ?? null, e.index), e.message, visible(e.value)))
  if (rejected > errors.length) lines.push(importPayloads.more(rejected - errors.length))
  return lines.join('\n')
}

export interface ImportResult {
  /** Delivery statuses matched to this data folder's broadcasts and stored with them. */
  deliveryStatuses: {duplicates: number; stored: number}
  duplicates: number
  files: {
    dateOrder?: {order: string; reason: string}
    error?: {code: string; line?: number; message: string}
    format: string
    ignored: number
    messages: number
    path: string
    /** Payloads refused inside a file that was otherwise imported (the first 20; `rejected` counts them all). */
    payloadErrors?: PayloadErrorJson[]
    rejected?: number
    requests: number
    skipped?: {format: string; kind: string}
  }[]
  ignoredNearMisses?: {author: null | string; receivedAt: null | string; source: string; text: string}[]
  newRequests: number
  statuses: number
  superseded: number
  unresolvedPhones: number
  warnings: string[]
}

export default class Import extends BaseCommand<typeof Import> {
  static args = {
    paths: Args.string({description: t.pathsArg, required: true}),
  }
  static description = t.description
  static examples = [
    '<%= config.bin %> <%= command.id %> "Chat WhatsApp con Paolo Rossi.txt"',
    '<%= config.bin %> <%= command.id %> ~/Scaricati/esportazioni --self "Comune di Cerveno"',
    '<%= config.bin %> <%= command.id %> webhook-novembre.ndjson --dry-run',
    '<%= config.bin %> <%= command.id %> "Chat WhatsApp con Mamma.txt" --phone "+39 333 123 4567"',
  ]
  static flags = {
    'date-order': Flags.string({description: t.flags.dateOrder, options: ['dmy', 'mdy', 'ymd']}),
    'dry-run': Flags.boolean({description: t.flags.dryRun}),
    phone: Flags.string({description: t.flags.phone}),
    self: Flags.string({description: t.flags.self, multiple: true}),
    'show-ignored': Flags.boolean({description: t.flags.showIgnored}),
  }
  static strict = false
  static summary = t.summary

  async run(): Promise<ImportResult> {
    const f = this.flags
    const now = this.now()
    const {toRomeIso} = await import('../core/time.js')
    const outcome = await importFiles(
      this.folder(),
      {now, operator: this.operator()},
      {
        dateOrder: f['date-order'] as 'dmy' | 'mdy' | 'ymd' | undefined, dryRun: f['dry-run'], nearMisses: f['show-ignored'] === true, paths: [this.args.paths, ...this.rest], phone: f.phone, self: f.self ?? [],
      },
      toRomeIso(now),
    )
    const result = this.toResult(outcome)
    if (!this.jsonEnabled()) this.render(outcome, result)
    const missing = new Set(outcome.files.filter(x => x.error?.code === 'not-found').map(x => x.path))
    if (missing.size > 1) {
      const joined = await unquotedPath([this.args.paths, ...this.rest], missing)
      if (joined) this.note(t.quoteHint(joined))
    }

    if (result.files.some(x => x.error || x.rejected)) process.exitCode = EXIT.partial
    return result
  }

  private render(o: ImportOutcome, r: ImportResult): void {
    for (const file of r.files) {
      if (file.error) {
        this.logToStderr(color.bad(t.fileError(file.path, file.error.message)))
        continue
      }

      if (file.skipped) {
        this.log(color.dim(t.fileSkipped(file.path, t.notAChat[file.skipped.kind] ?? file.skipped.kind, file.skipped.format)))
        continue
      }

      const statuses = file.format === 'webhook' ? t.fileStatuses(o.files.find(x => x.path === file.path)?.statuses ?? 0) : ''
      this.log(t.fileLine(file.path, t.format[file.format], file.messages, file.requests, file.ignored) + statuses)
      if (file.dateOrder) this.log(color.dim(t.fileDate(t.dateOrder[file.dateOrder.order], t.dateReason[file.dateOrder.reason])))
      if (file.rejected) this.logToStderr(color.bad(payloadErrorLines(file.path, file.rejected, file.payloadErrors ?? [])))
    }

    this.log('')
    this.log(color.strong(t.totals(r)))
    if (r.unresolvedPhones > 0) this.log(t.unresolvedHint)
    if (o.delivery.stored > 0 || o.delivery.duplicates > 0) this.log(importDelivery.delivery(o.delivery.stored, o.delivery.duplicates))
    for (const w of o.warnings) if (w.code === 'hand-edited') this.log(color.warn(t.handEdited(w.path ?? '')))
    if (this.flags['show-ignored'] && o.nearMisses.length > 0) {
      this.log('')
      this.log(t.nearMissHeader)
      for (const n of o.nearMisses) this.log(t.nearMiss(visible(n.source), visible(n.author ?? ''), `"${visibleShort(n.text, 200)}"`))
    }

    const failed = r.files.filter(x => x.error).length
    if (failed > 0) this.logToStderr(color.bad(t.failedFiles(failed, r.files.length)))
    this.log(this.flags['dry-run'] ? t.dryRun : (r.newRequests > 0 ? t.next : ''))
  }

  private toResult(o: ImportOutcome): ImportResult {
    const result: ImportResult = {
      deliveryStatuses: o.delivery,
      duplicates: o.duplicates,
      files: o.files.map(x => ({
        ...(x.dateOrder ? {dateOrder: x.dateOrder} : {}),
        ...(x.error
          ? {error: {code: x.error.code, line: x.error.line, message: t.atLine(problemText(x.error.code), x.error.line, x.error.entry)}}
          : {}),
        format: x.format,
        ignored: x.ignored,
        messages: x.messages,
        path: x.path,
        ...(x.rejected ? {payloadErrors: x.payloadProblems?.map(p => payloadErrorJson(p)), rejected: x.rejected} : {}),
        requests: x.requests,
        ...(x.skipped ? {skipped: x.skipped} : {}),
      })),
      newRequests: o.newRequests,
      statuses: o.statusesSeen,
      superseded: o.superseded,
      unresolvedPhones: o.unresolvedPhones,
      warnings: o.warnings.map(w => `${w.code}${w.path ? `:${w.path}` : ''}`),
    }
    if (this.flags['show-ignored']) result.ignoredNearMisses = o.nearMisses
    return result
  }
}

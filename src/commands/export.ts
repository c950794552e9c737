import {Args, Flags} from '@oclif/core'
import path from 'node:path'

import {type ExportResult, runExport} from '../app/export.js'
import {BaseCommand} from '../base-command.js'
import {CervenoError} from '../core/errors.js'
import {type ExportFormat, type ExportWhat} from '../core/export/select.js'
import {parseDay} from '../core/export/since.js'
import {common, exportCmd as t} from '../messages/it.js'

export default class Export extends BaseCommand<typeof Export> {
  // Positional: the order of the keys is the order on the command line.
  /* eslint-disable perfectionist/sort-objects */
  static args = {
    what: Args.string({description: t.whatArg, options: ['subscribers', 'requests', 'broadcast', 'audit'], required: true}),
    id: Args.string({description: t.idArg}),
  }
  /* eslint-enable perfectionist/sort-objects */
  static description = t.description
  static examples = [
    '<%= config.bin %> <%= command.id %> subscribers',
    '<%= config.bin %> <%= command.id %> subscribers --format xlsx',
    '<%= config.bin %> <%= command.id %> subscribers --format vcf',
    '<%= config.bin %> <%= command.id %> requests --status rejected --since 01/01/2025 --out richieste-respinte.csv',
    '<%= config.bin %> <%= command.id %> broadcast 20250314-092100-a1b2 --status failed',
    '<%= config.bin %> <%= command.id %> audit --format csv --since 2025-03-01 --force --json',
  ]
  static flags = {
    force: Flags.boolean({description: t.flags.force}),
    format: Flags.string({default: 'excel', description: t.flags.format, options: ['excel', 'xlsx', 'csv', 'vcf']}),
    operator: Flags.string({description: common.operatorFlag}),
    out: Flags.string({description: t.flags.out}),
    since: Flags.string({description: t.flags.since}),
    status: Flags.string({description: t.flags.status}),
  }
  static summary = t.summary

  async run(): Promise<ExportResult> {
    const f = this.flags
    const since = f.since === undefined ? undefined : (parseDay(f.since) ?? this.fail(new CervenoError('DATE_INVALID', {input: f.since})))
    const result = await runExport(
      this.folder(),
      {now: this.now(), operator: this.operator(f.operator)},
      {
        fieldLabels: t.fieldLabels,
        force: f.force,
        format: f.format as ExportFormat,
        id: this.args.id,
        out: f.out === undefined ? undefined : path.resolve(f.out),
        sheetNames: t.sheetNames,
        since,
        status: f.status,
        totalsLabels: t.totals,
        what: this.args.what as ExportWhat,
        wording: t.tables,
      },
    )
    for (const file of result.handEdited) this.note(common.handEdited(file))
    const {handEdited: _h, ...out} = result
    if (!this.jsonEnabled()) {
      if (out.files.length === 0) this.log(t.noContacts)
      else this.log(out.format === 'vcf' ? t.doneVcf(out.rows, out.files) : t.done(out.rows, out.files[0]))
    }

    return out
  }
}

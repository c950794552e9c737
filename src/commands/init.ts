import {BaseCommand} from '../base-command.js'
import {init as t} from '../messages/it.js'

export interface InitResult {
  created: string[]
  dataDir: string
}

export default class Init extends BaseCommand<typeof Init> {
  static description = t.description
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --data-dir D:\\cerveno-info']
  static summary = t.summary

  async run(): Promise<InitResult> {
    const folder = this.folder()
    const created = await folder.init(this.now(), this.operator())
    if (!this.jsonEnabled()) {
      this.log(created.length > 0 ? t.created(folder.dir, created) : t.already(folder.dir))
      if (created.includes('config.json')) this.log(t.next)
    }

    return {created, dataDir: folder.dir}
  }
}

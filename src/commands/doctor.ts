import {type DoctorFinding, runDoctor} from '../app/doctor.js'
import {BaseCommand, describeError} from '../base-command.js'
import {type CheckId, type CheckStatus, doctorExitCode} from '../core/preflight.js'
import {withStoredCredentials} from '../io/credentials.js'
import {findings, SYMBOLS, doctor as t} from '../messages/preflight.js'

export interface DoctorCheck {
  details?: Record<string, unknown>
  id: CheckId
  message: string
  status: CheckStatus
}

export interface DoctorResult {
  checks: DoctorCheck[]
  ok: boolean
}

export default class Doctor extends BaseCommand<typeof Doctor> {
  static description = t.description
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  static summary = t.summary

  async run(): Promise<DoctorResult> {
    const resolved = await withStoredCredentials(process.env)
    const found = await runDoctor(this.folder(), {
      env: resolved.env,
      nodeVersion: process.versions.node,
      now: this.now(),
      operator: this.operator(),
      storeProblem: resolved.storeProblem,
      tokenSource: resolved.token,
    })
    const checks = found.map(f => toCheck(f))
    const exit = doctorExitCode(found)
    if (!this.jsonEnabled()) {
      for (const c of checks) this.log(`${SYMBOLS[c.status]} ${c.message}`)
      this.log(exit === 0 ? (checks.some(c => c.status === 'warning') ? t.warnings : t.allGood) : t.errors)
    }

    process.exitCode = exit
    return {checks, ok: exit === 0}
  }
}

function toCheck(f: DoctorFinding): DoctorCheck {
  const message = f.error ? describeError(f.error).message : (findings[f.code]?.(f.details ?? {}) ?? f.code)
  const details = f.details && Object.keys(f.details).length > 0
    ? Object.fromEntries(Object.entries(f.details).filter(([, v]) => v !== undefined))
    : undefined
  return {
    ...(details ? {details} : {}), id: f.id, message: message.replaceAll(/[\u0000-\u001F\u007F]/g, ' '), status: f.status, // eslint-disable-line no-control-regex
  }
}

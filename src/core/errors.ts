/**
 * The one error family of the tool. Core and io code throw it with a code and parameters;
 * the base command turns it into Italian text (messages/it.ts) and an exit code.
 */
export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  badInput: 3,
  conflict: 4,
  api: 5,
  config: 6,
  partial: 7,
  cancelled: 130,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** Error codes and the exit code each maps to. */
export const ERROR_EXIT = {
  USAGE: EXIT.usage,
  NO_TTY: EXIT.usage,
  DATA_DIR_MISSING: EXIT.config,
  CONFIG_INVALID: EXIT.config,
  CONFIG_TOO_NEW: EXIT.config,
  CONFIG_MISSING: EXIT.config,
  LOCK_HELD: EXIT.conflict,
  ALREADY_ACTIVE: EXIT.conflict,
  NOT_SUBSCRIBED: EXIT.conflict,
  UNKNOWN_REQUEST: EXIT.conflict,
  ALREADY_DECIDED: EXIT.conflict,
  PHONE_REQUIRED: EXIT.conflict,
  PHONE_INVALID: EXIT.badInput,
  NAME_INVALID: EXIT.badInput,
  FILE_ROW_INVALID: EXIT.badInput,
  FILE_UNREADABLE: EXIT.badInput,
  FILE_ENCODING: EXIT.badInput,
  FILE_EXISTS: EXIT.conflict,
  NOTICE_INVALID: EXIT.badInput,
  API_FATAL: EXIT.api,
  BROADCAST_UNKNOWN: EXIT.conflict,
  CANCELLED: EXIT.cancelled,
  PARTIAL: EXIT.partial,
  BROADCAST_FATAL: EXIT.api,
  BROADCAST_PAUSED: EXIT.api,
  BROADCAST_INTERRUPTED: EXIT.cancelled,
  BROADCAST_RUNNING: EXIT.conflict,
  BROADCAST_NOT_RESUMABLE: EXIT.conflict,
  NO_RECIPIENTS: EXIT.conflict,
  EXPORT_OPTION_INVALID: EXIT.usage,
  DATE_INVALID: EXIT.usage,
  ERASURE_INCOMPLETE: EXIT.partial,
} as const

export type ErrorCode = keyof typeof ERROR_EXIT

export type ErrorParams = Record<string, number | string | undefined>

export class CervenoError extends Error {
  readonly code: ErrorCode
  readonly exitCode: number
  readonly params: ErrorParams

  constructor(code: ErrorCode, params: ErrorParams = {}, options?: {cause?: unknown}) {
    super(`${code} ${JSON.stringify(params)}`, options)
    this.name = 'CervenoError'
    this.code = code
    this.params = params
    this.exitCode = ERROR_EXIT[code]
  }
}

export function isCervenoError(error: unknown): error is CervenoError {
  return error instanceof CervenoError
}

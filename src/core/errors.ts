/**
 * The one error family of the tool. Core and io code throw it with a code and parameters;
 * the base command turns it into Italian text (messages/it.ts) and an exit code.
 */
export const EXIT = {
  api: 5,
  badInput: 3,
  cancelled: 130,
  config: 6,
  conflict: 4,
  ok: 0,
  partial: 7,
  unexpected: 1,
  usage: 2,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** Error codes and the exit code each maps to. */
export const ERROR_EXIT = {
  ALREADY_ACTIVE: EXIT.conflict,
  ALREADY_DECIDED: EXIT.conflict,
  API_FATAL: EXIT.api,
  /** The --attach file cannot be sent (type by its bytes, size, missing, changed since the run began). */
  ATTACHMENT_INVALID: EXIT.badInput,
  /** --attach does not go with the template's header (or is missing for a media header). */
  ATTACHMENT_MISMATCH: EXIT.usage,
  BROADCAST_ALREADY_SENT: EXIT.conflict,
  BROADCAST_FATAL: EXIT.api,
  BROADCAST_INTERRUPTED: EXIT.cancelled,
  BROADCAST_NOT_RESUMABLE: EXIT.conflict,
  BROADCAST_OFFLINE: EXIT.api,
  BROADCAST_PAUSED: EXIT.api,
  BROADCAST_RUNNING: EXIT.conflict,
  BROADCAST_UNKNOWN: EXIT.conflict,
  CANCELLED: EXIT.cancelled,
  CITIZEN_UNKNOWN: EXIT.conflict,
  CONFIG_INVALID: EXIT.config,
  CONFIG_MISSING: EXIT.config,
  CONFIG_TOO_NEW: EXIT.config,
  CREDENTIAL_STORE_UNAVAILABLE: EXIT.config,
  DATA_DIR_MISSING: EXIT.config,
  DATE_INVALID: EXIT.usage,
  DISK_FULL: EXIT.config,
  ERASURE_INCOMPLETE: EXIT.partial,
  EXPORT_OPTION_INVALID: EXIT.usage,
  FILE_CHANGED: EXIT.conflict,
  FILE_CHARS_LOST: EXIT.badInput,
  FILE_DUPLICATE_ROWS: EXIT.badInput,
  FILE_EMPTY: EXIT.badInput,
  FILE_ENCODING: EXIT.badInput,
  FILE_EXISTS: EXIT.conflict,
  FILE_ROW_INVALID: EXIT.badInput,
  FILE_UNREADABLE: EXIT.badInput,
  LOCK_HELD: EXIT.conflict,
  LOCK_IN_USE: EXIT.conflict,
  MEDIA_UPLOAD_FAILED: EXIT.api,
  NAME_INVALID: EXIT.badInput,
  NO_RECIPIENTS: EXIT.conflict,
  NO_TTY: EXIT.usage,
  NOT_DECIDED: EXIT.conflict,
  NOT_SUBSCRIBED: EXIT.conflict,
  NOTICE_INVALID: EXIT.badInput,
  PARTIAL: EXIT.partial,
  PHONE_INVALID: EXIT.badInput,
  PHONE_REQUIRED: EXIT.conflict,
  PORT_UNAVAILABLE: EXIT.config,
  REOPEN_BLOCKED: EXIT.conflict,
  TEMP_UNAVAILABLE: EXIT.config,
  TEMPLATE_MISMATCH: EXIT.config,
  TOKEN_REFUSED: EXIT.api,
  UNKNOWN_REQUEST: EXIT.conflict,
  USAGE: EXIT.usage,
  WHATSAPP_NOT_READY: EXIT.api,
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

/* eslint-disable perfectionist/sort-objects -- request bodies keep Meta's documented key order (cloud-api.md §1) */
/**
 * Request bodies for POST /{phone-number-id}/messages (cloud-api.md §1) and the checks that keep the tool
 * from sending what Meta would reject.
 */
import {CervenoError} from '../errors.js'
import {isE164, toWaId} from '../phone.js'
import {type HeaderComponent} from './header.js'
import {type RequestComponent} from './template.js'

/** Template body parameter limit when the template has other components (cloud-api.md §1). */
export const TEMPLATE_PARAMETER_MAX = 1024
export const TEXT_BODY_MAX = 4096
export const CALLBACK_DATA_MAX = 512

// C0/C1 controls that are not whitespace (\t \n \v \f \r are whitespace and get flattened).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/g
// eslint-disable-next-line no-control-regex
const HAS_CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/

/**
 * One line that Meta accepts as a template parameter: no newline, no tab, no run of more than 4 spaces.
 * Every whitespace run (line breaks included) becomes one space, controls are dropped, ends are trimmed.
 * Returns '' only for input made of whitespace and controls alone.
 */
export function flattenParameter(text: string): string {
  return text.replaceAll(CONTROL, '').replaceAll(/\s+/g, ' ').trim()
}

/** True when `value` breaks one of Meta's rules for a template parameter (the fake Cloud API uses it too). */
export function isInvalidParameter(value: string): boolean {
  return value.trim() === '' || /[\n\t]| {5}/.test(value)
}

export type NoticeMode = 'template' | 'text'

export type NoticeProblem
  = | {code: 'controlChars'; count: number; firstIndex: number; severity: 'error'}
    | {code: 'empty'; severity: 'error'}
  /** Template mode only: line breaks / spacing will not reach the citizen as typed. */
    | {code: 'flattened'; severity: 'warning'}
    | {code: 'tooLong'; length: number; max: number; severity: 'error'}

export interface ValidateOptions {
  /** Overrides the limit: 1024 for a template body parameter, 4096 for text by default. */
  maxLength?: number
}

/**
 * Everything wrong with a notice before anything is sent. In template mode the limits apply to the
 * flattened text, which is what will be sent. Lengths count UTF-16 units (an emoji counts 2): the safe side.
 */
export function validateNotice(text: string, mode: NoticeMode, options: ValidateOptions = {}): NoticeProblem[] {
  const problems: NoticeProblem[] = []
  const controls = text.match(CONTROL)
  if (controls) {
    problems.push({
      code: 'controlChars', count: controls.length, firstIndex: text.search(HAS_CONTROL), severity: 'error',
    })
  }

  const sent = mode === 'template' ? flattenParameter(text) : text
  const max = options.maxLength ?? (mode === 'template' ? TEMPLATE_PARAMETER_MAX : TEXT_BODY_MAX)
  if (flattenParameter(text) === '') {
    problems.push({code: 'empty', severity: 'error'})
  } else if (sent.length > max) {
    problems.push({
      code: 'tooLong', length: sent.length, max, severity: 'error',
    })
  }

  if (mode === 'template' && sent !== '' && sent !== text.trim()) problems.push({code: 'flattened', severity: 'warning'})
  return problems
}

export interface TemplateRef {
  /**
   * Exactly the components the template needs (core/broadcast/template.ts templateComponents), the same for
   * every recipient; absent when the definition was not known (then one body parameter, the notice).
   */
  components?: RequestComponent[]
  /** The approved locale, exactly (`it` and `it_IT` differ). */
  language: string
  name: string
  /** Only for templates created with parameter_format NAMED: the placeholder's name. */
  parameterName?: string
}

export interface MessageOptions {
  /** Echoed untouched in status webhooks: carry the send-attempt id (cloud-api.md §7.4). */
  callbackData?: string
  /** A header component (title or media) put before the others. */
  header?: HeaderComponent
  /** Overrides the length limit of validateNotice. */
  maxLength?: number
}

export interface TemplateMessage {
  biz_opaque_callback_data?: string
  messaging_product: 'whatsapp'
  recipient_type: 'individual'
  template: {
    components: RequestComponent[]
    language: {code: string; policy: 'deterministic'}
    name: string
  }
  to: string
  type: 'template'
}

export interface TextMessage {
  biz_opaque_callback_data?: string
  messaging_product: 'whatsapp'
  recipient_type: 'individual'
  text: {body: string; preview_url: boolean}
  to: string
  type: 'text'
}

export type OutgoingMessage = TemplateMessage | TextMessage

/**
 * A template message whose single body parameter is the flattened notice.
 * Throws NOTICE_INVALID (first error problem) or PHONE_INVALID; the message never breaks Meta's parameter rules.
 */
export function buildTemplateMessage(
  toE164: string,
  template: TemplateRef,
  bodyText: string,
  options: MessageOptions = {},
): TemplateMessage {
  const to = recipient(toE164)
  assertValid(bodyText, 'template', options)
  const parameter: {parameter_name?: string; text: string; type: 'text'} = {
    type: 'text',
    text: flattenParameter(bodyText),
  }
  if (template.parameterName !== undefined) parameter.parameter_name = template.parameterName
  const components: RequestComponent[] = [
    ...(options.header ? [options.header] : []),
    ...(template.components ?? [{type: 'body', parameters: [parameter]}]),
  ]
  for (const c of components) {
    for (const p of c.parameters) {
      if (p.type === 'text' && (typeof p.text !== 'string' || isInvalidParameter(p.text))) {
        throw new CervenoError('NOTICE_INVALID', {problem: 'parameter'})
      }
    }
  }

  return withCallback(
    {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to,
      type: 'template',
      template: {
        name: template.name,
        language: {code: template.language, policy: 'deterministic'},
        components,
      },
    },
    options.callbackData,
  )
}

/** Free text: only delivered inside a 24-hour customer-service window (else 131047). Sent as typed. */
export function buildTextMessage(
  toE164: string,
  body: string,
  options: MessageOptions & {previewUrl?: boolean} = {},
): TextMessage {
  const to = recipient(toE164)
  assertValid(body, 'text', options)
  return withCallback(
    {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to,
      type: 'text',
      text: {preview_url: options.previewUrl ?? false, body},
    },
    options.callbackData,
  )
}

function recipient(toE164: string): string {
  if (!isE164(toE164)) throw new CervenoError('PHONE_INVALID', {input: toE164, problem: 'invalid'})
  return toWaId(toE164)
}

function assertValid(text: string, mode: NoticeMode, options: MessageOptions): void {
  const problem = validateNotice(text, mode, {maxLength: options.maxLength}).find(p => p.severity === 'error')
  if (problem) {
    const {code, severity: _severity, ...params} = problem
    throw new CervenoError('NOTICE_INVALID', {problem: code, ...params})
  }
}

function withCallback<T extends OutgoingMessage>(message: T, callbackData: string | undefined): T {
  if (callbackData === undefined) return message
  if (callbackData === '' || callbackData.length > CALLBACK_DATA_MAX) {
    throw new CervenoError('NOTICE_INVALID', {length: callbackData.length, max: CALLBACK_DATA_MAX, problem: 'callbackData'})
  }

  return {...message, biz_opaque_callback_data: callbackData}
}

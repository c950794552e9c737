/**
 * A template's definition as Meta returns it (`GET /{waba-id}/message_templates`, cloud-api.md §9.2), its shape
 * (which parts take which variables), the components a send needs, and the message as the citizen reads it.
 * Pure: the definition comes from the network or the cache and is validated here before anything relies on it.
 */
import {flattenParameter, isInvalidParameter, TEMPLATE_PARAMETER_MAX} from './payload.js'

/** One element of `components`, as Meta returns it (unknown fields kept). */
export interface TemplateComponent {
  [key: string]: unknown
  buttons?: Array<{[key: string]: unknown; text?: string; type: string; url?: string}>
  /** HEADER only: TEXT, IMAGE, DOCUMENT, VIDEO, LOCATION. */
  format?: string
  text?: string
  /** HEADER, BODY, FOOTER, BUTTONS. */
  type: string
}

export interface TemplateDefinition {
  category: string
  components: TemplateComponent[]
  id?: string
  language: string
  name: string
  /** POSITIONAL ({{1}}) unless the template was created with NAMED ({{via}}). */
  parameter_format?: string
  status: string
}

export type HeaderShape
  = | {kind: 'document'}
    | {kind: 'image'}
    | {kind: 'location'}
    | {kind: 'none'}
    | {kind: 'text'; text: string; variables: string[]}
    | {kind: 'video'}

export interface ButtonShape {
  /** Position among the buttons: the `index` of a button component. */
  index: number
  text: string
  /** QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE, … as Meta names them. */
  type: string
  /** Variables of a dynamic URL button (`https://…/{{1}}`). */
  variables: string[]
}

export interface TemplateShape {
  body: {text: string; variables: string[]}
  buttons: ButtonShape[]
  footer?: string
  header: HeaderShape
  named: boolean
}

/** Meta's placeholders: {{1}} for positional templates, {{snake_case}} for named ones. */
const VARIABLE = /{{\s*([a-z0-9_]+)\s*}}/gi

/** Distinct variable names in order of first appearance. */
export function variablesOf(text: string): string[] {
  const out: string[] = []
  for (const m of text.matchAll(VARIABLE)) if (!out.includes(m[1])) out.push(m[1])
  return out
}

/** Replaces every placeholder with its value; placeholders without one stay as they are. */
export function fillText(text: string, values: Readonly<Record<string, string>>): string {
  return text.replaceAll(VARIABLE, (whole, name: string) => values[name] ?? whole)
}

type Json = Record<string, unknown>
const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined)
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

/**
 * A definition from an API answer or the cache, checked field by field; undefined when it is not one
 * (a stranger's JSON never reaches the preview or a request unchecked).
 */
export function parseTemplateDefinition(raw: unknown): TemplateDefinition | undefined {
  const o = obj(raw)
  if (!o) return undefined
  const name = str(o.name)
  const language = str(o.language)
  const status = str(o.status)
  const category = str(o.category)
  if (!name || !language || !status || category === undefined || !Array.isArray(o.components)) return undefined
  const components: TemplateComponent[] = []
  for (const c of o.components) {
    const component = obj(c)
    if (!component || typeof component.type !== 'string') return undefined
    if (component.text !== undefined && typeof component.text !== 'string') return undefined
    if (component.format !== undefined && typeof component.format !== 'string') return undefined
    if (component.buttons !== undefined && (!Array.isArray(component.buttons) || !component.buttons.every(b => typeof obj(b)?.type === 'string'))) return undefined

    components.push(component as TemplateComponent)
  }

  const def: TemplateDefinition = {
    category, components, language, name, status,
  }
  if (typeof o.id === 'string') def.id = o.id
  if (typeof o.parameter_format === 'string') def.parameter_format = o.parameter_format
  return def
}

/** Which parts the template has and which variables each takes. */
export function templateShape(def: TemplateDefinition): TemplateShape {
  const find = (type: string) => def.components.find(c => c.type.toUpperCase() === type)
  const header = find('HEADER')
  const body = find('BODY')
  const footer = find('FOOTER')
  const buttons = find('BUTTONS')?.buttons ?? []
  const shape: TemplateShape = {
    body: {text: body?.text ?? '', variables: variablesOf(body?.text ?? '')},
    buttons: buttons.map((b, index) => ({
      index, text: b.text ?? '', type: b.type.toUpperCase(), variables: variablesOf(b.url ?? ''),
    })),
    header: headerShape(header),
    named: def.parameter_format?.toUpperCase() === 'NAMED',
  }
  if (footer?.text !== undefined) shape.footer = footer.text
  return shape
}

function headerShape(header: TemplateComponent | undefined): HeaderShape {
  if (!header) return {kind: 'none'}
  const format = (header.format ?? 'TEXT').toUpperCase()
  switch (format) {
  case 'DOCUMENT': {
    return {kind: 'document'}
  }

  case 'IMAGE': {
    return {kind: 'image'}
  }

  case 'LOCATION': {
    return {kind: 'location'}
  }

  case 'VIDEO': {
    return {kind: 'video'}
  }

  default: {
    const text = header.text ?? ''
    return {kind: 'text', text, variables: variablesOf(text)}
  }
  }
}

/** What fills the template's variables for one notice. */
export interface TemplateValues {
  /** Values of the body's other variables (config.json `template.parameters`), by variable name. */
  bodyFixed?: Readonly<Record<string, string>>
  /**
   * What fills the header (issue 17): the notice's title for a TEXT header variable, or an attachment of the
   * header's media kind (its id is only known at send time, so it is not part of these components).
   */
  header?: {kind: 'document' | 'image'} | {kind: 'text'; text: string}
  /** The notice, already flattened to one line: fills the one body variable that config does not. */
  notice: string
}

/** Why a template cannot carry a notice as configured (the codes of TEMPLATE_MISMATCH and of doctor's check). */
export type TemplateProblem
  = | {code: 'bodyMissing'}
    | {code: 'bodyTooLong'; length: number; max: number}
    | {code: 'buttonVariable'; index: number}
    | {code: 'fixedInvalid'; variable: string}
    | {code: 'headerMedia'; kind: string}
    | {code: 'headerVariable'; count: number}
    | {code: 'noticeVariable'; count: number; variables: string}

/** Longest body Meta accepts once the variables are filled in (132005 beyond it). */
export const BODY_FILLED_MAX = 1024

/**
 * The one body variable the notice fills: the body's variables minus those config fills. Undefined when there
 * is not exactly one (Meta answers 132000 to a parameter count that differs from the placeholders).
 */
export function noticeVariable(shape: TemplateShape, fixed: Readonly<Record<string, string>> = {}): string | undefined {
  const open = shape.body.variables.filter(v => fixed[v] === undefined)
  return open.length === 1 ? open[0] : undefined
}

/**
 * Everything that keeps this template from carrying the notice as configured: the parameter count, a header
 * or button variable nothing fills, a media header without an attachment, config values that break Meta's
 * whitespace rule, and (with a notice) the body's length once filled. Empty = a send can be built.
 */
export function templateProblems(shape: TemplateShape, values: Partial<TemplateValues> = {}): TemplateProblem[] {
  const problems: TemplateProblem[] = []
  const fixed = values.bodyFixed ?? {}
  if (shape.body.text === '') problems.push({code: 'bodyMissing'})
  else if (noticeVariable(shape, fixed) === undefined) {
    const open = shape.body.variables.filter(v => fixed[v] === undefined)
    problems.push({code: 'noticeVariable', count: open.length, variables: open.map(v => `{{${v}}}`).join(' ')})
  }

  for (const [variable, value] of Object.entries(fixed)) {
    if (shape.body.variables.includes(variable) && (isInvalidParameter(value) || value.length > TEMPLATE_PARAMETER_MAX)) {
      problems.push({code: 'fixedInvalid', variable})
    }
  }

  const {header} = shape
  const filled = values.header
  const titled = header.kind === 'text' && header.variables.length === 1 && filled?.kind === 'text'
  if (header.kind === 'text' && header.variables.length > 0 && !titled) problems.push({code: 'headerVariable', count: header.variables.length})
  if (header.kind !== 'text' && header.kind !== 'none' && filled?.kind !== header.kind) problems.push({code: 'headerMedia', kind: header.kind})
  for (const b of shape.buttons) if (b.variables.length > 0) problems.push({code: 'buttonVariable', index: b.index})
  if (values.notice !== undefined && problems.length === 0) {
    const {length} = renderBody(shape, values as TemplateValues)
    if (length > BODY_FILLED_MAX) problems.push({code: 'bodyTooLong', length, max: BODY_FILLED_MAX})
  }

  return problems
}

function bodyValues(shape: TemplateShape, values: TemplateValues): Record<string, string> {
  const fixed = values.bodyFixed ?? {}
  const out: Record<string, string> = {}
  for (const v of shape.body.variables) if (fixed[v] !== undefined) out[v] = flattenParameter(fixed[v])
  const open = noticeVariable(shape, fixed)
  if (open !== undefined) out[open] = values.notice
  return out
}

function renderBody(shape: TemplateShape, values: TemplateValues): string {
  return fillText(shape.body.text, bodyValues(shape, values))
}

export interface TextParameter {
  parameter_name?: string
  text: string
  type: 'text'
}

/** A media header's parameter: `{type: 'image', image: {id}}`, `{type: 'document', document: {id, filename}}`. */
export interface MediaParameter {
  [key: string]: unknown
  type: 'document' | 'image' | 'video'
}

/** A component of the request's `template.components` (cloud-api.md §1, §9.3). */
export interface RequestComponent {
  index?: string
  parameters: Array<MediaParameter | TextParameter>
  sub_type?: string
  type: 'body' | 'button' | 'header'
}

/**
 * Exactly the components the template needs: the body's parameters in the order of their numbers (named ones
 * carry `parameter_name`). Call templateProblems first: this assumes a template the notice can fill.
 */
export function templateComponents(shape: TemplateShape, values: TemplateValues): RequestComponent[] {
  const filled = bodyValues(shape, values)
  // Positional values go in the order of their numbers ({{1}}, {{2}} …), wherever they stand in the text.
  const order = shape.named ? shape.body.variables : [...shape.body.variables].sort((a, b) => Number(a) - Number(b))
  const parameters: TextParameter[] = order.map(v => ({
    ...(shape.named ? {parameter_name: v} : {}),
    text: filled[v],
    type: 'text' as const,
  }))
  return parameters.length === 0 ? [] : [{parameters, type: 'body'}]
}

/** The message as the citizen reads it: header, body with the values in, footer, button labels. */
export interface RenderedMessage {
  body: string
  buttons: string[]
  footer?: string
  header?: string
  /** A media header (image, document, video, location): shown as a marker, not as text. */
  headerMedia?: string
}

export function renderMessage(shape: TemplateShape, values: TemplateValues): RenderedMessage {
  const out: RenderedMessage = {body: renderBody(shape, values), buttons: shape.buttons.map(b => b.text).filter(t => t !== '')}
  if (shape.header.kind === 'text') {
    const [variable] = shape.header.variables
    out.header = values.header?.kind === 'text' && variable !== undefined ? fillText(shape.header.text, {[variable]: values.header.text}) : shape.header.text
  } else if (shape.header.kind !== 'none') out.headerMedia = shape.header.kind
  if (shape.footer !== undefined) out.footer = shape.footer
  return out
}

/** Characters the citizen reads (header, body, footer), as Meta counts them: UTF-16 units. */
export function messageLength(m: RenderedMessage): number {
  return (m.header?.length ?? 0) + m.body.length + (m.footer?.length ?? 0)
}

/**
 * The template's header for a broadcast (issue 17): a title from the notice's first line, or the --attach file
 * uploaded once per run and reused by every message, and by resumes while its id is younger than 30 days.
 */
import {type RunHeader} from '../core/broadcast/header.js'
import {
  type AttachmentFile, type HeaderNeed, type MediaRecord, mediaReusable,
} from '../core/broadcast/media.js'
import {type NoticeMode, validateNotice} from '../core/broadcast/payload.js'
import {templateShape} from '../core/broadcast/template.js'
import {isTitleProblem, splitTitle} from '../core/broadcast/title.js'
import {type Config} from '../core/config.js'
import {CervenoError} from '../core/errors.js'
import {attachmentKind, inspectAttachment, readAttachmentBytes} from '../io/attachment.js'
import {type CloudApiClient, isWhatsAppApiError} from '../io/cloud-api.js'
import {type DataFolder, type MutationContext} from '../io/data-folder.js'
import {type Notice, resolveApiSettings} from './broadcast-settings.js'
import {loadTemplate, resolveWabaId, TEMPLATE_CACHE_MAX_AGE_MS} from './template.js'

/**
 * What the header of the run's template wants, from its definition (cached or read from Meta); undefined
 * when the definition cannot be had.
 */
export async function templateHeaderNeed(
  folder: DataFolder,
  config: Config,
  env: NodeJS.ProcessEnv,
  template: {language: string; name: string; offline?: boolean},
  ctx: MutationContext,
): Promise<HeaderNeed | undefined> {
  let loaded
  try {
    loaded = await loadTemplate(folder, {api: resolveApiSettings(env, config, false), wabaId: resolveWabaId(env, config)}, {
      language: template.language,
      maxAgeMs: TEMPLATE_CACHE_MAX_AGE_MS,
      name: template.name,
      now: ctx.now,
      offline: template.offline,
      operator: ctx.operator,
    })
  } catch {
    // A read that fails is not this step's concern: the send itself will say what Meta refuses.
    return undefined
  }

  return loaded?.definition ? headerNeed(templateShape(loaded.definition).header) : undefined
}

/** What the template's header wants, from its shape (the `header` of templateShape); undefined when unknown. */
export function headerNeed(header: undefined | {kind: string; variables?: readonly string[]}): HeaderNeed | undefined {
  if (header === undefined) return undefined
  switch (header.kind) {
  case 'document':
  case 'image':
  case 'none': {
    return header.kind
  }

  case 'text': {
    return (header.variables?.length ?? 0) > 0 ? 'text' : 'none'
  }

  default: {
    return 'unsupported'
  }
  }
}

export interface ComposedNotice {
  /** What fills the body: the notice without its title, as typed (the plan flattens it for a template). */
  body: string
  header?: RunHeader
}

/**
 * Splits the notice and checks the attachment against the template's header. `need` undefined (the definition
 * could not be read, e.g. a dry run without credentials): no title, and an attachment is taken for what its
 * bytes say it is.
 */
export async function composeNotice(input: {
  attach?: string
  mode: NoticeMode
  need: HeaderNeed | undefined
  notice: Notice
  /** The template's name, for messages. */
  template: string
}): Promise<ComposedNotice> {
  const {attach, mode, notice} = input
  if (mode === 'text') {
    if (attach !== undefined) throw new CervenoError('ATTACHMENT_MISMATCH', {problem: 'withText'})
    return {body: notice.text}
  }

  let need = input.need ?? 'none'
  if (input.need === undefined && attach !== undefined) need = (await attachmentKind(attach)) ?? 'document'
  if (need === 'text') {
    if (attach !== undefined) await inspectAttachment(attach, need, input.template)
    const split = splitTitle(notice.text, 1 + (notice.leadingLines ?? 0))
    if (isTitleProblem(split)) {
      const {code, ...params} = split
      throw new CervenoError('NOTICE_INVALID', {file: notice.file, problem: code, ...params})
    }

    const problem = validateNotice(split.body, 'template').find(p => p.severity === 'error')
    if (problem) {
      const {code, severity: _severity, ...params} = problem
      throw new CervenoError('NOTICE_INVALID', {file: notice.file, problem: code, ...params})
    }

    return {body: split.body, header: {kind: 'text', text: split.title}}
  }

  const attachment = await inspectAttachment(attach, need, input.template)
  return attachment === undefined ? {body: notice.text} : {body: notice.text, header: {attachment, kind: attachment.kind}}
}

/** The attachment of a run, if its header is a media. */
export function runAttachment(header: RunHeader | undefined): AttachmentFile | undefined {
  return header === undefined || header.kind === 'text' ? undefined : header.attachment
}

/**
 * On resume: the --attach file given again must be the run's own (same SHA-256); its path is then where the
 * bytes are read from if the id has to be uploaded again.
 */
export async function checkResumeAttachment(header: RunHeader | undefined, attach: string | undefined, runId: string): Promise<string | undefined> {
  const attachment = runAttachment(header)
  if (attach === undefined) return undefined
  if (attachment === undefined) throw new CervenoError('ATTACHMENT_MISMATCH', {
    file: attach, header: header?.kind ?? 'none', problem: 'attachNotWanted', template: runId,
  })
  const given = await inspectAttachment(attach, attachment.kind, runId)
  if (given?.sha256 !== attachment.sha256) throw new CervenoError('ATTACHMENT_INVALID', {file: attach, id: runId, problem: 'changed'})
  return attach
}

/** Upload attempts: a second upload only wastes an id, so transient failures are simply tried again. */
const UPLOAD_ATTEMPTS = 3

export interface EnsureMediaInput {
  attachment: AttachmentFile
  client: Pick<CloudApiClient, 'uploadMedia'>
  /** Where the bytes are (a resume may point at the file again). */
  file?: string
  isoNow(): string
  journal: {durable(): Promise<void>; write(records: readonly MediaRecord[]): void}
  nowMs: number
  /** Recipients this invocation would send to (for the error). */
  queued: number
  /** The upload recorded by an earlier invocation of the run. */
  recorded: MediaRecord | undefined
  runId: string
  sleep?(ms: number): Promise<void>
}

/**
 * The media id for this invocation: the recorded one while it is younger than 30 days and for the same file,
 * else a new upload, recorded (and synced) in the journal before it is returned, so before the first message.
 */
export async function ensureMedia(input: EnsureMediaInput): Promise<{id: string; uploaded: boolean}> {
  const {attachment, recorded} = input
  if (mediaReusable(recorded, attachment.sha256, input.nowMs)) return {id: recorded.id, uploaded: false}
  const bytes = await readAttachmentBytes(attachment, input.runId, input.file)
  const sleep = input.sleep ?? (ms => new Promise<void>(resolve => {
    setTimeout(resolve, ms)
  }))
  for (let attempt = 1; ; attempt++) {
    try {
      const {id} = await input.client.uploadMedia({bytes, fileName: attachment.fileName, mime: attachment.mime})
      const record: MediaRecord = {
        at: input.isoNow(),
        fileName: attachment.fileName,
        id,
        kind: attachment.kind,
        mime: attachment.mime,
        sha256: attachment.sha256,
        size: attachment.size,
        type: 'media',
      }
      input.journal.write([record])
      await input.journal.durable()
      return {id, uploaded: true}
    } catch (error) {
      if (!isWhatsAppApiError(error)) throw error
      const again = attempt < UPLOAD_ATTEMPTS && (error.class === 'retry' || error.class === 'throttle' || error.class === 'uncertain')
      if (!again && error.class === 'fatal') {
        // The token, the account or the number: the same sentence as a run stopped by Meta.
        throw new CervenoError('BROADCAST_FATAL', {
          code: error.code, details: error.details ?? error.title, hint: error.fatalHint ?? 'unknown', httpStatus: error.httpStatus, id: input.runId, pending: input.queued, sent: 0,
        })
      }

      if (!again) {
        throw new CervenoError('MEDIA_UPLOAD_FAILED', {
          code: error.code, details: error.details ?? error.title ?? error.transportCode, httpStatus: error.httpStatus, id: input.runId,
        })
      }

      await sleep(Math.max(error.retryAfterMs ?? 0, 1000 * attempt))
    }
  }
}

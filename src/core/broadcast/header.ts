/* eslint-disable perfectionist/sort-objects -- request bodies keep Meta's documented key order (cloud-api.md §9.3) */
/**
 * The header component of a template message: a title (TEXT header variable) or the attached media
 * (IMAGE / DOCUMENT header, by uploaded id), cloud-api.md §1 and §9.3.
 */
import {type AttachmentFile} from './media.js'

export type HeaderParameter
  = | {document: {filename: string; id: string}; type: 'document'}
    | {image: {id: string}; type: 'image'}
    | {parameter_name?: string; text: string; type: 'text'}

export interface HeaderComponent {
  parameters: HeaderParameter[]
  type: 'header'
}

/** What a run puts in the template's header (kept in the run's manifest, so a resume sends the same). */
export type RunHeader
  = | {attachment: AttachmentFile; kind: 'document' | 'image'}
    | {kind: 'text'; parameterName?: string; text: string}

/** The header component for one message; `mediaId` is the upload's id (or a placeholder in a preview). */
export function headerComponent(header: RunHeader, mediaId: string): HeaderComponent {
  if (header.kind === 'text') {
    const parameter: HeaderParameter = {type: 'text', text: header.text}
    if (header.parameterName !== undefined) parameter.parameter_name = header.parameterName
    return {type: 'header', parameters: [parameter]}
  }

  if (header.kind === 'image') return {type: 'header', parameters: [{type: 'image', image: {id: mediaId}}]}
  return {type: 'header', parameters: [{type: 'document', document: {id: mediaId, filename: header.attachment.fileName}}]}
}

/** The pure parts of broadcasting: error classes, request bodies, pacing. */
export {
  type ApiErrorFacts,
  classifyApiError,
  classifyTransportError,
  type ErrorClass,
  type ErrorClassification,
  type FatalHint,
  KNOWN_ERROR_CODES,
  parseRetryAfter,
} from './classify.js'
export {
  MAX_RATE, MIN_RATE, type PacerOptions, type PacerState, RatePacer, type ThrottleEvent,
} from './pacer.js'
export {
  buildTemplateMessage,
  buildTextMessage,
  CALLBACK_DATA_MAX,
  flattenParameter,
  isInvalidParameter,
  type MessageOptions,
  type NoticeMode,
  type NoticeProblem,
  type OutgoingMessage,
  TEMPLATE_PARAMETER_MAX,
  type TemplateMessage,
  type TemplateRef,
  TEXT_BODY_MAX,
  type TextMessage,
  validateNotice,
  type ValidateOptions,
} from './payload.js'

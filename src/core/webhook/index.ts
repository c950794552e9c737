export {
  dedupeByWamid,
  dedupeStatuses,
  inboundKey,
  SeenKeys,
  statusKey,
} from './dedupe.js'
export {
  EARLIEST_TIMESTAMP,
  emptyExtraction,
  extractFromPayload,
  mergeExtractions,
  parseErrors,
  readStatus,
} from './extract.js'
export {foldStatuses, mergeStatus, trackedStatus} from './status.js'
export type {
  DeliveryState,
  ExtractionCounts,
  KnownStatus,
  NearMiss,
  PayloadProblem,
  RequestMessageType,
  StatusEvent,
  WebhookContext,
  WebhookErrorDetail,
  WebhookExtraction,
  WebhookIssue,
  WebhookRequest,
} from './types.js'

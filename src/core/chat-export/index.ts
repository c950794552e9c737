/**
 * WhatsApp "Export chat" parsing and request extraction (chat-formats.md). Pure: give it text and
 * names, get messages, requests or a structured error.
 */

export {
  batchDateOrder,
  type DateOrder,
  type DateOrderDecision,
  type DateOrderEvidence,
  type DateOrderOptions,
  type DateOrderReason,
  decideDateOrder,
  DEFAULT_DATE_ORDER,
  type LocaleCue,
} from './date-order.js'
export {
  type ChatExtraction,
  type ChatRequest,
  type ExtractOptions,
  extractRequests,
  inferSelfName,
  type NearMiss,
  type PhoneSource,
} from './extract.js'
export {type ChatPlatform, type HeaderFormat} from './header.js'
export {
  buildChat,
  type ChatError,
  type ChatErrorReason,
  type ChatInput,
  type ChatMessage,
  type ChatParseResult,
  type ChatScan,
  type ChatScanResult,
  firstMessageAfter,
  looksLikeChatExport,
  type MessageKind,
  parseChat,
  parseChats,
  type ParsedChat,
  type ParseOptions,
  scanChat,
  type ScanOptions,
} from './parse.js'
export {normalizeAuthor} from './text.js'
export {type ChatTitle, chatTitleFromName, chatTitles} from './title.js'

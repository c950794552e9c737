/** One line of registro.jsonl: who changed what, when, and the record before and after. */
export interface AuditEntry {
  action: string
  after?: unknown
  before?: unknown
  operator: string
  subject: string
  ts: string
}

/** Cloud API webhook payloads (cloud-api.md §5) for tests. */
export interface InboundText {
  body: string
  from?: string
  id: string
  name?: string
  /** Unix seconds. */
  ts: number
  userId?: string
}

export function inboundEnvelope(messages: InboundText[]): unknown {
  return {
    entry: [
      {
        changes: [
          {
            field: 'messages',
            value: {
              contacts: messages.map(m => ({...(m.from ? {wa_id: m.from} : {}), ...(m.userId ? {user_id: m.userId} : {}), profile: {name: m.name ?? 'Cittadino'}})),
              messages: messages.map(m => ({
                ...(m.from ? {from: m.from} : {}),
                ...(m.userId ? {from_user_id: m.userId} : {}),
                id: m.id,
                text: {body: m.body},
                timestamp: String(m.ts),
                type: 'text',
              })),
              messaging_product: 'whatsapp',
              metadata: {display_phone_number: '393316509570', phone_number_id: '106540352242922'},
            },
          },
        ],
        id: '102290129340398',
      },
    ],
    object: 'whatsapp_business_account',
  }
}

import {strict as assert} from 'node:assert'

import {chatTitleFromName} from '../../../src/core/chat-export/index.js'

describe('chat-export/title: chat titles from file names (§1.1)', () => {
  const cases: Array<[string, null | string, null | string, null | string]> = [
    // [name, title, prefix locale, phone]
    ['Chat WhatsApp con Mario Rossi.txt', 'Mario Rossi', 'it', null],
    ['Chat_WhatsApp_con_+39_333_123_4567.txt', '+39 333 123 4567', 'it', '+393331234567'],
    ['WhatsApp Chat - +39 333 123 4567.zip', '+39 333 123 4567', 'en', '+393331234567'],
    ['WhatsApp Chat with Mario Rossi (1).txt', 'Mario Rossi', 'en', null],
    ['Chat WhatsApp con \u202A+39 333 123 4567\u202C (2).txt', '+39 333 123 4567', 'it', '+393331234567'],
    ['chat whatsapp con Anna.TXT', 'Anna', 'it', null],
    ['Chat de WhatsApp con Lucía.txt', 'Lucía', 'es', null],
    ['WhatsApp Chat mit Lukas.txt', 'Lukas', 'de', null],
    ['Discussion WhatsApp avec Élodie.txt', 'Élodie', 'fr', null],
    ['Conversa do WhatsApp com João.txt', 'João', 'pt', null],
    ['Conversa no WhatsApp com João.txt', 'João', 'pt', null],
    ['Чат WhatsApp с Иван.txt', 'Иван', 'ru', null],
    ["צ'אט WhatsApp עם דני.txt", 'דני', 'he', null],
    ['C:\\Users\\ufficio\\Desktop\\Chat WhatsApp con Mario.txt', 'Mario', 'it', null],
    ['/home/ufficio/+39 333 123 4567.txt', '+39 333 123 4567', null, '+393331234567'],
    ['WhatsApp Chat - Valdoria Informa', 'Valdoria Informa', 'en', null],
  ]
  for (const [name, title, locale, phone] of cases) {
    it(JSON.stringify(name), () => {
      const t = chatTitleFromName(name)
      assert.ok(t)
      assert.deepEqual([t.title, t.prefixLocale, t.phone], [title, locale, phone])
    })
  }

  it('ignores generic names', () => {
    assert.equal(chatTitleFromName('_chat.txt'), null)
    assert.equal(chatTitleFromName('.txt'), null)
  })
})

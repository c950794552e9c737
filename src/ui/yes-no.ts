/**
 * An Italian yes/no question: `(s/N)`, answered with s, sì, si (or y, yes) and n, no; Enter takes the default.
 * inquirer's own confirm knows only y/yes and silently read "sì" as the default (No) at `privacy erase`; anything
 * else here is refused with a hint and asked again.
 */
import {
  createPrompt, isEnterKey, makeTheme, useKeypress, usePrefix, useState,
} from '@inquirer/core'

import {prompts as t} from '../messages/prompts.js'

export function parseYesNo(answer: string): boolean | undefined {
  const a = answer.trim().toLowerCase().normalize('NFC')
  if (a === '') return undefined
  if (['s', 'si', 'sí', 'sì', 'y', 'yes'].includes(a)) return true
  if (['n', 'no'].includes(a)) return false
  return undefined
}

interface YesNoConfig {
  default: boolean
  message: string
}

export const yesNo = createPrompt<boolean, YesNoConfig>((config, done) => {
  const [status, setStatus] = useState<'done' | 'idle'>('idle')
  const [value, setValue] = useState('')
  const [error, setError] = useState<string | undefined>()
  const theme = makeTheme({})
  const prefix = usePrefix({status, theme})
  useKeypress((key, rl) => {
    if (status !== 'idle') return
    if (isEnterKey(key)) {
      const parsed = value.trim() === '' ? config.default : parseYesNo(value)
      if (parsed === undefined) {
        setError(t.yesNoInvalid(value.trim()))
        rl.clearLine(0)
        setValue('')
        return
      }

      setValue(parsed ? t.yes : t.no)
      setStatus('done')
      done(parsed)
    } else {
      setError(undefined)
      setValue(rl.line)
    }
  })
  const message = theme.style.message(config.message, status)
  const hint = status === 'done' ? '' : ` ${theme.style.defaultAnswer(config.default ? 'S/n' : 's/N')}`
  const shown = status === 'done' ? theme.style.answer(value) : value
  return [`${prefix} ${message}${hint} ${shown}`, error ? theme.style.error(error) : '']
})

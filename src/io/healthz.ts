/** One GET of a receiver's health endpoint, bounded in time; never throws. */
import http from 'node:http'
import https from 'node:https'

export interface HealthAnswer {
  ok: boolean
  /** HTTP status, or the transport error code (ECONNREFUSED, TIMEOUT …). */
  reason: string
}

export function probeHealth(url: string, timeoutMs: number): Promise<HealthAnswer> {
  return new Promise(resolve => {
    const get = url.startsWith('https:') ? https.get : http.get
    const request = get(url, {timeout: timeoutMs}, response => {
      response.resume()
      const status = response.statusCode ?? 0
      resolve({ok: status >= 200 && status < 300, reason: `HTTP ${status}`})
    })
    request.on('timeout', () => {
      request.destroy(Object.assign(new Error('timeout'), {code: 'TIMEOUT'}))
    })
    request.on('error', (error: NodeJS.ErrnoException) => {
      resolve({ok: false, reason: error.code ?? error.message})
    })
  })
}

import { fetchUtils, HttpError } from 'react-admin'
import simpleRestProvider from 'ra-data-simple-rest'
import { getSession, withTenant } from './session.ts'

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Same-origin requests with the session cookie, the CSRF token on writes, and the picked tenant. */
export async function httpClient(url: string, options: fetchUtils.Options = {}) {
  const method = (options.method ?? 'GET').toUpperCase()
  const headers = new Headers(options.headers as HeadersInit | undefined)
  if (!headers.has('Accept')) headers.set('Accept', 'application/json')
  for (const [name, value] of Object.entries(withTenant({}))) headers.set(name, value)
  if (!SAFE.has(method)) {
    const session = await getSession()
    if (session) headers.set('X-CSRF-Token', session.csrfToken)
  }
  try {
    return await fetchUtils.fetchJson(url, { ...options, headers, credentials: 'same-origin' })
  } catch (err) {
    // The engine answers {error:{code,message,field}}: show its message, keep the body for checkError.
    if (err instanceof HttpError) {
      const body = err.body as { error?: { message?: string; field?: string } } | undefined
      const message = body?.error?.message
        ? `${body.error.message}${body.error.field ? ` (${body.error.field})` : ''}`
        : err.message
      throw new HttpError(message, err.status, err.body)
    }
    throw err
  }
}

export const dataProvider = simpleRestProvider('/api/v1/admin', httpClient)

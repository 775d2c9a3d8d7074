import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP } from 'node:net'
import { Webhook } from 'standardwebhooks'
import { guardedLookup, hostOf, isPrivateAddress } from './target-guard.js'

export interface Attempt {
  url: string
  secret: string
  messageId: string
  body: string
}

export type AttemptResult =
  { ok: true; status: number } | { ok: false; status: number | null; error: string }

const MAX_ERROR_BODY = 500

/** The three Standard Webhooks headers for one attempt (the timestamp is the attempt's). */
export function signedHeaders(a: Attempt, at: Date): Record<string, string> {
  return {
    'webhook-id': a.messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(a.secret).sign(a.messageId, at, a.body),
  }
}

/**
 * One POST. Only a 2xx counts as delivered; redirects are not followed (a moved endpoint must be
 * re-subscribed, not chased to wherever a 3xx points). `signal` aborts on timeout or shutdown.
 */
export function sendAttempt(
  a: Attempt,
  opts: { allowPrivate: boolean; signal: AbortSignal },
): Promise<AttemptResult> {
  const url = new URL(a.url)
  const host = hostOf(url)
  if (!opts.allowPrivate && isIP(host) && isPrivateAddress(host))
    return Promise.resolve({ ok: false, status: null, error: `${host} is a private address` })
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise<AttemptResult>((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'OmniOrder-Webhooks/1',
          ...signedHeaders(a, new Date()),
        },
        signal: opts.signal,
        lookup: opts.allowPrivate ? undefined : (guardedLookup as never),
        // A fresh connection each time: a kept-alive socket would skip the address check.
        agent: false,
      },
      (res) => void readResult(res).then(resolve),
    )
    req.on('error', (err: Error) =>
      resolve({ ok: false, status: null, error: describe(err, opts.signal) }),
    )
    req.end(a.body)
  })
}

async function readResult(res: IncomingMessage): Promise<AttemptResult> {
  const status = res.statusCode ?? 0
  let text = ''
  try {
    for await (const chunk of res) {
      text += String(chunk)
      if (text.length >= MAX_ERROR_BODY) break // enough for the log; the rest is not read
    }
  } catch {
    // An answer cut short still has its status line.
  }
  if (status >= 200 && status < 300) return { ok: true, status }
  const snippet = text.slice(0, MAX_ERROR_BODY).trim()
  return { ok: false, status, error: `HTTP ${status}${snippet ? `: ${snippet}` : ''}` }
}

function describe(err: Error, signal: AbortSignal): string {
  if (signal.aborted) {
    const reason = signal.reason as Error | undefined
    return reason?.name === 'TimeoutError' ? 'timed out' : 'aborted'
  }
  const code = (err as NodeJS.ErrnoException).code
  return code ? `${code}: ${err.message}` : err.message
}

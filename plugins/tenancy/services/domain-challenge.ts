import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { OoError, type ResolvedConfig } from '@oo/core'
import type { TenancyOptions } from '../config.js'

export const CHALLENGE_PATH = '/.well-known/oo-domain-challenge/'
const MAX_BODY = 1024

/** Boot check: `connectTo` aimed at the engine would let every pending host prove itself. */
export function assertChallengeOptions(
  options: TenancyOptions,
  mode: ResolvedConfig['mode'],
): void {
  if (options.domainChallenge.connectTo && mode === 'production')
    throw new OoError(
      'TENANCY_CHALLENGE_CONNECT_TO_IN_PRODUCTION',
      500,
      'tenancy: domainChallenge.connectTo is for tests and is refused in production',
    )
}

export type ChallengeOutcome = { proven: true } | { proven: false; reason: string }

/**
 * Fetches `<scheme>://<host>/.well-known/oo-domain-challenge/<token>` and compares the body with
 * the token. No redirects are followed and only the first kilobyte is read: the host must answer
 * itself. The reason for a failure names what happened (status or network error) and nothing
 * of the body, so the fetch cannot be used to read another server's pages.
 */
export class DomainChallenge {
  readonly #options: TenancyOptions['domainChallenge']

  constructor({ tenancyOptions }: { tenancyOptions: TenancyOptions }) {
    this.#options = tenancyOptions.domainChallenge
  }

  url(host: string, token: string): string {
    const { scheme, port } = this.#options
    return `${scheme}://${host}${port ? `:${port}` : ''}${CHALLENGE_PATH}${token}`
  }

  check(host: string, token: string): Promise<ChallengeOutcome> {
    const { scheme, port, timeoutMs, connectTo } = this.#options
    const target = new URL(this.url(host, token))
    const send = scheme === 'https' ? httpsRequest : httpRequest
    return new Promise((resolve) => {
      const req = send(
        {
          host: connectTo ?? host,
          servername: host,
          port: port ?? (scheme === 'https' ? 443 : 80),
          path: target.pathname,
          headers: { host: target.host, accept: 'text/plain' },
          timeout: timeoutMs,
        },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume()
            return resolve({ proven: false, reason: `answered HTTP ${res.statusCode}` })
          }
          let body = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => {
            body += chunk
            if (body.length > MAX_BODY) res.destroy()
          })
          res.on('close', () =>
            resolve(
              body.trim() === token
                ? { proven: true }
                : { proven: false, reason: 'answered without the token' },
            ),
          )
        },
      )
      req.on('timeout', () => req.destroy(new Error('timed out')))
      req.on('error', (err: NodeJS.ErrnoException) =>
        resolve({ proven: false, reason: `unreachable (${err.code ?? err.message})` }),
      )
      req.end()
    })
  }
}

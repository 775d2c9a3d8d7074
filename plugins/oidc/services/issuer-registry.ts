import { OoError } from '@oo/core'
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose'
import * as client from 'openid-client'
import type { IssuerOptions } from '../config.js'

export interface IssuerEntry {
  options: IssuerOptions
  /** Discovery + JWKS, fetched on first use and cached; a failed discovery is retried next time. */
  connect(): Promise<{ config: client.Configuration; jwks: JWTVerifyGetKey }>
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** The issuers whose tokens we verify: configured ones and, when enabled, the built-in one. */
export class IssuerRegistry {
  readonly #entries = new Map<string, IssuerEntry>()

  readonly #jwks: { cacheMaxAge: number; cooldownDuration: number }

  constructor({
    oidcOptions,
  }: {
    oidcOptions: { issuers: IssuerOptions[]; jwksCacheSeconds: number; jwksCooldownSeconds: number }
  }) {
    this.#jwks = {
      cacheMaxAge: oidcOptions.jwksCacheSeconds * 1000,
      cooldownDuration: oidcOptions.jwksCooldownSeconds * 1000,
    }
    for (const options of oidcOptions.issuers) this.add(options)
  }

  add(options: IssuerOptions): IssuerEntry {
    const existing = this.#entries.get(options.issuer)
    if (existing) return existing
    const jwksOptions = this.#jwks
    let pending: Promise<{ config: client.Configuration; jwks: JWTVerifyGetKey }> | undefined
    const entry: IssuerEntry = {
      options,
      connect() {
        pending ??= discover(options, jwksOptions).catch((err: unknown) => {
          pending = undefined
          throw new OoError(
            'OIDC_ISSUER_UNAVAILABLE',
            503,
            `Issuer ${options.issuer} is unreachable`,
            { cause: err },
          )
        })
        return pending
      },
    }
    this.#entries.set(options.issuer, entry)
    return entry
  }

  get(issuer: string): IssuerEntry | undefined {
    return this.#entries.get(issuer)
  }

  all(): IssuerEntry[] {
    return [...this.#entries.values()]
  }

  /** True when some issuer of ours expects this audience (a token meant for us, from a stranger). */
  isOurAudience(aud: unknown): boolean {
    const wanted = new Set(this.all().map((e) => e.options.audience))
    return (Array.isArray(aud) ? aud : [aud]).some((a) => typeof a === 'string' && wanted.has(a))
  }

  /** The first configured issuer: browser sign-in goes there. */
  primary(): IssuerEntry | undefined {
    return this.#entries.values().next().value
  }
}

async function discover(
  options: IssuerOptions,
  jwksOptions: { cacheMaxAge: number; cooldownDuration: number },
): Promise<{ config: client.Configuration; jwks: JWTVerifyGetKey }> {
  const url = new URL(options.issuer)
  // Plain http only for an issuer on this machine (tests, the built-in development issuer).
  const insecure = url.protocol === 'http:' && LOOPBACK.has(url.hostname)
  const config = await client.discovery(url, options.clientId, options.clientSecret, undefined, {
    execute: insecure ? [client.allowInsecureRequests] : [],
    timeout: 10,
  })
  const jwksUri = config.serverMetadata().jwks_uri
  if (!jwksUri) throw new Error(`${options.issuer} publishes no jwks_uri`)
  // Keys are cached; an unknown kid triggers a refetch (at most once per cooldown): key rotation.
  const jwks = createRemoteJWKSet(new URL(jwksUri), { ...jwksOptions, timeoutDuration: 5000 })
  return { config, jwks }
}

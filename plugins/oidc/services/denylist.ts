import { createHash } from 'node:crypto'
import type { Redis } from '@oo/core'

/** How long "signed out everywhere" refuses older tokens: longer than any access token lives. */
const IDENTITY_CUTOFF_MS = 24 * 3600_000

/**
 * Revoked token ids until their natural expiry, and per identity the moment its sessions ended
 * (tokens issued until then are refused): Redis when configured (all processes), else memory.
 */
export class Denylist {
  readonly #redis: Redis | null
  readonly #prefix: string
  readonly #memory = new Map<string, number>()
  readonly #cutoffs = new Map<string, { at: number; until: number }>()

  constructor({
    redis,
    config,
  }: {
    redis: Redis | null
    config: { redis: { keyPrefix: string } }
  }) {
    this.#redis = redis
    this.#prefix = `${config.redis.keyPrefix}:oidc:revoked:`
  }

  async add(jti: string, expiresAt: Date): Promise<void> {
    const until = Math.max(expiresAt.getTime(), Date.now() + 1000)
    // Kept in this process too: it still holds here should Redis be away when a token is checked.
    this.#sweep()
    this.#memory.set(jti, until)
    await this.#redis?.set(this.#prefix + jti, '1', { expiration: { type: 'PXAT', value: until } })
  }

  /**
   * While Redis is away only this process's own revocations are known: a token revoked through
   * another process passes here until Redis is back (a checkout or order page must not fail).
   */
  async has(jti: string): Promise<boolean> {
    const until = this.#memory.get(jti)
    if (until !== undefined && until > Date.now()) return true
    if (!this.#redis?.isReady) return false
    return (await this.#redis.exists(this.#prefix + jti).catch(() => 0)) === 1
  }

  /** Tokens of this identity issued up to now (to the second) are refused from now on. */
  async endIdentity(issuer: string, subject: string): Promise<void> {
    const at = Date.now()
    const key = identityKey(issuer, subject)
    // Kept in this process too: it still holds here should Redis be away when a token is checked.
    if (this.#cutoffs.size > 10_000)
      for (const [k, v] of this.#cutoffs) if (v.until <= at) this.#cutoffs.delete(k)
    this.#cutoffs.set(key, { at, until: at + IDENTITY_CUTOFF_MS })
    await this.#redis?.set(`${this.#prefix}identity:${key}`, String(at), {
      expiration: { type: 'PX', value: IDENTITY_CUTOFF_MS },
    })
  }

  /** When this identity last signed out everywhere (ms), or null. */
  async identityEndedAt(issuer: string, subject: string): Promise<number | null> {
    const key = identityKey(issuer, subject)
    const local = this.#cutoffs.get(key)
    const here = local && local.until > Date.now() ? local.at : null
    if (!this.#redis) return here
    const shared = await this.#redis.get(`${this.#prefix}identity:${key}`).catch(() => null)
    return Math.max(shared ? Number(shared) : 0, here ?? 0) || null
  }

  #sweep(): void {
    if (this.#memory.size < 10_000) return
    const now = Date.now()
    for (const [jti, until] of this.#memory) if (until <= now) this.#memory.delete(jti)
  }
}

const identityKey = (issuer: string, subject: string) =>
  createHash('sha256').update(`${issuer}\n${subject}`).digest('base64url')

import { OoError, type Logger, type Redis } from '@oo/core'
import type { OidcOptions } from '../config.js'

interface Window {
  count: number
  resetInMs: number
}

/**
 * Failed sign-ins, counted per IP and per account address (known or not, so the answers do not
 * tell accounts apart). Checked before a password is, counted only when it was wrong: a kitchen
 * crew signing in behind one router spends nothing. In Redis when configured (every process
 * counts together); in memory without it, or while Redis is away.
 */
export class SignInFailures {
  readonly #redis: Redis | null
  readonly #prefix: string
  readonly #rules: OidcOptions['rateLimits']
  readonly #logger: Logger
  readonly #memory = new Map<string, { count: number; resetAt: number }>()

  constructor({
    redis,
    config,
    oidcOptions,
    logger,
  }: {
    redis: Redis | null
    config: { redis: { keyPrefix: string } }
    oidcOptions: OidcOptions
    logger: Logger
  }) {
    this.#redis = redis
    this.#prefix = `${config.redis.keyPrefix}:oidc:failed-sign-in:`
    this.#rules = oidcOptions.rateLimits
    this.#logger = logger
  }

  /** 423 when the address has used its failures (locked), 429 when the IP has. */
  async assertAllowed(ip: string, email: string): Promise<void> {
    const [account, fromIp] = await Promise.all([
      this.#read(`account:${email}`),
      this.#read(`ip:${ip}`),
    ])
    if (account.count >= this.#rules.signInPerUser.limit) {
      const retryAfter = seconds(account.resetInMs)
      throw new OoError(
        'OIDC_ACCOUNT_LOCKED',
        423,
        `Too many failed sign-ins for this address: try again in ${retryAfter} s, or reset the password to unlock it now`,
        { details: { retryAfter, bucket: 'sign-in-user' } },
      )
    }
    if (fromIp.count >= this.#rules.signInPerIp.limit) {
      const retryAfter = seconds(fromIp.resetInMs)
      throw new OoError(
        'OIDC_RATE_LIMITED',
        429,
        `Too many failed sign-ins from your address; try again in ${retryAfter} s`,
        { details: { retryAfter, bucket: 'sign-in-ip' } },
      )
    }
  }

  async recordFailure(ip: string, email: string): Promise<void> {
    await Promise.all([
      this.#add(`account:${email}`, this.#rules.signInPerUser.windowSeconds * 1000),
      this.#add(`ip:${ip}`, this.#rules.signInPerIp.windowSeconds * 1000),
    ])
  }

  /** A password reset unlocks the address at once. */
  async clear(email: string): Promise<void> {
    this.#memory.delete(`account:${email}`)
    await this.#redisOr(() => this.#redis!.del(this.#prefix + `account:${email}`), undefined)
  }

  async #read(key: string): Promise<Window> {
    const local = this.#local(key)
    const shared = await this.#redisOr(async () => {
      const [count, ttl] = (await this.#redis!.multi()
        .get(this.#prefix + key)
        .pTTL(this.#prefix + key)
        .exec()) as unknown as [string | null, number]
      return { count: Number(count ?? 0), resetInMs: ttl > 0 ? ttl : 0 }
    }, null)
    return shared && shared.count >= local.count ? shared : local
  }

  async #add(key: string, windowMs: number): Promise<void> {
    const now = Date.now()
    const entry = this.#memory.get(key)
    if (!entry || entry.resetAt <= now) {
      if (this.#memory.size > 50_000) this.#sweep(now)
      this.#memory.set(key, { count: 1, resetAt: now + windowMs })
    } else entry.count++
    await this.#redisOr(async () => {
      const k = this.#prefix + key
      await this.#redis!.multi()
        .set(k, '0', { condition: 'NX', expiration: { type: 'PX', value: windowMs } })
        .incr(k)
        .exec()
    }, undefined)
  }

  #local(key: string): Window {
    const entry = this.#memory.get(key)
    const now = Date.now()
    return entry && entry.resetAt > now
      ? { count: entry.count, resetInMs: entry.resetAt - now }
      : { count: 0, resetInMs: 0 }
  }

  /** Redis when configured and reachable; this process's own count while it is away. */
  async #redisOr<T>(fn: () => Promise<T>, fallback: T): Promise<T> {
    if (!this.#redis) return fallback
    try {
      return await fn()
    } catch (err) {
      this.#logger.warn({ err }, 'oidc: failed sign-ins counted in this process only (Redis)')
      return fallback
    }
  }

  #sweep(now: number): void {
    for (const [key, entry] of this.#memory) if (entry.resetAt <= now) this.#memory.delete(key)
  }
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000))

import { OoError, type Redis } from '@oo/core'

export interface RateRule {
  limit: number
  windowSeconds: number
}

/**
 * Fixed-window counters: Redis when configured (every process counts together), else memory.
 * The (limit+1)th hit inside a window throws 429 with `retryAfter` (core sets Retry-After).
 */
export class RateLimiter {
  readonly #redis: Redis | null
  readonly #prefix: string
  readonly #memory = new Map<string, { count: number; resetAt: number }>()

  constructor({
    redis,
    config,
  }: {
    redis: Redis | null
    config: { redis: { keyPrefix: string } }
  }) {
    this.#redis = redis
    this.#prefix = `${config.redis.keyPrefix}:oidc:rl:`
  }

  async hit(bucket: string, key: string, rule: RateRule): Promise<void> {
    const { count, resetInMs } = await this.#count(`${bucket}:${key}`, rule.windowSeconds * 1000)
    if (count > rule.limit) {
      const retryAfter = Math.max(1, Math.ceil(resetInMs / 1000))
      throw new OoError(
        'OIDC_RATE_LIMITED',
        429,
        `Too many requests (${bucket}); try again in ${retryAfter} s`,
        { details: { retryAfter, bucket } },
      )
    }
  }

  async #count(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }> {
    if (this.#redis) {
      const k = this.#prefix + key
      const [, count, ttl] = (await this.#redis
        .multi()
        .set(k, '0', { condition: 'NX', expiration: { type: 'PX', value: windowMs } })
        .incr(k)
        .pTTL(k)
        .exec()) as unknown as [unknown, number, number]
      return { count, resetInMs: ttl > 0 ? ttl : windowMs }
    }
    const now = Date.now()
    let entry = this.#memory.get(key)
    if (!entry || entry.resetAt <= now) {
      if (this.#memory.size > 50_000) this.#sweep(now)
      entry = { count: 0, resetAt: now + windowMs }
      this.#memory.set(key, entry)
    }
    entry.count++
    return { count: entry.count, resetInMs: entry.resetAt - now }
  }

  #sweep(now: number): void {
    for (const [key, entry] of this.#memory) if (entry.resetAt <= now) this.#memory.delete(key)
  }
}

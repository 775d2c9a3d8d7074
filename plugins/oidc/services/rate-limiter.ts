import { OoError, type Logger, type Metrics, type Redis } from '@oo/core'
import { Counter, Gauge } from 'prom-client'

export interface RateRule {
  limit: number
  windowSeconds: number
}

// Loopback Redis answers in well under a millisecond; a Redis that takes longer than this is
// treated as away for this hit rather than holding up the request.
const REDIS_ANSWER_MS = 250
// Back on Redis only after it has answered for this long: one lucky answer (a reply to a command
// sent before the outage, or between two slow ones) must not flip the state back and forth.
const RECOVER_AFTER_MS = 2000

/**
 * Fixed-window counters: Redis when configured (every process counts together), else memory.
 * The (limit+1)th hit inside a window throws 429 with `retryAfter` (core sets Retry-After).
 *
 * When Redis is configured but away (not connected, an error, no answer within 250 ms) the hit
 * is counted in this process's memory at once, so an outage costs no request its latency and
 * answers no request 500. The same limits then hold per process, not per cluster. One warning
 * per outage, `oo_rate_limit_degraded` is 1 meanwhile and `oo_rate_limit_memory_hits_total`
 * counts the hits; back on Redis (logged) once it has answered for 2 s.
 */
export class RateLimiter {
  readonly #redis: Redis | null
  readonly #prefix: string
  readonly #logger: Logger
  readonly #memory = new Map<string, { count: number; resetAt: number }>()
  readonly #degradedGauge: Gauge
  readonly #memoryHits: Counter
  #degradedSince: number | null = null
  #answeringSince: number | null = null

  constructor({
    redis,
    config,
    logger,
    metrics,
  }: {
    redis: Redis | null
    config: { redis: { keyPrefix: string } }
    logger: Logger
    metrics: Metrics
  }) {
    this.#redis = redis
    this.#prefix = `${config.redis.keyPrefix}:oidc:rl:`
    this.#logger = logger
    this.#degradedGauge = new Gauge({
      name: 'oo_rate_limit_degraded',
      help: '1 while rate limits count per process because Redis is unavailable',
      registers: [metrics.registry],
    })
    this.#memoryHits = new Counter({
      name: 'oo_rate_limit_memory_hits_total',
      help: 'Rate-limit hits counted in process memory because Redis was unavailable',
      registers: [metrics.registry],
    })
  }

  /** True while Redis is configured but the counters live in this process's memory. */
  get degraded(): boolean {
    return this.#degradedSince !== null
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
    const redis = this.#redis
    if (!redis) return this.#countInMemory(key, windowMs)
    if (!redis.isReady) {
      this.#degrade('not connected')
    } else {
      const sentAt = Date.now()
      try {
        const counted = await this.#countInRedis(redis, key, windowMs)
        this.#answered(sentAt)
        return counted
      } catch (err) {
        this.#degrade(err)
      }
    }
    this.#memoryHits.inc()
    return this.#countInMemory(key, windowMs)
  }

  #countInRedis(
    redis: Redis,
    key: string,
    windowMs: number,
  ): Promise<{ count: number; resetInMs: number }> {
    const k = this.#prefix + key
    const reply = redis
      .multi()
      .set(k, '0', { condition: 'NX', expiration: { type: 'PX', value: windowMs } })
      .incr(k)
      .pTTL(k)
      .exec()
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${REDIS_ANSWER_MS} ms`)),
        REDIS_ANSWER_MS,
      )
    })
    reply.catch(() => undefined) // a late failure after the timeout has no one waiting for it
    return Promise.race([reply, late])
      .then((replies) => {
        const [, count, ttl] = replies as unknown as [unknown, number, number]
        return { count, resetInMs: ttl > 0 ? ttl : windowMs }
      })
      .finally(() => clearTimeout(timer))
  }

  #countInMemory(key: string, windowMs: number): { count: number; resetInMs: number } {
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

  #degrade(cause: unknown): void {
    this.#answeringSince = null
    if (this.#degradedSince !== null) return
    this.#degradedSince = Date.now()
    this.#degradedGauge.set(1)
    this.#logger.warn(
      { err: cause instanceof Error ? cause : undefined, cause: String(cause) },
      'rate limits count per process: Redis unavailable',
    )
  }

  #answered(sentAt: number): void {
    if (this.#degradedSince === null || sentAt < this.#degradedSince) return
    const now = Date.now()
    this.#answeringSince ??= now
    if (now - this.#answeringSince < RECOVER_AFTER_MS) return
    const degradedMs = now - this.#degradedSince
    this.#degradedSince = null
    this.#answeringSince = null
    this.#degradedGauge.set(0)
    this.#memory.clear()
    this.#logger.info({ degradedMs }, 'rate limits count in Redis again')
  }

  #sweep(now: number): void {
    for (const [key, entry] of this.#memory) if (entry.resetAt <= now) this.#memory.delete(key)
  }
}

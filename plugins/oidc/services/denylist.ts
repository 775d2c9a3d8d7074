import type { Redis } from '@oo/core'

/** Revoked token ids until their natural expiry: Redis when configured (all processes), else memory. */
export class Denylist {
  readonly #redis: Redis | null
  readonly #prefix: string
  readonly #memory = new Map<string, number>()

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
    if (this.#redis) {
      await this.#redis.set(this.#prefix + jti, '1', { expiration: { type: 'PXAT', value: until } })
      return
    }
    this.#sweep()
    this.#memory.set(jti, until)
  }

  async has(jti: string): Promise<boolean> {
    if (this.#redis) return (await this.#redis.exists(this.#prefix + jti)) === 1
    const until = this.#memory.get(jti)
    return until !== undefined && until > Date.now()
  }

  #sweep(): void {
    if (this.#memory.size < 10_000) return
    const now = Date.now()
    for (const [jti, until] of this.#memory) if (until <= now) this.#memory.delete(jti)
  }
}

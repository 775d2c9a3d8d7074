import { createHash } from 'node:crypto'

export interface CachedBody {
  /** UTF-8 JSON, encoded once. */
  body: Buffer
  etag: string
}

interface Entry extends CachedBody {
  tenantId: string
  generation: number
  expires: number
}

/**
 * Store API responses, per process, as serialized JSON. Every committed catalog event bumps the
 * tenant's generation (on every process, see events.ts), which retires all its entries at once.
 * A response computed while a change commits is never stored: its generation is already stale.
 */
export class StoreCache {
  readonly #entries = new Map<string, Entry>()
  readonly #generations = new Map<string, number>()
  readonly #max: number
  readonly #ttlMs: number

  constructor(opts: { maxEntries: number; ttlMs: number }) {
    this.#max = opts.maxEntries
    this.#ttlMs = opts.ttlMs
  }

  generation(tenantId: string): number {
    return this.#generations.get(tenantId) ?? 0
  }

  get(tenantId: string, key: string): CachedBody | undefined {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    if (entry.generation !== this.generation(tenantId) || entry.expires < Date.now()) {
      this.#entries.delete(key)
      return undefined
    }
    return entry
  }

  /** Serializes `value`; stores it unless the tenant's catalog changed since `generation`. */
  put(tenantId: string, key: string, generation: number, value: unknown): CachedBody {
    const body = Buffer.from(JSON.stringify(value))
    const etag = `W/"${createHash('sha1').update(body).digest('base64url')}"`
    if (this.#max > 0 && generation === this.generation(tenantId)) {
      if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value!)
      this.#entries.set(key, {
        tenantId,
        generation,
        body,
        etag,
        expires: Date.now() + this.#ttlMs,
      })
    }
    return { body, etag }
  }

  invalidate(tenantId: string): void {
    this.#generations.set(tenantId, this.generation(tenantId) + 1)
  }
}

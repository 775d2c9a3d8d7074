import { tenantRoom } from '@oo/core'
import type { Server } from 'socket.io'
import type { ProductUpdatedPayload } from '../cradle.js'
import { INVALIDATE, STOREFRONT } from '../sockets/storefront.js'
import type { StoreCache } from './store-cache.js'

/** How long changes gather before they go out; well inside the storefront's 100 ms promise. */
const WINDOW_MS = 15

/**
 * Tells shoppers and the other engine processes about catalog changes, in batches. Every
 * checkout changes stock: sent one by one, each line of each order would cost two Redis
 * publishes (the other processes' cache, the shoppers' room) decoded by every process. Within a
 * short window the cache message goes out once per tenant and each product's latest state once.
 * This process's own cache is retired at once.
 */
export class StorefrontPublisher {
  readonly #io: Server
  readonly #cache: StoreCache
  readonly #clustered: boolean
  readonly #tenants = new Set<string>()
  readonly #products = new Map<string, { tenantId: string; payload: ProductUpdatedPayload }>()
  #timer?: NodeJS.Timeout
  #closed = false

  constructor({ io, storeCache, redis }: { io: Server; storeCache: StoreCache; redis: unknown }) {
    this.#io = io
    this.#cache = storeCache
    this.#clustered = !!redis
  }

  productChanged(tenantId: string, payload: ProductUpdatedPayload): void {
    this.#products.set(`${tenantId}:${payload.productId}`, { tenantId, payload })
    this.tenantChanged(tenantId)
  }

  /** The tenant's cached store responses are stale on every process. */
  tenantChanged(tenantId: string): void {
    this.#cache.invalidate(tenantId)
    this.#tenants.add(tenantId)
    // Once closed, at once: a timer would fire after the Redis client it publishes through closed.
    if (this.#closed) return this.flush()
    if (this.#timer) return
    this.#timer = setTimeout(() => this.flush(), WINDOW_MS)
    this.#timer.unref()
  }

  /** Sends what is pending; later changes go out at once, never from a timer (engine stop). */
  close(): void {
    this.#closed = true
    this.flush()
  }

  flush(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    const storefront = this.#io.of(STOREFRONT)
    // Other processes hear it through the Redis adapter; a lone process has no one to tell.
    if (this.#clustered)
      for (const tenantId of this.#tenants) storefront.serverSideEmit(INVALIDATE, tenantId)
    for (const { tenantId, payload } of this.#products.values())
      storefront.to(tenantRoom(tenantId)).emit('catalog.product.updated', payload)
    this.#tenants.clear()
    this.#products.clear()
  }
}

import type { Server } from 'socket.io'
import { describe, expect, it, vi } from 'vitest'
import type { ProductUpdatedPayload } from '../cradle.js'
import { StoreCache } from './store-cache.js'
import { StorefrontPublisher } from './storefront-publisher.js'

/** Records what would go out through socket.io (and the Redis adapter behind it). */
function recordingIo() {
  const sent: string[] = []
  const io = {
    of: () => ({
      serverSideEmit: (event: string, tenantId: string) => sent.push(`${event} ${tenantId}`),
      to: (room: string) => ({
        emit: (event: string, p: ProductUpdatedPayload) =>
          sent.push(`${room} ${event} ${p.productId}=${p.stockQty}`),
      }),
    }),
  } as unknown as Server
  return { io, sent }
}

const stock = (productId: string, stockQty: number): ProductUpdatedPayload => ({
  productId,
  slug: productId,
  stockQty,
  priceMinor: 100,
  currency: 'EUR',
  active: true,
  changes: ['stock'],
})

describe('StorefrontPublisher', () => {
  it('sends one cache message per tenant and each product’s latest state once per window', () => {
    vi.useFakeTimers()
    try {
      const { io, sent } = recordingIo()
      const cache = new StoreCache({ maxEntries: 10, ttlMs: 60_000 })
      cache.put('t1', 'list', cache.generation('t1'), { stock: 9 })
      const publisher = new StorefrontPublisher({ io, storeCache: cache, redis: {} })
      publisher.productChanged('t1', stock('p1', 9))
      // This process's own cache is stale at once, not at the end of the window.
      expect(cache.get('t1', 'list')).toBeUndefined()
      publisher.productChanged('t1', stock('p1', 8))
      publisher.productChanged('t1', stock('p2', 4))
      publisher.productChanged('t2', stock('p1', 1))
      expect(sent).toEqual([])
      vi.advanceTimersByTime(50)
      expect(sent.sort()).toEqual(
        [
          'catalog:invalidate t1',
          'catalog:invalidate t2',
          'tenant:t1 catalog.product.updated p1=8',
          'tenant:t1 catalog.product.updated p2=4',
          'tenant:t2 catalog.product.updated p1=1',
        ].sort(),
      )
    } finally {
      vi.useRealTimers()
    }
  })

  it('tells no other process when there is none (no Redis)', () => {
    const { io, sent } = recordingIo()
    const publisher = new StorefrontPublisher({
      io,
      storeCache: new StoreCache({ maxEntries: 10, ttlMs: 60_000 }),
      redis: null,
    })
    publisher.tenantChanged('t1')
    publisher.flush()
    expect(sent).toEqual([])
  })

  it('leaves no timer behind once closed: later changes go out at once', () => {
    vi.useFakeTimers()
    try {
      const { io, sent } = recordingIo()
      const publisher = new StorefrontPublisher({
        io,
        storeCache: new StoreCache({ maxEntries: 10, ttlMs: 60_000 }),
        redis: {},
      })
      publisher.productChanged('t1', stock('p1', 3))
      publisher.close()
      expect(sent.sort()).toEqual([
        'catalog:invalidate t1',
        'tenant:t1 catalog.product.updated p1=3',
      ])
      // An event delivered during the engine's stop: nothing may fire after Redis closed.
      publisher.productChanged('t1', stock('p1', 2))
      expect(vi.getTimerCount()).toBe(0)
      expect(sent).toContain('tenant:t1 catalog.product.updated p1=2')
    } finally {
      vi.useRealTimers()
    }
  })
})

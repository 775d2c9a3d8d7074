import { describe, expect, it } from 'vitest'
import { StoreCache } from './store-cache.js'

describe('StoreCache', () => {
  it('serves an entry until the tenant’s next committed change', () => {
    const cache = new StoreCache({ maxEntries: 10, ttlMs: 60_000 })
    const put = cache.put('t1', 'k', cache.generation('t1'), { stock: 5 })
    expect(put.body.toString()).toBe('{"stock":5}')
    expect(cache.get('t1', 'k')?.etag).toBe(put.etag)
    cache.invalidate('t2')
    expect(cache.get('t1', 'k')).toBeDefined() // another tenant's change leaves it alone
    cache.invalidate('t1')
    expect(cache.get('t1', 'k')).toBeUndefined()
  })

  it('never stores a response computed while a change committed', () => {
    const cache = new StoreCache({ maxEntries: 10, ttlMs: 60_000 })
    const generation = cache.generation('t1') // request starts reading
    cache.invalidate('t1') // a change commits meanwhile
    const answer = cache.put('t1', 'k', generation, { stock: 5 }) // the (possibly stale) read finishes
    expect(answer.body.toString()).toBe('{"stock":5}') // this caller still gets its answer…
    expect(cache.get('t1', 'k')).toBeUndefined() // …but nobody else will
  })

  it('expires entries and evicts the oldest when full; 0 entries disables it', () => {
    const cache = new StoreCache({ maxEntries: 2, ttlMs: 60_000 })
    for (const k of ['a', 'b', 'c']) cache.put('t', k, 0, k)
    expect([cache.get('t', 'a'), cache.get('t', 'b'), cache.get('t', 'c')].map(Boolean)).toEqual([
      false,
      true,
      true,
    ])
    const expired = new StoreCache({ maxEntries: 2, ttlMs: -1 })
    expired.put('t', 'a', 0, 'a')
    expect(expired.get('t', 'a')).toBeUndefined()
    const off = new StoreCache({ maxEntries: 0, ttlMs: 60_000 })
    off.put('t', 'a', 0, 'a')
    expect(off.get('t', 'a')).toBeUndefined()
  })
})

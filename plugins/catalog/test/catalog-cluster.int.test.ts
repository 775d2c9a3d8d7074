import { boot, type Engine } from '@oo/core'
import { createTestApp, createTestDatabase, hasPostgres, hasRedis, type TestApp, type TestDatabase } from '@oo/core/testing'
import supertest from 'supertest'
import { io as connect, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../tenancy/index.js'
import media from '../../media/index.js'
import catalog from '../index.js'
import { tempDir, type Shop } from './fixtures.js'

// Two engine processes need a shared database and Redis: PGlite is one process only.
describe.skipIf(!hasPostgres || !hasRedis)('two engines behind one shop (PostgreSQL + Redis)', () => {
  let db: TestDatabase
  let one: TestApp
  let two: Engine
  let shop: Shop
  let socket: Socket
  const tmp = tempDir('oo-cluster-media-')

  beforeAll(async () => {
    db = await createTestDatabase()
    one = await createTestApp({ plugins: [tenancy(), media({ dir: tmp.dir }), catalog()], database: db })
    // A second engine on the same database and the same Redis channel prefix: another "process".
    two = await boot({
      mode: 'test',
      http: { port: 0, host: '127.0.0.1' },
      database: db.config,
      redis: { url: process.env.REDIS_URL, keyPrefix: one.engine.config.redis.keyPrefix },
      plugins: [tenancy(), media({ dir: tmp.dir }), catalog()],
    })
    await two.listen()
    shop = await one.seedTenant('clustershop')
  })
  afterAll(async () => {
    socket?.disconnect()
    await two?.stop()
    await one?.close()
    await db?.drop()
    tmp.remove()
  })

  it('a change committed on one engine retires the other engine’s cache and reaches its sockets', async () => {
    const created = await one.as(shop.owner).post('/api/v1/admin/products').set('Host', shop.host).send({ name: 'Shared Pears', priceMinor: 400, stockQty: 10 }).expect(201)
    const slugUrl = '/api/v1/store/products/shared-pears'
    const fresh = async () => (await supertest(two.url).get(slugUrl).set('Host', shop.host).expect(200)).body.stockQty as number
    // Wait until engine two sees the product (its cache may have been filled before the create event).
    for (let i = 0; i < 100 && (await supertest(two.url).get(slugUrl).set('Host', shop.host)).status !== 200; i++) await new Promise((r) => setTimeout(r, 10))
    expect(await fresh()).toBe(10)
    expect(await fresh()).toBe(10) // served from engine two's cache now

    socket = connect(`${two.url}/storefront`, { transports: ['websocket'], extraHeaders: { host: shop.host }, reconnection: false })
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject))
    const seen: number[] = []
    socket.on('catalog.product.updated', (p: { productId: string; stockQty: number }) => p.productId === created.body.id && seen.push(performance.now()))

    await one.as(shop.owner).put(`/api/v1/admin/products/${created.body.id}`).set('Host', shop.host).send({ stockQty: 3 }).expect(200)
    const committed = performance.now()
    for (const until = committed + 2000; !seen.length && performance.now() < until; ) await new Promise((r) => setTimeout(r, 2))
    expect(seen.length).toBe(1)
    expect(seen[0]! - committed).toBeLessThan(100)
    expect(await fresh()).toBe(3)
  })
})

import { boot, type Engine } from '@oo/core'
import {
  createTestApp,
  createTestDatabase,
  hasPostgres,
  hasRedis,
  type TestApp,
  type TestDatabase,
} from '@oo/core/testing'
import supertest from 'supertest'
import { io as connect, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../tenancy/index.js'
import media from '../../media/index.js'
import catalog from '../index.js'
import { tempDir, type Shop } from './fixtures.js'

// Two engine processes need a shared database and Redis: PGlite is one process only.
describe.skipIf(!hasPostgres || !hasRedis)(
  'two engines behind one shop (PostgreSQL + Redis)',
  () => {
    let db: TestDatabase
    let one: TestApp
    let two: Engine
    let shop: Shop
    let socket: Socket
    const tmp = tempDir('oo-cluster-media-')

    beforeAll(async () => {
      db = await createTestDatabase()
      one = await createTestApp({
        plugins: [tenancy(), media({ dir: tmp.dir }), catalog()],
        database: db,
      })
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
      const created = await one
        .as(shop.owner)
        .post('/api/v1/admin/products')
        .set('Host', shop.host)
        .send({ name: 'Shared Pears', priceMinor: 400, stockQty: 10 })
        .expect(201)
      const slugUrl = '/api/v1/store/products/shared-pears'
      const fresh = async () =>
        (await supertest(two.url).get(slugUrl).set('Host', shop.host).expect(200)).body
          .stockQty as number
      // Wait until engine two sees the product (its cache may have been filled before the create event).
      for (
        let i = 0;
        i < 100 && (await supertest(two.url).get(slugUrl).set('Host', shop.host)).status !== 200;
        i++
      )
        await new Promise((r) => setTimeout(r, 10))
      expect(await fresh()).toBe(10)
      expect(await fresh()).toBe(10) // served from engine two's cache now

      socket = connect(`${two.url}/storefront`, {
        transports: ['websocket'],
        extraHeaders: { host: shop.host },
        reconnection: false,
      })
      await new Promise<void>((resolve, reject) =>
        socket.once('connect', resolve).once('connect_error', reject),
      )
      const seen: { at: number; stockQty: number }[] = []
      socket.on(
        'catalog.product.updated',
        (p: { productId: string; stockQty: number }) =>
          p.productId === created.body.id &&
          seen.push({ at: performance.now(), stockQty: p.stockQty }),
      )

      // Three changes on engine one; each must reach engine two's socket and retire its cache.
      const latencies: number[] = []
      for (const stockQty of [3, 2, 1]) {
        const before = seen.length
        await one
          .as(shop.owner)
          .put(`/api/v1/admin/products/${created.body.id}`)
          .set('Host', shop.host)
          .send({ stockQty })
          .expect(200)
        const committed = performance.now()
        for (const until = committed + 3000; seen.length === before && performance.now() < until;)
          await new Promise((r) => setTimeout(r, 2))
        expect(seen.length, `push for stock ${stockQty} reached engine two`).toBe(before + 1)
        expect(seen.at(-1)!.stockQty).toBe(stockQty)
        latencies.push(seen.at(-1)!.at - committed)
        expect(await fresh(), 'engine two serves the new stock after the push').toBe(stockQty)
      }
      // Median, so one scheduling hiccup on a loaded 2-core machine does not decide it.
      expect(
        latencies.sort((x, y) => x - y)[1],
        `cross-engine push latencies ${latencies.map((l) => l.toFixed(1)).join(', ')} ms`,
      ).toBeLessThan(100)
    })
  },
)

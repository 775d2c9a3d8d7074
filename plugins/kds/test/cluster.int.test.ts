import { randomBytes } from 'node:crypto'
import {
  createTestDatabase,
  hasPostgres,
  hasRedis,
  type TestApp,
  type TestDatabase,
} from '@oo/core/testing'
import { exportJWK } from 'jose'
import type { Socket } from 'socket.io-client'
import supertest from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bootOrders,
  collect,
  connectSocket,
  emitAck,
  seedShop,
  type Shop,
} from '../../orders/test/helpers.js'
import type { KitchenTicket } from '../services/tickets.js'
import { KDS_ENGINE, spawnEngine, type EngineProcess } from './fixtures/spawn.js'

// Separate OS processes need a shared PostgreSQL and Redis; PGlite is single-process by design.
describe.skipIf(!hasPostgres || !hasRedis)('orders and kds across two engine processes', () => {
  let database: TestDatabase
  let admin: TestApp
  let a: EngineProcess
  let b: EngineProcess
  let taco: Shop
  let sushi: Shop
  const sockets: Socket[] = []

  beforeAll(async () => {
    database = await createTestDatabase()
    // In-process engine only to migrate, provision and sign tokens: its dispatcher is off.
    admin = await bootOrders({ database, boot: { outbox: { autoDispatch: false } } })
    taco = await seedShop(admin, 'taco', [
      { slug: 'al-pastor', price: 450, stock: 100, category: 'tacos' },
    ])
    sushi = await seedShop(admin, 'sushi', [{ slug: 'nigiri', price: 600, stock: 100 }])
    const env = {
      DATABASE_URL: database.config.url,
      DATABASE_APP_URL: database.config.appUrl,
      OO_REDIS_PREFIX: `oo-kds-${randomBytes(4).toString('hex')}`,
      OO_TEST_ISSUER_JWK: JSON.stringify(await exportJWK((await admin.issuer.keys()).publicKey)),
    }
    ;[a, b] = await Promise.all([spawnEngine(KDS_ENGINE, env), spawnEngine(KDS_ENGINE, env)])
  }, 120_000)

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect()
    const codes = await Promise.all([a?.stop(), b?.stop()])
    await admin?.close()
    expect(codes).toEqual([0, 0])
  })

  const socketOn = async (engine: EngineProcess, nsp: string, shop: Shop, token: string) => {
    const socket = await connectSocket(engine.url, nsp, shop.host, token)
    sockets.push(socket)
    return socket
  }

  it('takes an order on A to a kitchen on B, a bump on B to the customer on A, and nothing to another tenant', async () => {
    expect(a.pid).not.toBe(b.pid)
    const tacoKitchenOnB = await socketOn(b, '/kitchen', taco, await admin.tokenFor(taco.kitchen))
    const sushiKitchenOnA = await socketOn(
      a,
      '/kitchen',
      sushi,
      await admin.tokenFor(sushi.kitchen),
    )
    const sushiKitchenOnB = await socketOn(
      b,
      '/kitchen',
      sushi,
      await admin.tokenFor(sushi.kitchen),
    )
    const tickets = collect<KitchenTicket>(tacoKitchenOnB, 'ticket:created')
    const leaks = [
      collect<KitchenTicket>(sushiKitchenOnA, 'ticket:created'),
      collect<KitchenTicket>(sushiKitchenOnB, 'ticket:created'),
    ]

    const sent = performance.now()
    const res = await supertest(a.url)
      .post('/api/v1/store/checkout')
      .set('Host', taco.host)
      .send({
        items: [{ productId: taco.products['al-pastor'], quantity: 2 }],
        customer: { pickupName: 'Cross' },
      })
      .expect(201)
    const ticket = await tickets.waitFor((tk) => tk.orderId === res.body.order.id)
    const latency = performance.now() - sent
    expect(ticket).toMatchObject({
      status: 'placed',
      label: 'Cross',
      items: [{ name: 'al pastor', quantity: 2 }],
    })

    const customerOnA = await socketOn(a, '/order-status', taco, res.body.orderToken)
    const statuses = collect<{ status: string }>(customerOnA, 'order:status')
    await statuses.waitFor((m) => m.status === 'placed')
    const bumped = await emitAck<{ ok: boolean; ticket: KitchenTicket }>(
      tacoKitchenOnB,
      'ticket:bump',
      { orderId: ticket.orderId },
    )
    expect(bumped).toMatchObject({ ok: true, ticket: { status: 'ready' } })
    await statuses.waitFor((m) => m.status === 'ready')
    expect(statuses.items.map((m) => m.status)).toEqual([
      'placed',
      'accepted',
      'preparing',
      'ready',
    ])

    await new Promise((r) => setTimeout(r, 500))
    for (const leak of leaks) expect(leak.items).toEqual([])
    console.info(
      `order → kitchen on the other process: ${latency.toFixed(1)} ms (first order, cold)`,
    )
  })

  it('delivers every order exactly once to a kitchen on the other process under a burst', async () => {
    const kitchen = await socketOn(b, '/kitchen', taco, await admin.tokenFor(taco.kitchen))
    const tickets = collect<KitchenTicket>(kitchen, 'ticket:created')
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        supertest(i % 2 ? a.url : b.url)
          .post('/api/v1/store/checkout')
          .set('Host', taco.host)
          .send({
            items: [{ productId: taco.products['al-pastor'], quantity: 1 }],
            customer: { pickupName: `Burst ${i}` },
          }),
      ),
    )
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201))
    for (const r of results) await tickets.waitFor((tk) => tk.orderId === r.body.order.id)
    await new Promise((r) => setTimeout(r, 500))
    const ids = tickets.items.map((tk) => tk.orderId)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).toHaveLength(20)
  })
})

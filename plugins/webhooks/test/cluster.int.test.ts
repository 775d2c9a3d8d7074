import { createTestDatabase, hasPostgres, type TestApp, type TestDatabase } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedShop, type Shop } from '../../orders/test/helpers.js'
import { API, bootWebhooks, deliveriesOf, order, subscribe } from './helpers.js'
import { Receiver, eventually, sleep, verify } from './receiver.js'

// Two engine processes' worth of engines on one PostgreSQL database (PGlite has one process).
describe.skipIf(!hasPostgres)('webhooks: several engines share the deliveries', () => {
  let database: TestDatabase
  let a: TestApp
  let b: TestApp
  let pizza: Shop
  const receiver = new Receiver()
  const options = {
    allowPrivateTargets: true,
    retryDelaysMs: Array(50).fill(30),
    pollIntervalMs: 20,
    timeoutMs: 2000,
  }

  beforeAll(async () => {
    await receiver.start()
    database = await createTestDatabase()
    a = await bootWebhooks(options, { database })
    b = await bootWebhooks(options, { database })
    pizza = await seedShop(a, 'pizza', [{ slug: 'margherita', price: 950, stock: 1000 }])
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await database?.drop()
    await receiver.down()
  })

  it('never sends the same delivery twice, and keeps each endpoint in order', async () => {
    const ep = await subscribe(a, pizza, receiver.url('/cluster'))
    await receiver.down()
    for (let i = 0; i < 12; i++) {
      const engine = i % 2 ? b : a
      await engine.http
        .post('/api/v1/store/checkout')
        .set('Host', pizza.host)
        .send(order(pizza, 'margherita'))
        .expect(201)
    }
    const workers = [a, b].map((t) => t.engine.container.cradle.webhookWorker)
    // Both engines keep retrying the head while the receiver is down.
    await eventually(async () => workers.every((w) => w.attempts >= 2))
    await receiver.up()
    await receiver.waitFor(() => receiver.on('/cluster').length >= 12)
    await sleep(500)

    const got = receiver.on('/cluster')
    expect(got).toHaveLength(12)
    const ids = got.map((r) => String(r.headers['webhook-id']))
    expect(new Set(ids).size).toBe(12)
    for (const r of got) expect(verify(ep.secret, r).type).toBe('orders.order.placed')
    const log = await deliveriesOf(a, pizza, ep.id)
    expect(log.every((d) => d.status === 'delivered')).toBe(true)
    expect(ids).toEqual(log.map((d) => d.messageId))
    const res = await a.as(pizza.owner).get(`${API}/webhooks/${ep.id}`).set('Host', pizza.host)
    expect(res.body).toMatchObject({ enabled: true, failingSince: null })
  })
})

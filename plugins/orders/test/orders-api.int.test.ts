import { type TestApp } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bootOrders,
  checkout,
  connectSocket,
  countOrders,
  nextEvents,
  seedShop,
  stockOf,
  type Shop,
} from './helpers.js'

describe('orders store and admin API', () => {
  let t: TestApp
  let shop: Shop
  let other: Shop

  beforeAll(async () => {
    t = await bootOrders()
    shop = await seedShop(t, 'pizza', [
      { slug: 'margherita', price: 950, stock: 100, category: 'pizzas' },
      { slug: 'tiramisu', price: 500, stock: 100, category: 'desserts', farmer: true },
      { slug: 'scarce', price: 700, stock: 10 },
      { slug: 'retired', price: 100, stock: 50, active: false },
      { slug: 'imported', price: 300, stock: 50, currency: 'USD' },
      { slug: 'last-slice', price: 400, stock: 1 },
      { slug: 'pair-a', price: 100, stock: 100 },
      { slug: 'pair-b', price: 200, stock: 100 },
    ])
    other = await seedShop(t, 'burger', [{ slug: 'cheeseburger', price: 800, stock: 20 }])
  })
  afterAll(() => t?.close())

  it('prices a guest checkout on the server and takes the stock with the order', async () => {
    const res = await checkout(t, shop, {
      items: [
        { productId: shop.products.margherita, quantity: 2 },
        { productId: shop.products.tiramisu, quantity: 1 },
      ],
      customer: { name: 'Ann', phone: '+39 055 1234567' },
      note: 'extra basil',
    }).expect(201)
    expect(res.body.order).toMatchObject({
      status: 'placed',
      customer: { name: 'Ann', pickupName: 'Ann' },
      currency: 'EUR',
      totalMinor: 2 * 950 + 500,
      lines: [
        { name: 'margherita', quantity: 2, unitPriceMinor: 950, categorySlug: 'pizzas' },
        { name: 'tiramisu', quantity: 1, unitPriceMinor: 500, categorySlug: 'desserts' },
      ],
    })
    expect(res.body.orderToken).toEqual(expect.any(String))
    expect(await stockOf(t, shop, 'margherita')).toBe(98)
    const mine = await t.http
      .get(`/api/v1/store/orders/${res.body.order.id}`)
      .set('Host', shop.host)
      .set('Authorization', `Bearer ${res.body.orderToken}`)
      .expect(200)
    expect(mine.body).toMatchObject({ id: res.body.order.id, status: 'placed' })
    expect(mine.body.lines[0]).not.toHaveProperty('farmerId')
  })

  it('ignores prices sent by the client', async () => {
    const res = await checkout(t, shop, {
      items: [{ productId: shop.products.margherita, quantity: 1, unitPriceMinor: 1 }],
      customer: { pickupName: 'Bo' },
    }).expect(400)
    expect(res.body.error).toMatchObject({ code: 'OO_VALIDATION_FAILED', field: 'items.0' })
  })

  it('sells exactly the stock to 50 concurrent checkouts and refuses the rest with 409', async () => {
    const before = await countOrders(t, shop)
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        checkout(t, shop, {
          items: [{ productId: shop.products.scarce, quantity: 1 }],
          customer: { pickupName: `Guest ${i}` },
        }),
      ),
    )
    const byStatus = results.reduce<Record<number, number>>(
      (acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }),
      {},
    )
    expect(byStatus).toEqual({ 201: 10, 409: 40 })
    for (const r of results.filter((r) => r.status === 409)) {
      expect(r.body.error.code).toBe('CATALOG_OUT_OF_STOCK')
      expect(r.body.error.details.lines).toEqual([
        { productId: shop.products.scarce, requested: 1, available: 0 },
      ])
    }
    expect(await stockOf(t, shop, 'scarce')).toBe(0)
    expect(await countOrders(t, shop)).toBe(before + 10)
  }, 60_000)

  it('takes a cart’s lines in one go: concurrent carts sharing products in opposite orders never deadlock', async () => {
    const { 'pair-a': a, 'pair-b': b } = shop.products
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        checkout(t, shop, {
          items:
            i % 2
              ? [
                  { productId: a!, quantity: 1 },
                  { productId: b!, quantity: 2 },
                ]
              : [
                  { productId: b!, quantity: 2 },
                  { productId: a!, quantity: 1 },
                ],
          customer: { pickupName: `Pair ${i}` },
        }),
      ),
    )
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(201))
    for (const r of results) expect(r.body.order.totalMinor).toBe(100 + 2 * 200)
    expect(await stockOf(t, shop, 'pair-a')).toBe(60)
    expect(await stockOf(t, shop, 'pair-b')).toBe(20)
    // The 11th cart finds pair-b short: nothing of it is taken, pair-a included.
    const short = await checkout(t, shop, {
      items: [
        { productId: a!, quantity: 1 },
        { productId: b!, quantity: 21 },
      ],
      customer: { pickupName: 'Too many' },
    })
    expect(short.status).toBe(409)
    expect(short.body.error.details.lines).toEqual([{ productId: b, requested: 21, available: 20 }])
    expect(await stockOf(t, shop, 'pair-a')).toBe(60)
  }, 60_000)

  it('answers a duplicate checkout with one Idempotency-Key with the same single order', async () => {
    const body = {
      items: [{ productId: shop.products.margherita, quantity: 3 }],
      customer: { pickupName: 'Retry' },
    }
    const stock = await stockOf(t, shop, 'margherita')
    const before = await countOrders(t, shop)
    const [a, b] = await Promise.all([
      checkout(t, shop, body, 'key-concurrent-0001'),
      checkout(t, shop, body, 'key-concurrent-0001'),
    ])
    expect([a.status, b.status].sort()).toEqual([200, 201])
    expect(a.body.order.id).toBe(b.body.order.id)
    const again = await checkout(t, shop, body, 'key-concurrent-0001').expect(200)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.body.order.id).toBe(a.body.order.id)
    expect(await countOrders(t, shop)).toBe(before + 1)
    expect(await stockOf(t, shop, 'margherita')).toBe(stock - 3)
    const reused = await checkout(
      t,
      shop,
      { ...body, customer: { pickupName: 'Someone else' } },
      'key-concurrent-0001',
    ).expect(422)
    expect(reused.body.error.code).toBe('ORDERS_IDEMPOTENCY_KEY_REUSED')
  })

  it('answers a retry with its order even when the stock it took is gone', async () => {
    const body = {
      items: [{ productId: shop.products['last-slice'], quantity: 1 }],
      customer: { pickupName: 'Last' },
    }
    const first = await checkout(t, shop, body, 'key-last-slice-01').expect(201)
    expect(await stockOf(t, shop, 'last-slice')).toBe(0)
    const retry = await checkout(t, shop, body, 'key-last-slice-01').expect(200)
    expect(retry.body.order.id).toBe(first.body.order.id)
    const stranger = await checkout(t, shop, body, 'key-last-slice-02').expect(409)
    expect(stranger.body.error.code).toBe('CATALOG_OUT_OF_STOCK')
  })

  it('refuses bad carts with 4xx and a code, writing no order and taking no stock', async () => {
    const m = shop.products.margherita
    const cases: [string, object | string, number, string, string?][] = [
      [
        'empty cart',
        { items: [], customer: { pickupName: 'X' } },
        400,
        'OO_VALIDATION_FAILED',
        'items',
      ],
      [
        'no name',
        { items: [{ productId: m, quantity: 1 }], customer: {} },
        400,
        'OO_VALIDATION_FAILED',
        'customer.pickupName',
      ],
      [
        'unknown product',
        {
          items: [{ productId: '00000000-0000-4000-8000-000000000000', quantity: 1 }],
          customer: { pickupName: 'X' },
        },
        422,
        'CATALOG_PRODUCT_UNAVAILABLE',
        'lines.0.productId',
      ],
      [
        'inactive product',
        {
          items: [{ productId: shop.products.retired, quantity: 1 }],
          customer: { pickupName: 'X' },
        },
        422,
        'CATALOG_PRODUCT_UNAVAILABLE',
      ],
      [
        'another shop’s product',
        {
          items: [{ productId: other.products.cheeseburger, quantity: 1 }],
          customer: { pickupName: 'X' },
        },
        422,
        'CATALOG_PRODUCT_UNAVAILABLE',
      ],
      [
        'not a product id',
        { items: [{ productId: 'margherita', quantity: 1 }], customer: { pickupName: 'X' } },
        400,
        'OO_VALIDATION_FAILED',
        'items.0.productId',
      ],
      [
        'quantity 0',
        { items: [{ productId: m, quantity: 0 }], customer: { pickupName: 'X' } },
        400,
        'OO_VALIDATION_FAILED',
        'items.0.quantity',
      ],
      [
        'negative quantity',
        { items: [{ productId: m, quantity: -2 }], customer: { pickupName: 'X' } },
        400,
        'OO_VALIDATION_FAILED',
        'items.0.quantity',
      ],
      [
        'absurd quantity',
        { items: [{ productId: m, quantity: 1_000_000 }], customer: { pickupName: 'X' } },
        400,
        'OO_VALIDATION_FAILED',
        'items.0.quantity',
      ],
      [
        'fractional quantity',
        { items: [{ productId: m, quantity: 1.5 }], customer: { pickupName: 'X' } },
        400,
        'OO_VALIDATION_FAILED',
        'items.0.quantity',
      ],
      [
        'wrong currency',
        { items: [{ productId: m, quantity: 1 }], currency: 'USD', customer: { pickupName: 'X' } },
        400,
        'CATALOG_CURRENCY_MISMATCH',
        'currency',
      ],
      [
        'mixed currencies',
        {
          items: [
            { productId: m, quantity: 1 },
            { productId: shop.products.imported, quantity: 1 },
          ],
          customer: { pickupName: 'X' },
        },
        400,
        'CATALOG_CURRENCY_MISMATCH',
      ],
      ['malformed JSON', '{"items": [', 400, 'OO_BAD_REQUEST'],
    ]
    const before = {
      orders: await countOrders(t, shop),
      margherita: await stockOf(t, shop, 'margherita'),
      imported: await stockOf(t, shop, 'imported'),
    }
    for (const [name, body, status, code, field] of cases) {
      const req = t.http
        .post('/api/v1/store/checkout')
        .set('Host', shop.host)
        .set('Content-Type', 'application/json')
      const res = await req.send(typeof body === 'string' ? body : JSON.stringify(body))
      expect({ name, status: res.status, code: res.body.error?.code }).toEqual({
        name,
        status,
        code,
      })
      if (field) expect({ name, field: res.body.error.field }).toEqual({ name, field })
    }
    const shortKey = await checkout(
      t,
      shop,
      {
        items: [{ productId: shop.products.margherita, quantity: 1 }],
        customer: { pickupName: 'K' },
      },
      'short',
    )
    expect([shortKey.status, shortKey.body.error.code, shortKey.body.error.field]).toEqual([
      400,
      'OO_VALIDATION_FAILED',
      'Idempotency-Key',
    ])
    expect(await countOrders(t, shop)).toBe(before.orders)
    expect(await stockOf(t, shop, 'margherita')).toBe(before.margherita)
    expect(await stockOf(t, shop, 'imported')).toBe(before.imported)
  })

  it('walks the lifecycle, refuses illegal moves with 409 and records who did each step', async () => {
    const placed = await checkout(t, shop, {
      items: [{ productId: shop.products.margherita, quantity: 1 }],
      customer: { pickupName: 'Flow' },
    }).expect(201)
    const id = placed.body.order.id
    const move = (who: string, body: object) =>
      t.as(who).post(`/api/v1/admin/orders/${id}/transitions`).set('Host', shop.host).send(body)
    await move(shop.kitchen, { status: 'accepted' }).expect(200)
    const illegal = await move(shop.kitchen, { status: 'completed' }).expect(409)
    expect(illegal.body.error).toMatchObject({
      code: 'ORDERS_INVALID_TRANSITION',
      details: { from: 'accepted', to: 'completed' },
    })
    await move(shop.kitchen, { status: 'preparing' }).expect(200)
    await move(shop.kitchen, { status: 'ready' }).expect(200)
    const recalled = await move(shop.owner, { action: 'recall' }).expect(200)
    expect(recalled.body.status).toBe('preparing')
    await move(shop.farmer, { status: 'ready' }).expect(403)
    const detail = await t
      .as(shop.owner)
      .get(`/api/v1/admin/orders/${id}`)
      .set('Host', shop.host)
      .expect(200)
    expect(
      detail.body.history.map((h: { from: string | null; to: string }) => `${h.from}→${h.to}`),
    ).toEqual([
      'null→placed',
      'placed→accepted',
      'accepted→preparing',
      'preparing→ready',
      'ready→preparing',
    ])
    expect(detail.body.history[1].actor).toMatchObject({ kind: 'user', label: shop.kitchen })
    expect(detail.body.history[4]).toMatchObject({ actor: { label: shop.owner }, reason: 'recall' })
    expect(detail.body.history[0].actor).toMatchObject({ kind: 'system' })
  })

  it('returns the stock of a cancelled order and refuses to cancel it twice', async () => {
    const stock = await stockOf(t, shop, 'margherita')
    const placed = await checkout(t, shop, {
      items: [{ productId: shop.products.margherita, quantity: 4 }],
      customer: { pickupName: 'Cancel' },
    }).expect(201)
    expect(await stockOf(t, shop, 'margherita')).toBe(stock - 4)
    await t
      .as(shop.owner)
      .put(`/api/v1/admin/orders/${placed.body.order.id}`)
      .set('Host', shop.host)
      .send({ ...placed.body.order, status: 'cancelled' })
      .expect(200)
    expect(await stockOf(t, shop, 'margherita')).toBe(stock)
    const twice = await t
      .as(shop.owner)
      .post(`/api/v1/admin/orders/${placed.body.order.id}/transitions`)
      .set('Host', shop.host)
      .send({ status: 'cancelled' })
      .expect(409)
    expect(twice.body.error.code).toBe('ORDERS_INVALID_TRANSITION')
  })

  it('lists orders in the ra-data-simple-rest dialect with status and date filters', async () => {
    const all = await t
      .as(shop.owner)
      .get('/api/v1/admin/orders?range=[0,499]')
      .set('Host', shop.host)
      .expect(200)
    expect(all.headers['content-range']).toBe(`orders 0-${all.body.length - 1}/${all.body.length}`)
    const cancelled = await t
      .as(shop.owner)
      .get(
        `/api/v1/admin/orders?filter=${encodeURIComponent(JSON.stringify({ status: 'cancelled' }))}`,
      )
      .set('Host', shop.host)
      .expect(200)
    expect(cancelled.body.length).toBeGreaterThan(0)
    expect(cancelled.body.every((o: { status: string }) => o.status === 'cancelled')).toBe(true)
    const future = new Date(Date.now() + 3_600_000).toISOString()
    const none = await t
      .as(shop.owner)
      .get(
        `/api/v1/admin/orders?filter=${encodeURIComponent(JSON.stringify({ placedAt_gte: future }))}`,
      )
      .set('Host', shop.host)
      .expect(200)
    expect(none.body).toEqual([])
    expect(none.headers['content-range']).toBe('orders */0')
    const past = await t
      .as(shop.owner)
      .get(
        `/api/v1/admin/orders?filter=${encodeURIComponent(JSON.stringify({ placedAt_lte: future, status: ['placed', 'preparing'] }))}`,
      )
      .set('Host', shop.host)
      .expect(200)
    expect(past.body.length).toBeGreaterThan(0)
    await t
      .as(shop.owner)
      .get(`/api/v1/admin/orders?filter=${encodeURIComponent(JSON.stringify({ status: 'lost' }))}`)
      .set('Host', shop.host)
      .expect(400)
  })

  it('shows a farmer only the orders with their products, and only those lines', async () => {
    const res = await t
      .as(shop.farmer)
      .get('/api/v1/admin/orders?range=[0,499]')
      .set('Host', shop.host)
      .expect(200)
    expect(res.body.length).toBeGreaterThan(0)
    for (const order of res.body) {
      expect(order.lines.length).toBeGreaterThan(0)
      expect(order.lines.every((l: { farmerId: string }) => l.farmerId === shop.farmerId)).toBe(
        true,
      )
      expect(order.totalMinor).toBe(
        order.lines.reduce((s: number, l: { lineTotalMinor: number }) => s + l.lineTotalMinor, 0),
      )
    }
    const owners = await t
      .as(shop.owner)
      .get('/api/v1/admin/orders?range=[0,499]')
      .set('Host', shop.host)
      .expect(200)
    const foreign = owners.body.find((o: { lines: { farmerId: string | null }[] }) =>
      o.lines.every((l) => l.farmerId !== shop.farmerId),
    )
    await t
      .as(shop.farmer)
      .get(`/api/v1/admin/orders/${foreign.id}`)
      .set('Host', shop.host)
      .expect(404)
  })

  it('never shows one tenant’s orders to another', async () => {
    const res = await t
      .as(other.owner)
      .get('/api/v1/admin/orders')
      .set('Host', other.host)
      .expect(200)
    expect(res.body).toEqual([])
    const mine = await t
      .as(shop.owner)
      .get('/api/v1/admin/orders?range=[0,0]')
      .set('Host', shop.host)
      .expect(200)
    await t
      .as(other.owner)
      .get(`/api/v1/admin/orders/${mine.body[0].id}`)
      .set('Host', other.host)
      .expect(404)
  })

  it('pushes each status change to the customer’s order-status socket, and only with its order token', async () => {
    const placed = await checkout(t, shop, {
      items: [{ productId: shop.products.margherita, quantity: 1 }],
      customer: { pickupName: 'Live' },
    }).expect(201)
    const { order, orderToken } = placed.body
    const socket = await connectSocket(t.url, '/order-status', shop.host, undefined, {
      autoConnect: false,
    })
    const first = nextEvents<{ status: string }>(socket, 'order:status', 1)
    socket.auth = { token: orderToken }
    socket.connect()
    expect((await first)[0]).toMatchObject({ orderId: order.id, status: 'placed' })
    const live = nextEvents<{ status: string }>(socket, 'order:status', 3)
    for (const status of ['accepted', 'preparing', 'ready']) {
      await t
        .as(shop.kitchen)
        .post(`/api/v1/admin/orders/${order.id}/transitions`)
        .set('Host', shop.host)
        .send({ status })
        .expect(200)
    }
    expect((await live).map((m) => m.status)).toEqual(['accepted', 'preparing', 'ready'])
    socket.disconnect()
    await expect(connectSocket(t.url, '/order-status', shop.host, undefined)).rejects.toThrow(
      /order token/,
    )
    await expect(connectSocket(t.url, '/order-status', other.host, orderToken)).rejects.toThrow()
  })
})

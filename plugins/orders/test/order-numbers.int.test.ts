import { hasPostgres, type TestApp } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootOrders, checkout, inTenant, seedShop, type Shop } from './helpers.js'

describe('order numbers per shop, and the checkout answer as the customer sees it', () => {
  let t: TestApp
  let pizza: Shop
  let burger: Shop

  beforeAll(async () => {
    t = await bootOrders()
    pizza = await seedShop(t, 'numpizza', [
      { slug: 'margherita', price: 950, stock: 500, category: 'pizzas', farmer: true },
    ])
    burger = await seedShop(t, 'numburger', [{ slug: 'cheeseburger', price: 800, stock: 500 }])
  })
  afterAll(() => t?.close())

  const order = (shop: Shop, slug: string) =>
    checkout(t, shop, {
      items: [{ productId: shop.products[slug]!, quantity: 1 }],
      customer: { name: 'Ann' },
    }).expect(201)

  it("counts each shop's orders on its own: both first orders carry the first number", async () => {
    const first = await order(pizza, 'margherita')
    const second = await order(pizza, 'margherita')
    const burgerFirst = await order(burger, 'cheeseburger')
    expect(burgerFirst.body.order.number).toBe(first.body.order.number)
    expect(second.body.order.number).toBe(first.body.order.number + 1)
    expect(first.body.order.number).toBe(1001)
  })

  it("lets SQL as the engine neither read nor advance another shop's count", async () => {
    await order(burger, 'cheeseburger') // burger's sequence exists
    const burgerSequence = `oo_order_numbers.t_${burger.id.replaceAll('-', '')}`
    const asPizza = (sql: string) =>
      inTenant(t, pizza.id, (scope) => scope.cradle.db.tx((trx) => trx.raw(sql)))
    await expect(asPizza(`select nextval('${burgerSequence}')`)).rejects.toThrow(
      /permission denied/,
    )
    await expect(asPizza(`select last_value from ${burgerSequence}`)).rejects.toThrow(
      /permission denied/,
    )
    // Outside a signed tenant binding the function refuses rather than guess a shop.
    await expect(t.engine.database.app.raw('select public.oo_next_order_number()')).rejects.toThrow(
      /no tenant bound/,
    )
  })

  it('gives concurrent checkouts of one shop distinct, consecutive numbers', async () => {
    const before = (await order(pizza, 'margherita')).body.order.number as number
    const answers = await Promise.all(Array.from({ length: 12 }, () => order(pizza, 'margherita')))
    const numbers = answers.map((r) => r.body.order.number as number).sort((a, b) => a - b)
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => before + 1 + i))
  })

  it.skipIf(!hasPostgres)(
    "takes the number inside the checkout's statement: still BEGIN, one statement, COMMIT",
    async () => {
      const byTx = new Map<string, string[]>()
      const record = (q: { sql: string; __knexTxId?: string }) => {
        if (q.__knexTxId) byTx.set(q.__knexTxId, [...(byTx.get(q.__knexTxId) ?? []), q.sql])
      }
      const app = t.engine.database.app
      app.on('query', record)
      try {
        await order(pizza, 'margherita')
      } finally {
        app.off('query', record)
      }
      const checkoutTx = [...byTx.values()].find((sqls) =>
        sqls.some((sql) => sql.includes('oo_next_order_number()')),
      )
      expect(checkoutTx).toHaveLength(3)
      expect(checkoutTx![0]).toBe('BEGIN;')
      expect(checkoutTx![2]).toBe('COMMIT;')
    },
  )

  it('answers a checkout with the same public shape as the order page', async () => {
    const placed = await order(pizza, 'margherita')
    const page = await t.http
      .get(`/api/v1/store/orders/${placed.body.order.id}`)
      .set('Host', pizza.host)
      .set('Authorization', `Bearer ${placed.body.orderToken}`)
      .expect(200)
    const keys = (o: Record<string, unknown>) => Object.keys(o).sort()
    expect(keys(placed.body.order)).toEqual(keys(page.body))
    expect(keys(placed.body.order.lines[0])).toEqual(keys(page.body.lines[0]))
    expect(placed.body.order.lines[0]).not.toHaveProperty('farmerId')
    expect(placed.body.order.lines[0]).not.toHaveProperty('categoryId')
  })
})

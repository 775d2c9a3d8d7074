import { isOoError, type OoError, type RequestCradle } from '@oo/core'
import { createTestApp, type TestApp } from '@oo/core/testing'
import type { AwilixContainer } from 'awilix'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../tenancy/index.js'
import media from '../../media/index.js'
import catalog from '../index.js'
import type { StockLine } from '../services/catalog-stock.js'

describe('catalogStock (the checkout contract)', () => {
  let t: TestApp
  let tenantId: string
  const ids: Record<string, string> = {}

  const inScope = <T>(fn: (scope: AwilixContainer<RequestCradle>) => Promise<T>) =>
    t.engine.container.cradle.scopes.run(tenantId, fn)
  const take = (lines: StockLine[], opts?: { currency?: string }) =>
    inScope((scope) =>
      scope.cradle.db.tx((trx) => scope.cradle.catalogStock.priceAndTake(trx, lines, opts)),
    )
  const stockOf = (id: string) =>
    inScope((s) =>
      s.cradle.db.tx(
        async (trx) => (await trx('catalog_products').where({ id }).first()).stock_qty as number,
      ),
    )
  const failure = async (work: Promise<unknown>): Promise<OoError> => {
    const err = await work.then(
      () => null,
      (e: unknown) => e,
    )
    if (!isOoError(err)) throw new Error(`expected an OoError, got ${String(err)}`)
    return err
  }

  beforeAll(async () => {
    t = await createTestApp({ plugins: [tenancy(), media(), catalog()] })
    tenantId = (await t.seedTenant('stockshop')).id
    await inScope((scope) =>
      scope.cradle.db.tx(async (trx) => {
        const [cat] = await trx('catalog_categories')
          .insert({ tenant_id: tenantId, slug: 'pizzas', name: 'Pizzas' })
          .returning('id')
        const rows = [
          {
            slug: 'margherita',
            name: 'Margherita',
            price_minor: 950,
            currency: 'EUR',
            stock_qty: 5,
            category_id: cat.id,
          },
          {
            slug: 'diavola',
            name: 'Diavola',
            price_minor: 1150,
            currency: 'EUR',
            stock_qty: 2,
            category_id: null,
          },
          {
            slug: 'retired',
            name: 'Retired',
            price_minor: 100,
            currency: 'EUR',
            stock_qty: 9,
            active: false,
          },
          { slug: 'imported', name: 'Imported', price_minor: 300, currency: 'USD', stock_qty: 9 },
        ]
        for (const row of rows) {
          const [p] = await trx('catalog_products')
            .insert({ tenant_id: tenantId, ...row })
            .returning('id')
          ids[row.slug] = p.id
        }
      }),
    )
  })
  afterAll(() => t?.close())

  it('prices lines from the database and takes their stock', async () => {
    const priced = await take(
      [
        { productId: ids.margherita!, quantity: 2 },
        { productId: ids.diavola!, quantity: 1 },
      ],
      { currency: 'EUR' },
    )
    expect(priced).toEqual([
      {
        productId: ids.margherita,
        name: 'Margherita',
        quantity: 2,
        unitPriceMinor: 950,
        currency: 'EUR',
        categoryId: expect.any(String),
        categorySlug: 'pizzas',
        farmerId: null,
      },
      {
        productId: ids.diavola,
        name: 'Diavola',
        quantity: 1,
        unitPriceMinor: 1150,
        currency: 'EUR',
        categoryId: null,
        categorySlug: null,
        farmerId: null,
      },
    ])
    expect(await stockOf(ids.margherita!)).toBe(3)
    expect(await stockOf(ids.diavola!)).toBe(1)
    const events = await t.engine.database.asOwner((k) =>
      k('oo_outbox')
        .where({ name: 'catalog.product.updated', tenant_id: tenantId })
        .select('payload'),
    )
    expect(events.map((e) => e.payload)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ productId: ids.margherita, stockQty: 3, changes: ['stock'] }),
        expect.objectContaining({ productId: ids.diavola, stockQty: 1 }),
      ]),
    )
    await inScope((s) =>
      s.cradle.db.tx((trx) =>
        s.cradle.catalogStock.giveBack(trx, [
          { productId: ids.margherita!, quantity: 2 },
          { productId: ids.diavola!, quantity: 1 },
        ]),
      ),
    )
    expect(await stockOf(ids.margherita!)).toBe(5)
  })

  it('never oversells under concurrent checkouts', async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 12 }, () => take([{ productId: ids.margherita!, quantity: 1 }])),
    )
    const won = attempts.filter((a) => a.status === 'fulfilled').length
    const lost = attempts
      .filter((a) => a.status === 'rejected')
      .map((a) => (a as PromiseRejectedResult).reason as OoError)
    expect(won).toBe(5)
    expect(lost.map((e) => e.code)).toEqual(Array(7).fill('CATALOG_OUT_OF_STOCK'))
    expect(await stockOf(ids.margherita!)).toBe(0)
    await inScope((s) =>
      s.cradle.db.tx((trx) =>
        s.cradle.catalogStock.giveBack(trx, [{ productId: ids.margherita!, quantity: 5 }]),
      ),
    )
  })

  it('reports short stock per line and takes nothing', async () => {
    const err = await failure(
      take([
        { productId: ids.margherita!, quantity: 1 },
        { productId: ids.diavola!, quantity: 3 },
      ]),
    )
    expect(err).toMatchObject({
      code: 'CATALOG_OUT_OF_STOCK',
      status: 409,
      details: { lines: [{ productId: ids.diavola, requested: 3, available: 2 }] },
    })
    expect(await stockOf(ids.margherita!)).toBe(5)
  })

  it('refuses unknown, malformed and inactive products, naming the line', async () => {
    const unknown = await failure(
      take([
        { productId: ids.margherita!, quantity: 1 },
        { productId: '00000000-0000-4000-8000-000000000000', quantity: 1 },
      ]),
    )
    expect(unknown).toMatchObject({
      code: 'CATALOG_PRODUCT_UNAVAILABLE',
      status: 422,
      field: 'lines.1.productId',
    })
    expect(await failure(take([{ productId: ids.retired!, quantity: 1 }]))).toMatchObject({
      code: 'CATALOG_PRODUCT_UNAVAILABLE',
      field: 'lines.0.productId',
    })
    expect(await failure(take([{ productId: 'not-a-uuid', quantity: 1 }]))).toMatchObject({
      code: 'CATALOG_PRODUCT_UNAVAILABLE',
    })
    expect(await failure(take([{ productId: ids.diavola!, quantity: 0 }]))).toMatchObject({
      code: 'OO_VALIDATION_FAILED',
      field: 'lines.0.quantity',
    })
    expect(await stockOf(ids.margherita!)).toBe(5)
    expect(await stockOf(ids.retired!)).toBe(9)
  })

  it('refuses a currency the products are not priced in', async () => {
    expect(
      await failure(take([{ productId: ids.diavola!, quantity: 1 }], { currency: 'USD' })),
    ).toMatchObject({ code: 'CATALOG_CURRENCY_MISMATCH', status: 400, field: 'currency' })
    expect(
      await failure(
        take([
          { productId: ids.diavola!, quantity: 1 },
          { productId: ids.imported!, quantity: 1 },
        ]),
      ),
    ).toMatchObject({ code: 'CATALOG_CURRENCY_MISMATCH' })
    expect(await stockOf(ids.diavola!)).toBe(2)
  })

  it('cannot see or take another tenant’s products', async () => {
    const other = await t.seedTenant('othershop')
    const err = await failure(
      t.engine.container.cradle.scopes.run(other.id, (s) =>
        s.cradle.db.tx((trx) =>
          s.cradle.catalogStock.priceAndTake(trx, [{ productId: ids.diavola!, quantity: 1 }]),
        ),
      ),
    )
    expect(err.code).toBe('CATALOG_PRODUCT_UNAVAILABLE')
    expect(await stockOf(ids.diavola!)).toBe(2)
  })
})

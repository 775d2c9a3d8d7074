import { createTestApp, type TestApp } from '@oo/core/testing'
import { io as connect, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../tenancy/index.js'
import media from '../../media/index.js'
import catalog from '../index.js'
import type { ProductUpdatedPayload } from '../cradle.js'
import { tempDir, type Shop } from './fixtures.js'

describe('store API, search and live stock', () => {
  let t: TestApp
  let a: Shop
  let b: Shop
  const ids: Record<string, string> = {}
  const tmp = tempDir('oo-store-media-')
  const sockets: Socket[] = []

  const store = (shop: Shop, path: string) =>
    t.http.get(`/api/v1/store${path}`).set('Host', shop.host)
  const create = async (shop: Shop, body: object) => {
    const res = await t
      .as(shop.owner)
      .post('/api/v1/admin/products')
      .set('Host', shop.host)
      .send(body)
    if (res.status !== 201) throw new Error(JSON.stringify(res.body))
    return res.body.id as string
  }
  const listen = async (shop: Shop) => {
    const socket = connect(`${t.url}/storefront`, {
      transports: ['websocket'],
      extraHeaders: { host: shop.host },
      reconnection: false,
    })
    sockets.push(socket)
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('connect_error', reject)
    })
    const seen: { at: number; payload: ProductUpdatedPayload }[] = []
    socket.on('catalog.product.updated', (payload: ProductUpdatedPayload) =>
      seen.push({ at: performance.now(), payload }),
    )
    return seen
  }
  const waitFor = async (check: () => boolean, ms = 2000) => {
    const until = performance.now() + ms
    while (!check()) {
      if (performance.now() > until) throw new Error('timed out waiting')
      await new Promise((r) => setTimeout(r, 2))
    }
  }

  beforeAll(async () => {
    t = await createTestApp({ plugins: [tenancy(), media({ dir: tmp.dir }), catalog()] })
    a = await t.seedTenant('shopa')
    b = await t.seedTenant('shopb')
    const veg = await t
      .as(a.owner)
      .post('/api/v1/admin/categories')
      .set('Host', a.host)
      .send({ slug: 'vegetables', name: 'Vegetables', position: 1 })
      .expect(201)
    await t
      .as(a.owner)
      .post('/api/v1/admin/categories')
      .set('Host', a.host)
      .send({ slug: 'fruit', name: 'Fruit', position: 2 })
      .expect(201)
    ids.salad = await create(a, {
      name: 'Summer Salad Mix',
      description: 'Crisp leaves with cherry tomato halves',
      priceMinor: 350,
      stockQty: 10,
      categoryId: veg.body.id,
      tags: ['leafy'],
    })
    ids.heirloom = await create(a, {
      name: 'Heirloom Tomatoes',
      description: 'Ripe, sweet, many colours',
      priceMinor: 450,
      stockQty: 20,
      categoryId: veg.body.id,
      tags: ['red', 'summer'],
    })
    ids.tomato = await create(a, {
      name: 'Tomato',
      description: 'A classic round tomato',
      priceMinor: 250,
      stockQty: 30,
      categoryId: veg.body.id,
      tags: ['red'],
    })
    ids.retired = await create(a, {
      name: 'Tomato Relish',
      description: 'Old recipe',
      priceMinor: 600,
      stockQty: 5,
      active: false,
    })
    ids.apples = await create(a, {
      name: 'Apples',
      description: 'Crunchy',
      priceMinor: 300,
      stockQty: 0,
      tags: ['autumn'],
    })
    ids.bTomato = await create(b, {
      name: 'Tomato',
      description: 'Tenant B tomato',
      priceMinor: 999,
      stockQty: 1,
    })
  })
  afterAll(async () => {
    for (const s of sockets) s.disconnect()
    await t?.close()
    tmp.remove()
  })

  it('ranks the exact name first, then by relevance; never inactive or other tenants’ products', async () => {
    const res = await store(a, '/products?q=tomato').expect(200)
    expect(res.body.items.map((p: { name: string }) => p.name)).toEqual([
      'Tomato',
      'Heirloom Tomatoes',
      'Summer Salad Mix',
    ])
    expect(res.body.total).toBe(3)
    expect(res.body.items.map((p: { id: string }) => p.id)).not.toContain(ids.bTomato)
    const partial = await store(a, '/products?q=heirl').expect(200)
    expect(partial.body.items.map((p: { name: string }) => p.name)).toEqual(['Heirloom Tomatoes'])
    const inDescription = await store(a, '/products?q=crisp%20leaves').expect(200)
    expect(inDescription.body.items.map((p: { name: string }) => p.name)).toEqual([
      'Summer Salad Mix',
    ])
    const relish = await store(a, '/products?q=relish').expect(200)
    expect(relish.body).toMatchObject({ items: [], total: 0 })
  })

  it('shapes products for storefronts without internal fields', async () => {
    const res = await store(a, '/products/heirloom-tomatoes').expect(200)
    expect(res.body).toEqual({
      id: ids.heirloom,
      slug: 'heirloom-tomatoes',
      name: 'Heirloom Tomatoes',
      description: 'Ripe, sweet, many colours',
      price: { amountMinor: 450, currency: 'EUR' },
      unit: 'piece',
      stockQty: 20,
      inStock: true,
      category: { slug: 'vegetables', name: 'Vegetables' },
      tags: ['red', 'summer'],
      farmer: null,
      origin: { farm: null, location: null, harvestDate: null, lotCode: null },
      images: [],
    })
    expect(res.headers.etag).toBeTruthy()
    await store(a, '/products/heirloom-tomatoes')
      .set('If-None-Match', res.headers.etag!)
      .expect(304)
    await store(a, '/products/tomato-relish').expect(404)
    expect((await store(b, '/products/heirloom-tomatoes').expect(404)).body.error.code).toBe(
      'CATALOG_PRODUCT_NOT_FOUND',
    )
    await t.http.get('/api/v1/store/products').set('Host', 'nobody.test').expect(404)
  })

  it('paginates, sorts and filters by category and tag', async () => {
    const page = await store(a, '/products?sort=-price&perPage=2&page=2').expect(200)
    expect(page.body).toMatchObject({ total: 4, page: 2, perPage: 2 })
    expect(page.body.items.map((p: { name: string }) => p.name)).toEqual(['Apples', 'Tomato'])
    const veg = await store(a, '/products?category=vegetables&sort=price').expect(200)
    expect(veg.body.items.map((p: { name: string }) => p.name)).toEqual([
      'Tomato',
      'Summer Salad Mix',
      'Heirloom Tomatoes',
    ])
    const red = await store(a, '/products?tag=red&tag=summer').expect(200)
    expect(red.body.items.map((p: { name: string }) => p.name)).toEqual(['Heirloom Tomatoes'])
    const cats = await store(a, '/categories').expect(200)
    expect(cats.body).toEqual([
      { slug: 'vegetables', name: 'Vegetables', description: null, productCount: 3 },
      { slug: 'fruit', name: 'Fruit', description: null, productCount: 0 },
    ])
    expect((await store(b, '/categories').expect(200)).body).toEqual([])
    expect((await store(a, '/products?sort=sideways').expect(400)).body.error.field).toBe('sort')
  })

  it('never shows tenant B tenant A’s rows, even by id', async () => {
    const list = await store(b, '/products?perPage=100').expect(200)
    expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([ids.bTomato])
    await t.as(b.owner).get(`/api/v1/admin/products/${ids.tomato}`).set('Host', b.host).expect(404)
    const filtered = await t
      .as(b.owner)
      .get(
        `/api/v1/admin/products?filter=${encodeURIComponent(JSON.stringify({ id: Object.values(ids) }))}`,
      )
      .set('Host', b.host)
      .expect(200)
    expect(filtered.body.map((p: { id: string }) => p.id)).toEqual([ids.bTomato])
  })

  it('pushes A’s stock change to A’s storefront sockets within 100 ms, and never B’s', async () => {
    const seenA = await listen(a)
    const seenB = await listen(b)
    const before = await store(a, '/products/tomato').expect(200)
    expect(before.body.stockQty).toBe(30)

    const res = await t
      .as(a.owner)
      .put(`/api/v1/admin/products/${ids.tomato}`)
      .set('Host', a.host)
      .send({ stockQty: 29 })
      .expect(200)
    const committed = performance.now()
    expect(res.body.stockQty).toBe(29)
    await waitFor(() => seenA.length > 0)
    expect(seenA[0]!.payload).toMatchObject({
      productId: ids.tomato,
      stockQty: 29,
      changes: ['stock'],
    })
    expect(seenA[0]!.at - committed).toBeLessThan(100)
    // The store API answers with the new stock at once (the cache was retired by the commit).
    expect((await store(a, '/products/tomato').expect(200)).body.stockQty).toBe(29)

    await t
      .as(b.owner)
      .put(`/api/v1/admin/products/${ids.bTomato}`)
      .set('Host', b.host)
      .send({ stockQty: 0 })
      .expect(200)
    await waitFor(() => seenB.length > 0)
    expect(seenB[0]!.payload).toMatchObject({ productId: ids.bTomato, stockQty: 0 })
    expect(seenA.map((e) => e.payload.productId)).toEqual([ids.tomato])
  })

  it('a checkout taking stock (catalogStock) reaches shoppers and the store API after commit', async () => {
    const seenA = await listen(a)
    await store(a, '/products/heirloom-tomatoes').expect(200) // cached now
    await t.engine.container.cradle.scopes.run(a.id, (s) =>
      s.cradle.db.tx((trx) =>
        s.cradle.catalogStock.priceAndTake(trx, [{ productId: ids.heirloom!, quantity: 4 }]),
      ),
    )
    await waitFor(() => seenA.some((e) => e.payload.productId === ids.heirloom))
    expect((await store(a, '/products/heirloom-tomatoes').expect(200)).body.stockQty).toBe(16)
    const listed = await store(a, '/products?q=heirloom').expect(200)
    expect(listed.body.items[0].stockQty).toBe(16)
  })

  it('deactivating a product removes it from the storefront at once', async () => {
    await store(a, '/products/apples').expect(200)
    await t
      .as(a.owner)
      .put(`/api/v1/admin/products/${ids.apples}`)
      .set('Host', a.host)
      .send({ active: false })
      .expect(200)
    await store(a, '/products/apples').expect(404)
    expect(
      (await store(a, '/products').expect(200)).body.items.map((p: { slug: string }) => p.slug),
    ).not.toContain('apples')
  })
})

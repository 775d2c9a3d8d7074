import { createTestApp, type TestApp } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../tenancy/index.js'
import media from '../../media/index.js'
import catalog from '../index.js'
import { tempDir } from './fixtures.js'

describe('demo seed', () => {
  let t: TestApp
  const tmp = tempDir('oo-seed-media-')
  const runSeeds = async () => {
    for (const { definition, context } of t.engine.plugins)
      await definition.seed?.(Object.assign({}, context as never, { step: () => undefined }))
  }

  beforeAll(async () => {
    t = await createTestApp({
      plugins: [tenancy(), media({ dir: tmp.dir, widths: [320, 800] }), catalog()],
    })
  })
  afterAll(async () => {
    await t?.close()
    tmp.remove()
  })

  it('creates a menu per demo tenant, farm produce with photos, quickly and idempotently', async () => {
    const started = performance.now()
    await runSeeds()
    expect(performance.now() - started).toBeLessThan(25_000)
    const pizza = await t.http
      .get('/api/v1/store/products?perPage=100')
      .set('Host', 'pizza.localhost')
      .expect(200)
    expect(pizza.body.items.map((p: { name: string }) => p.name)).toContain('Margherita')
    const burger = await t.http
      .get('/api/v1/store/categories')
      .set('Host', 'burger.localhost')
      .expect(200)
    expect(burger.body.map((c: { slug: string }) => c.slug)).toEqual(['burgers', 'sides', 'shakes'])
    const tomatoes = await t.http
      .get('/api/v1/store/products/heirloom-tomatoes')
      .set('Host', 'farm.localhost')
      .expect(200)
    expect(tomatoes.body).toMatchObject({
      origin: { farm: 'Anna’s Acre' },
      images: [{ capturedAt: expect.stringMatching(/T06:30:00/) }],
    })
    await t.http.get(tomatoes.body.images[0].url).set('Host', 'farm.localhost').expect(200)
    const farmer = await t
      .as('anna@farm.localhost')
      .get('/api/v1/admin/products')
      .set('Host', 'farm.localhost')
      .expect(200)
    expect(farmer.body.map((p: { name: string }) => p.name).sort()).toEqual([
      'Genovese Basil',
      'Heirloom Tomatoes',
      'Zucchini',
    ])

    await runSeeds()
    const again = await t.http
      .get('/api/v1/store/products?perPage=100')
      .set('Host', 'pizza.localhost')
      .expect(200)
    expect(again.body.total).toBe(pizza.body.total)
  })
})

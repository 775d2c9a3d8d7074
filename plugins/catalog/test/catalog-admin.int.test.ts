import { createTestApp, type TestApp } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../tenancy/index.js'
import media from '../../media/index.js'
import catalog from '../index.js'
import { addMember, harvestPhoto, pngBomb, tempDir, type Shop } from './fixtures.js'

const MAX_BYTES = 2 * 1024 * 1024

describe('catalog admin API and the farm upsert', () => {
  let t: TestApp
  let farm: Shop
  let other: Shop
  let anna: string
  let ben: string
  const tmp = tempDir('oo-catalog-media-')

  const admin = () => ({
    get: (p: string) => t.as(farm.owner).get(`/api/v1/admin${p}`).set('Host', farm.host),
    post: (p: string) => t.as(farm.owner).post(`/api/v1/admin${p}`).set('Host', farm.host),
    put: (p: string) => t.as(farm.owner).put(`/api/v1/admin${p}`).set('Host', farm.host),
    delete: (p: string) => t.as(farm.owner).delete(`/api/v1/admin${p}`).set('Host', farm.host),
  })
  const upsertAs = (email: string) =>
    t.as(email).post('/api/v1/admin/products/upsert').set('Host', farm.host)
  const objectsOf = async (tenantId: string) => {
    const keys: string[] = []
    for await (const o of t.engine.container.cradle.mediaStorage.list(`t/${tenantId}/`))
      keys.push(o.key)
    return keys.sort()
  }
  const productCount = async () =>
    Number(
      (await admin().get('/products?range=[0,0]').expect(200)).headers['content-range']!.split(
        '/',
      )[1],
    )

  beforeAll(async () => {
    t = await createTestApp({
      plugins: [
        tenancy(),
        media({ dir: tmp.dir, maxBytes: MAX_BYTES, widths: [320, 800] }),
        catalog(),
      ],
    })
    farm = await t.seedTenant('farmhub')
    other = await t.seedTenant('otherhub')
    anna = await addMember(t, farm, 'anna@farmhub.test', 'staff')
    ben = await addMember(t, farm, 'ben@farmhub.test', 'staff')
  })
  afterAll(async () => {
    await t?.close()
    tmp.remove()
  })

  it('creates, reads, updates and deletes products in the ra-data-simple-rest dialect', async () => {
    const cat = await admin()
      .post('/categories')
      .send({ slug: 'vegetables', name: 'Vegetables' })
      .expect(201)
    const created = await admin()
      .post('/products')
      .send({
        name: 'Rainbow Chard',
        priceMinor: 290,
        stockQty: 12,
        unit: 'bunch',
        categoryId: cat.body.id,
        tags: ['Leafy'],
        farmerId: anna,
        originFarm: 'Anna’s Acre',
        harvestDate: '2025-06-01',
        lotCode: 'L-17',
      })
      .expect(201)
    expect(created.body).toMatchObject({
      slug: 'rainbow-chard',
      priceMinor: 290,
      currency: 'EUR',
      stockQty: 12,
      tags: ['leafy'],
      farmerId: anna,
      harvestDate: '2025-06-01',
      images: [],
    })
    // What react-admin's ReferenceInput asks for: sorted by id.
    expect(
      (await admin().get('/categories?sort=["id","DESC"]&range=[0,24]').expect(200)).body,
    ).toEqual([expect.objectContaining({ slug: 'vegetables' })])
    const list = await admin()
      .get('/products?sort=["name","ASC"]&range=[0,9]&filter={"q":"chard"}')
      .expect(200)
    expect(list.headers['content-range']).toBe('products 0-0/1')
    expect(list.body[0].id).toBe(created.body.id)
    const updated = await admin()
      .put(`/products/${created.body.id}`)
      .send({ ...created.body, stockQty: 3, priceMinor: 310 })
      .expect(200)
    expect(updated.body).toMatchObject({ stockQty: 3, priceMinor: 310 })
    await admin().put(`/products/${created.body.id}`).send({ stockQty: -1 }).expect(400)
    const dup = await admin()
      .post('/products')
      .send({ name: 'Rainbow Chard', priceMinor: 100, stockQty: 1 })
      .expect(201)
    expect(dup.body.slug).toBe('rainbow-chard-2')
    await admin().delete(`/products/${dup.body.id}`).expect(200)
    await admin().get(`/products/${dup.body.id}`).expect(404)
  })

  it('upserts from the farm form: creates with a photo, then updates by id', async () => {
    const photo = await harvestPhoto()
    const created = await upsertAs('anna@farmhub.test')
      .field('name', 'Heirloom Tomatoes')
      .field('price', '4.50')
      .field('stock_qty', '20')
      .attach('file', photo, 'tomatoes.jpg')
      .expect(201)
    expect(created.body).toMatchObject({
      name: 'Heirloom Tomatoes',
      priceMinor: 450,
      stockQty: 20,
      farmerId: anna,
    })
    expect(created.body.images).toHaveLength(1)
    expect(created.body.images[0]).toMatchObject({
      capturedAt: '2025-06-01T07:15:30.000Z',
      width: 900,
      height: 600,
    })
    const assetId = created.body.images[0].id as string
    expect(await objectsOf(farm.id)).toEqual(
      expect.arrayContaining([
        `t/${farm.id}/${assetId}/320.webp`,
        `t/${farm.id}/${assetId}/800.avif`,
      ]),
    )
    const image = await t.http.get(created.body.images[0].url).set('Host', farm.host).expect(200)
    expect(image.headers['content-type']).toBe('image/webp')

    const updated = await upsertAs('anna@farmhub.test')
      .field('id', created.body.id)
      .field('stock_qty', '7')
      .expect(200)
    expect(updated.body).toMatchObject({
      id: created.body.id,
      stockQty: 7,
      priceMinor: 450,
      farmerId: anna,
    })
    expect(updated.body.images.map((i: { id: string }) => i.id)).toEqual([assetId])
  })

  it('lets an admin pick any member as the farmer, but not a stranger', async () => {
    const res = await upsertAs(farm.owner)
      .field('name', 'Ben’s Beans')
      .field('price', '2')
      .field('stock_qty', '5')
      .field('farmer_id', ben)
      .expect(201)
    expect(res.body.farmerId).toBe(ben)
    const outsider = await addMember(t, other, 'zed@otherhub.test', 'staff')
    const bad = await upsertAs(farm.owner)
      .field('name', 'Stray')
      .field('price', '2')
      .field('stock_qty', '5')
      .field('farmer_id', outsider)
      .expect(422)
    expect(bad.body.error).toMatchObject({ code: 'CATALOG_FARMER_NOT_MEMBER', field: 'farmerId' })
  })

  it('keeps farmers to their own products', async () => {
    const beans = (await admin().get('/products?filter={"q":"beans"}').expect(200)).body[0]
    const res = await t
      .as('anna@farmhub.test')
      .put(`/api/v1/admin/products/${beans.id}`)
      .set('Host', farm.host)
      .send({ stockQty: 0 })
      .expect(403)
    expect(res.body.error.code).toBe('CATALOG_NOT_YOUR_PRODUCT')
    const mine = await t
      .as('anna@farmhub.test')
      .get('/api/v1/admin/products')
      .set('Host', farm.host)
      .expect(200)
    expect(mine.body.every((p: { farmerId: string }) => p.farmerId === anna)).toBe(true)
    await t
      .as('anna@farmhub.test')
      .post('/api/v1/admin/categories')
      .set('Host', farm.host)
      .send({ slug: 'mine', name: 'Mine' })
      .expect(403)
  })

  describe('refuses bad uploads with a code, leaving no row and no object', () => {
    type Form = { fields: Record<string, string>; file?: () => Promise<[Buffer, string]> }
    const base = { name: 'Bad', price: '1', stock_qty: '1' }
    const photo = async (): Promise<[Buffer, string]> => [await harvestPhoto(), 'ok.jpg']
    const cases: [string, Form, number, string, string][] = [
      [
        'a .jpg that is really text',
        {
          fields: base,
          file: async () => [Buffer.from('this is not a photo\n'.repeat(20)), 'photo.jpg'],
        },
        415,
        'MEDIA_UNSUPPORTED_TYPE',
        'file',
      ],
      [
        'a truncated image',
        {
          fields: base,
          file: async () => {
            const p = await harvestPhoto()
            return [p.subarray(0, p.length >> 1), 'half.jpg']
          },
        },
        422,
        'MEDIA_IMAGE_UNREADABLE',
        'file',
      ],
      [
        'an oversized file',
        {
          fields: base,
          file: async () => [
            Buffer.concat([await harvestPhoto(), Buffer.alloc(MAX_BYTES)]),
            'huge.jpg',
          ],
        },
        413,
        'MEDIA_FILE_TOO_LARGE',
        'file',
      ],
      [
        'a 20000×20000 image',
        { fields: base, file: async () => [pngBomb(), 'bomb.png'] },
        413,
        'MEDIA_TOO_MANY_PIXELS',
        'file',
      ],
      [
        'a missing field',
        { fields: { name: 'No price', stock_qty: '1' }, file: photo },
        400,
        'OO_VALIDATION_FAILED',
        'price',
      ],
      [
        'a negative price',
        { fields: { ...base, price: '-1.00' }, file: photo },
        400,
        'OO_VALIDATION_FAILED',
        'price',
      ],
      [
        'a farmer setting another farmer’s id',
        { fields: { ...base, farmer_id: '' }, file: photo },
        403,
        'CATALOG_FARMER_FORBIDDEN',
        'farmer_id',
      ],
    ]
    it.each(cases)('%s', async (_name, form, status, code, field) => {
      const rowsBefore = await productCount()
      const objectsBefore = await objectsOf(farm.id)
      const fields = { ...form.fields, ...(form.fields.farmer_id === '' ? { farmer_id: ben } : {}) }
      const file = form.file ? await form.file() : undefined
      const req = upsertAs('anna@farmhub.test')
      for (const [name, value] of Object.entries(fields)) req.field(name, value)
      if (file) req.attach('file', file[0], file[1])
      const res = await req.expect(status)
      expect(res.body.error).toMatchObject({ code, field })
      expect(await productCount()).toBe(rowsBefore)
      expect(await objectsOf(farm.id)).toEqual(objectsBefore)
    })

    it('removes the stored photo when the transaction fails after it (another farmer’s product)', async () => {
      const beans = (await admin().get('/products?filter={"q":"beans"}').expect(200)).body[0]
      const objectsBefore = await objectsOf(farm.id)
      const res = await upsertAs('anna@farmhub.test')
        .field('id', beans.id)
        .field('stock_qty', '1')
        .attach('file', await harvestPhoto(), 'ok.jpg')
        .expect(403)
      expect(res.body.error.code).toBe('CATALOG_NOT_YOUR_PRODUCT')
      expect(await objectsOf(farm.id)).toEqual(objectsBefore)
      expect((await admin().get(`/products/${beans.id}`).expect(200)).body).toMatchObject({
        stockQty: 5,
        images: [],
      })
    })
  })

  it('deleting an image or a product removes its objects', async () => {
    const created = await upsertAs(farm.owner)
      .field('name', 'Radishes')
      .field('price', '1.20')
      .field('stock_qty', '9')
      .attach('file', await harvestPhoto(400, 300), 'r.jpg')
      .expect(201)
    const withTwo = await t
      .as(farm.owner)
      .post(`/api/v1/admin/products/${created.body.id}/images`)
      .set('Host', farm.host)
      .attach('file', await harvestPhoto(500, 300), 'r2.jpg')
      .expect(201)
    const [newer, older] = withTwo.body.images.map((i: { id: string }) => i.id)
    expect(withTwo.body.images[0].position).toBe(0)
    await admin().delete(`/products/${created.body.id}/images/${older}`).expect(200)
    expect((await objectsOf(farm.id)).some((k) => k.includes(older))).toBe(false)
    expect((await objectsOf(farm.id)).some((k) => k.includes(newer))).toBe(true)
    await admin().delete(`/products/${created.body.id}`).expect(200)
    expect((await objectsOf(farm.id)).some((k) => k.includes(newer))).toBe(false)
  })

  it('never lets another tenant read or change a product, even by id', async () => {
    const mine = (await admin().get('/products').expect(200)).body[0]
    await t
      .as(other.owner)
      .get(`/api/v1/admin/products/${mine.id}`)
      .set('Host', other.host)
      .expect(404)
    await t
      .as(other.owner)
      .put(`/api/v1/admin/products/${mine.id}`)
      .set('Host', other.host)
      .send({ stockQty: 0 })
      .expect(404)
    await t
      .as(other.owner)
      .delete(`/api/v1/admin/products/${mine.id}`)
      .set('Host', other.host)
      .expect(404)
    const theirs = await t
      .as(other.owner)
      .get('/api/v1/admin/products')
      .set('Host', other.host)
      .expect(200)
    expect(theirs.body).toEqual([])
    // Signed in as farm's owner but on the other shop's host: no membership there, no access.
    await t.as(farm.owner).get('/api/v1/admin/products').set('Host', other.host).expect(403)
  })
})

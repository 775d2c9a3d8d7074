import { createTestApp, type TestApp } from '@oo/core/testing'
import exifReader from 'exif-reader'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../tenancy/index.js'
import media from '../../media/index.js'
import catalog from '../index.js'
import { harvestPhoto, startS3, type Shop } from './fixtures.js'

describe('farm upsert on S3 (s3rver) with signed URLs', () => {
  let t: TestApp
  let s3: Awaited<ReturnType<typeof startS3>>
  let farm: Shop
  const keysOf = async (tenantId: string) => {
    const keys: string[] = []
    for await (const o of t.engine.container.cradle.mediaStorage.list(`t/${tenantId}/`))
      keys.push(o.key)
    return keys.sort()
  }

  beforeAll(async () => {
    s3 = await startS3()
    // s3rver accepts only its built-in test credentials (S3RVER/S3RVER); a loopback test server.
    const s3Options = {
      endpoint: s3.endpoint,
      bucket: 'oo-catalog-test',
      accessKey: 'S3RVER',
      secretKey: 'S3RVER',
    }
    t = await createTestApp({
      plugins: [
        tenancy(),
        media({ s3: s3Options, signedUrlSeconds: 600, widths: [320, 800] }),
        catalog(),
      ],
    })
    farm = await t.seedTenant('s3farm')
  })
  afterAll(async () => {
    await t?.close()
    await s3?.close()
  })

  it('stores the photo’s variants in the bucket and hands storefronts signed URLs', async () => {
    const created = await t
      .as(farm.owner)
      .post('/api/v1/admin/products/upsert')
      .set('Host', farm.host)
      .field('name', 'Bucket Beets')
      .field('price', '2.75')
      .field('stock_qty', '8')
      .attach('file', await harvestPhoto(), 'beets.jpg')
      .expect(201)
    const assetId = created.body.images[0].id as string
    expect(await keysOf(farm.id)).toEqual(
      ['320.avif', '320.webp', '800.avif', '800.webp'].map((f) => `t/${farm.id}/${assetId}/${f}`),
    )

    const product = await t.http
      .get('/api/v1/store/products/bucket-beets')
      .set('Host', farm.host)
      .expect(200)
    const image = product.body.images[0]
    expect(image.capturedAt).toBe('2025-06-01T07:15:30.000Z')
    const signed = new URL(image.url)
    expect(signed.origin).toBe(s3.endpoint)
    expect(signed.searchParams.get('X-Amz-Expires')).toBe('600')
    expect(signed.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/)
    const res = await fetch(image.url)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/webp')
    const body = Buffer.from(await res.arrayBuffer())
    expect((await sharp(body).metadata()).width).toBe(800)
    const exif = exifReader((await sharp(body).metadata()).exif!)
    expect(exif.GPSInfo).toBeUndefined()
    expect(exif.Image?.Model).toBeUndefined()

    const redirect = await t.http
      .get(`/api/v1/store/media/${assetId}/320.webp`)
      .set('Host', farm.host)
      .redirects(0)
      .expect(302)
    expect(redirect.headers.location).toContain(`/oo-catalog-test/t/${farm.id}/${assetId}/320.webp`)
  })

  it('leaves nothing in the bucket after a refused upload, and empties it when the product goes', async () => {
    const before = await keysOf(farm.id)
    const bad = await t
      .as(farm.owner)
      .post('/api/v1/admin/products/upsert')
      .set('Host', farm.host)
      .field('name', 'Fake')
      .field('price', '1')
      .field('stock_qty', '1')
      .attach('file', Buffer.from('plain text, not a jpeg'), 'fake.jpg')
      .expect(415)
    expect(bad.body.error.code).toBe('MEDIA_UNSUPPORTED_TYPE')
    expect(await keysOf(farm.id)).toEqual(before)
    const list = await t
      .as(farm.owner)
      .get('/api/v1/admin/products')
      .set('Host', farm.host)
      .expect(200)
    for (const p of list.body)
      await t
        .as(farm.owner)
        .delete(`/api/v1/admin/products/${p.id}`)
        .set('Host', farm.host)
        .expect(200)
    expect(await keysOf(farm.id)).toEqual([])
  })
})

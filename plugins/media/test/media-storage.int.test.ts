import { text } from 'node:stream/consumers'
import type { RequestCradle } from '@oo/core'
import { createTestApp, type TestApp } from '@oo/core/testing'
import type { AwilixContainer } from 'awilix'
import exifReader from 'exif-reader'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../tenancy/index.js'
import media from '../index.js'
import type { PreparedAsset } from '../services/media-service.js'
import { phonePhoto, startS3, tempDir } from './fixtures.js'

interface Driver {
  name: 'local' | 's3'
  options: () => Promise<{ options: Parameters<typeof media>[0]; close: () => Promise<void> }>
}

const drivers: Driver[] = [
  {
    name: 'local',
    options: async () => {
      const tmp = tempDir('oo-media-')
      return { options: { dir: tmp.dir }, close: async () => tmp.remove() }
    },
  },
  {
    name: 's3',
    options: async () => {
      const s3 = await startS3()
      // s3rver accepts only its built-in test credentials (S3RVER/S3RVER); a loopback test server.
      return {
        options: {
          s3: {
            endpoint: s3.endpoint,
            bucket: 'oo-media-test',
            accessKey: 'S3RVER',
            secretKey: 'S3RVER',
          },
        },
        close: s3.close,
      }
    },
  },
]

describe.each(drivers)('media with the $name driver', (driver) => {
  let t: TestApp
  let closeDriver: () => Promise<void>
  let shop: Awaited<ReturnType<TestApp['seedTenant']>>
  let other: Awaited<ReturnType<TestApp['seedTenant']>>
  let asset: PreparedAsset
  const inScope = <T>(
    tenantId: string,
    fn: (scope: AwilixContainer<RequestCradle>) => Promise<T>,
  ) => t.engine.container.cradle.scopes.run(tenantId, fn)

  beforeAll(async () => {
    const d = await driver.options()
    closeDriver = d.close
    t = await createTestApp({ plugins: [tenancy(), media(d.options)] })
    shop = await t.seedTenant('mediashop')
    other = await t.seedTenant('othermedia')
    const photo = await phonePhoto()
    asset = await inScope(shop.id, async (scope) => {
      const prepared = await scope.cradle.mediaService.prepare(photo)
      await scope.cradle.db.tx((trx) =>
        scope.cradle.mediaService.record(trx, prepared, 'test:owner'),
      )
      return prepared
    })
  })
  afterAll(async () => {
    await t?.close()
    await closeDriver?.()
  })

  it('is ready (bucket or directory created at start)', async () => {
    const res = await t.http.get('/ready').expect(200)
    expect(res.body.checks['media-storage']).toMatchObject({ ok: true })
  })

  it('stores every variant under the tenant’s prefix with its content type', async () => {
    expect(asset.keyPrefix).toBe(`t/${shop.id}/${asset.id}/`)
    expect(asset.variants.map((v) => v.name).sort()).toEqual([
      '1600.avif',
      '1600.webp',
      '320.avif',
      '320.webp',
      '800.avif',
      '800.webp',
    ])
    const storage = t.engine.container.cradle.mediaStorage
    for (const v of asset.variants) {
      const object = await storage.get(asset.keyPrefix + v.name)
      expect(object, v.name).not.toBeNull()
      expect(object!.contentType).toBe(v.format === 'webp' ? 'image/webp' : 'image/avif')
      const body = Buffer.from(await object!.body.toArray().then((chunks) => Buffer.concat(chunks)))
      const meta = await sharp(body).metadata()
      expect(meta.format).toBe(v.format === 'webp' ? 'webp' : 'heif')
      expect(meta.width).toBe(v.width)
    }
  })

  it('strips GPS and device EXIF but keeps the capture time', async () => {
    const original = exifReader((await sharp(await phonePhoto()).metadata()).exif!)
    expect(original.GPSInfo?.GPSLatitude).toBeDefined() // the fixture really carries a location
    expect(asset.capturedAt?.toISOString()).toBe('2025-06-01T07:15:30.000Z')
    const storage = t.engine.container.cradle.mediaStorage
    for (const v of asset.variants) {
      const object = await storage.get(asset.keyPrefix + v.name)
      const body = Buffer.concat(await object!.body.toArray())
      const exif = exifReader((await sharp(body).metadata()).exif!)
      expect(exif.GPSInfo, v.name).toBeUndefined()
      expect(exif.Image?.Make).toBeUndefined()
      expect(exif.Image?.Model).toBeUndefined()
      expect(exif.Photo?.DateTimeOriginal?.toISOString()).toBe('2025-06-01T07:15:30.000Z')
    }
    const row = await inScope(shop.id, (s) =>
      s.cradle.db.tx((trx) => trx('media_assets').where({ id: asset.id }).first()),
    )
    expect(new Date(row.captured_at).toISOString()).toBe('2025-06-01T07:15:30.000Z')
  })

  it('serves variants through the engine with long cache headers and an ETag', async () => {
    const res = await t.http
      .get(`/api/v1/store/media/${asset.id}/800.webp`)
      .set('Host', shop.host)
      .buffer(true)
      .expect(200)
    expect(res.headers['content-type']).toBe('image/webp')
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(res.headers.etag).toBeTruthy()
    expect((await sharp(res.body as Buffer).metadata()).width).toBe(800)
    await t.http
      .get(`/api/v1/store/media/${asset.id}/800.webp`)
      .set('Host', shop.host)
      .set('If-None-Match', res.headers.etag!)
      .expect(304)
  })

  it('never serves one tenant’s image on another tenant’s host', async () => {
    const res = await t.http
      .get(`/api/v1/store/media/${asset.id}/800.webp`)
      .set('Host', other.host)
      .expect(404)
    expect(res.body.error.code).toBe('MEDIA_NOT_FOUND')
    await t.http
      .get(`/api/v1/store/media/${asset.id}/..%2F..%2Fx`)
      .set('Host', shop.host)
      .expect(404)
  })

  it('sweeps orphaned objects and unattached uploads, keeping attached ones', async () => {
    const storage = t.engine.container.cradle.mediaStorage
    const orphanKey = `t/${shop.id}/00000000-0000-4000-8000-00000000abcd/320.webp`
    await storage.put(orphanKey, Buffer.from('left behind'), 'image/webp')
    const unattached = await inScope(shop.id, async (scope) => {
      const prepared = await scope.cradle.mediaService.prepare(await phonePhoto(400, 300))
      await scope.cradle.db.tx((trx) =>
        scope.cradle.mediaService.record(trx, prepared, null as never),
      )
      return prepared
    })
    await t
      .as(shop.owner)
      .post('/api/v1/admin/media/cleanup')
      .set('Host', shop.host)
      .send({ graceMinutes: 0 })
      .expect(200)
    expect(await storage.exists(orphanKey)).toBe(false)
    expect(await storage.exists(unattached.keyPrefix + unattached.variants[0]!.name)).toBe(false)
    expect(await storage.exists(asset.keyPrefix + '800.webp')).toBe(true)
    const left = await inScope(shop.id, (s) =>
      s.cradle.db.tx((trx) => trx('media_assets').pluck('id')),
    )
    expect(left).toEqual([asset.id])
  })

  it('refuses the cleanup to roles without media.cleanup', async () => {
    const res = await t.http
      .post('/api/v1/admin/media/cleanup')
      .set('Host', shop.host)
      .send({})
      .expect(401)
    expect(res.body.error.code).toBe('OO_UNAUTHENTICATED')
    expect(
      await text(
        (await t.engine.container.cradle.mediaStorage.get(asset.keyPrefix + '320.webp'))!.body,
      ),
    ).toBeTruthy()
  })
})

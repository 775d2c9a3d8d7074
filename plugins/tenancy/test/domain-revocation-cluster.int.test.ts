import {
  closeAgent,
  createTestApp,
  createTestDatabase,
  hasPostgres,
  hasRedis,
  requestJson,
  spawnEngine,
  type EngineProcess,
  type TestApp,
  type TestDatabase,
} from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../index.js'

const ROOT = 'root@platform.test'

// Two OS processes need a shared PostgreSQL and Redis: the embedded database is one process.
describe.skipIf(!hasPostgres || !hasRedis)(
  'domain changes reach every engine process at once',
  () => {
    let db: TestDatabase
    let one: TestApp
    let two: EngineProcess
    let shop: Awaited<ReturnType<TestApp['seedTenant']>>
    const latencies: Record<string, number> = {}

    beforeAll(async () => {
      db = await createTestDatabase()
      // Both engines keep host look-ups for a minute: only the event can empty the cache in time.
      one = await createTestApp({
        plugins: [tenancy({ superAdmins: [ROOT], hostCacheMs: 60_000 })],
        database: db,
      })
      two = await spawnEngine(new URL('./fixtures/tenancy-engine.ts', import.meta.url), {
        DATABASE_URL: db.config.url,
        DATABASE_APP_URL: db.config.appUrl,
        OO_REDIS_PREFIX: one.engine.config.redis.keyPrefix,
      })
      shop = await one.seedTenant('clustered')
    })
    afterAll(async () => {
      const code = await two?.stop()
      closeAgent()
      await one?.close()
      await db?.drop()
      expect(code).toBe(0)
      console.info('domain change → other process, ms:', latencies)
    })

    const statusOnTwo = async (host: string) =>
      (await requestJson(`${two.url}/api/v1/store/tenant`, { host })).status
    /** Milliseconds until engine two answers `status` for `host` (fails after 3 s). */
    const untilTwoAnswers = async (host: string, status: number) => {
      const start = performance.now()
      while ((await statusOnTwo(host)) !== status) {
        if (performance.now() - start > 3000) throw new Error(`${host} never answered ${status}`)
        await new Promise((r) => setTimeout(r, 5))
      }
      return performance.now() - start
    }
    const asOwner = () => one.as(shop.owner)

    it('serves a newly approved domain at once, though the other process cached its miss', async () => {
      const created = await asOwner()
        .post('/api/v1/admin/domains')
        .set('Host', shop.host)
        .send({ host: 'cluster.example' })
        .expect(201)
      expect(await statusOnTwo('cluster.example')).toBe(404) // pending: a miss, now cached on two
      expect(await statusOnTwo('cluster.example')).toBe(404)
      await one
        .as(ROOT)
        .post(`/api/v1/admin/domains/${created.body.id}/approve`)
        .set('X-Tenant-ID', shop.id)
        .expect(200)
      latencies.verified = await untilTwoAnswers('cluster.example', 200)
      expect(latencies.verified).toBeLessThan(1000)
    })

    it('stops serving an un-verified domain on the other process at once', async () => {
      const [domain] = (
        await asOwner()
          .get('/api/v1/admin/domains?filter={"q":"cluster.example"}')
          .set('Host', shop.host)
      ).body as { id: string }[]
      expect(await statusOnTwo('cluster.example')).toBe(200) // cached on two
      await asOwner()
        .post(`/api/v1/admin/domains/${domain!.id}/unverify`)
        .set('Host', shop.host)
        .expect(200)
      latencies.unverified = await untilTwoAnswers('cluster.example', 404)
      expect(latencies.unverified).toBeLessThan(1000)
    })

    it('stops serving a removed domain on the other process at once', async () => {
      expect(await statusOnTwo(shop.host)).toBe(200)
      expect(await statusOnTwo(shop.host)).toBe(200) // cached on two for a minute
      const [domain] = (
        await asOwner()
          .get(`/api/v1/admin/domains?filter={"q":"${shop.host}"}`)
          .set('Host', shop.host)
      ).body as { id: string }[]
      await asOwner()
        .delete(`/api/v1/admin/domains/${domain!.id}`)
        .set('Host', shop.host)
        .expect(200)
      latencies.removed = await untilTwoAnswers(shop.host, 404)
      expect(latencies.removed).toBeLessThan(1000)
      expect(
        (await requestJson(`${one.url}/api/v1/store/tenant`, { host: shop.host })).status,
      ).toBe(404)
    })
  },
)

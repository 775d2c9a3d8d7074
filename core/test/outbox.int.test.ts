import {
  createTestApp,
  createTestDatabase,
  type TestApp,
  type TestDatabase,
} from '@oo/core/testing'
import { afterEach, describe, expect, it } from 'vitest'
import tenancy from '../../plugins/tenancy/index.js'
import probe, { delivered } from './fixtures/probe-plugin.js'

// As the owner: oo_app sees a tenant's outbox rows only in a transaction bound to that tenant.
async function pendingRows(t: TestApp): Promise<number> {
  const row = await t.engine.database.asOwner((owner) =>
    owner('oo_outbox')
      .where({ name: 'probe.pinged' })
      .whereNull('dispatched_at')
      .count({ n: '*' })
      .first(),
  )
  return Number(row?.n)
}

describe('transactional outbox', () => {
  const apps: TestApp[] = []
  let database: TestDatabase | undefined
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.engine.stop({ drainOutbox: false })
    await database?.drop()
    database = undefined
    delivered.splice(0)
  })

  it('delivers an event after its transaction commits, once', async () => {
    const t = await createTestApp({ plugins: [tenancy(), probe()] })
    apps.push(t)
    const shop = await t.seedTenant('commit')
    await t.http
      .post('/api/v1/store/probe/events')
      .set('Host', shop.host)
      .send({ count: 3 })
      .expect(202)
    await t.engine.container.cradle.outbox.drain()
    expect(
      delivered
        .filter((d) => d.tenantId === shop.id)
        .map((d) => d.n)
        .sort(),
    ).toEqual([0, 1, 2])
    expect(await pendingRows(t)).toBe(0)
  })

  it('emits nothing when the transaction rolls back', async () => {
    const t = await createTestApp({ plugins: [tenancy(), probe()] })
    apps.push(t)
    const shop = await t.seedTenant('rollback')
    const res = await t.http
      .post('/api/v1/store/probe/events')
      .set('Host', shop.host)
      .send({ count: 2, rollback: true })
      .expect(409)
    expect(res.body.error.code).toBe('PROBE_ROLLED_BACK')
    await t.engine.container.cradle.outbox.drain()
    expect(delivered).toEqual([])
    expect(
      Number(
        (
          await t.engine.database.asOwner((owner) =>
            owner('oo_outbox').where({ name: 'probe.pinged' }).count({ n: '*' }).first(),
          )
        )?.n,
      ),
    ).toBe(0)
  })

  it('delivers events committed before a crash once the engine is back, exactly once', async () => {
    database = await createTestDatabase({ onDisk: true })
    // The first engine commits but "dies" before publishing: its dispatcher never runs.
    const first = await createTestApp({
      plugins: [tenancy(), probe()],
      database,
      boot: { outbox: { autoDispatch: false } },
    })
    const shop = await first.seedTenant('crash')
    await first.http
      .post('/api/v1/store/probe/events')
      .set('Host', shop.host)
      .send({ count: 4 })
      .expect(202)
    expect(await pendingRows(first)).toBe(4)
    await first.engine.stop({ drainOutbox: false })
    expect(delivered).toEqual([])

    const second = await createTestApp({
      plugins: [tenancy(), probe()],
      database,
      boot: { outbox: { pollIntervalMs: 50 } },
    })
    apps.push(second)
    await expect.poll(() => delivered.length, { timeout: 5000 }).toBe(4)
    await second.engine.container.cradle.outbox.drain()
    expect(new Set(delivered.map((d) => d.eventId)).size).toBe(4)
    expect(delivered.every((d) => d.tenantId === shop.id)).toBe(true)
    expect(await pendingRows(second)).toBe(0)
  })

  it('reports its lag on /metrics', async () => {
    const t = await createTestApp({
      plugins: [tenancy(), probe()],
      boot: { outbox: { autoDispatch: false } },
      // /metrics is not served on the app port without a scrape token.
      config: { http: { metrics: { token: 'outbox-lag-scraper' } } },
    })
    apps.push(t)
    const shop = await t.seedTenant('lag')
    await t.http
      .post('/api/v1/store/probe/events')
      .set('Host', shop.host)
      .send({ count: 1 })
      .expect(202)
    await new Promise((r) => setTimeout(r, 1100))
    const metrics = await t.http
      .get('/metrics')
      .set('Authorization', 'Bearer outbox-lag-scraper')
      .expect(200)
    const lag = Number(/^oo_outbox_lag_seconds (\S+)$/m.exec(metrics.text)?.[1])
    expect(lag).toBeGreaterThanOrEqual(1)
  })
})

import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import {
  createTestApp,
  createTestDatabase,
  hasPostgres,
  requestJson,
  spawnEngine,
  type EngineProcess,
  type TestApp,
  type TestDatabase,
} from '@oo/core/testing'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../plugins/tenancy/index.js'
import leaseProbe, { noted } from './fixtures/lease-probe-plugin.js'
import probe, { delivered } from './fixtures/probe-plugin.js'

const LEASE_ENGINE = new URL('./fixtures/lease-engine.ts', import.meta.url)

interface LeaseRow {
  event_id: string
  claimed_by: string | null
  claimed_until: Date | null
  attempts: number
  dispatched_at: Date | null
}

// As the owner: oo_app sees a tenant's outbox rows only in a transaction bound to that tenant.
function probeRows(t: TestApp): Promise<LeaseRow[]> {
  return t.engine.database.asOwner((owner) =>
    owner('oo_outbox')
      .where({ name: 'probe.pinged' })
      .orderBy('id')
      .select('event_id', 'claimed_by', 'claimed_until', 'attempts', 'dispatched_at'),
  )
}

async function emitProbes(t: TestApp, host: string, count: number): Promise<void> {
  await t.http.post('/api/v1/store/probe/events').set('Host', host).send({ count }).expect(202)
}

describe('outbox leases', () => {
  const apps: TestApp[] = []
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close()
    delivered.splice(0)
  })

  async function engine(outbox: {
    pollIntervalMs?: number
    autoDispatch?: boolean
  }): Promise<TestApp> {
    const t = await createTestApp({ plugins: [tenancy(), probe()], boot: { outbox } })
    apps.push(t)
    return t
  }

  it('lets the writer deliver its own events right after commit, without a poll', async () => {
    // The only poll runs at start, before anything is written: delivery cannot come from it.
    const t = await engine({ pollIntervalMs: 60_000 })
    const shop = await t.seedTenant('writer')
    await emitProbes(t, shop.host, 3)
    await expect
      .poll(() => delivered.filter((d) => d.tenantId === shop.id).map((d) => d.n), {
        timeout: 2000,
      })
      .toEqual([0, 1, 2])
    await expect
      .poll(async () => (await probeRows(t)).every((r) => r.dispatched_at), { timeout: 2000 })
      .toBe(true)
    // Leased to this process at insert and never claimed again (a claim counts an attempt).
    const rows = await probeRows(t)
    expect(new Set(rows.map((r) => r.claimed_by)).size).toBe(1)
    for (const row of rows) {
      expect(row.claimed_by).toMatch(new RegExp(`^${hostname()}:${process.pid}:`))
      expect(row.attempts).toBe(1)
    }
  })

  it('marks delivered rows in batches, not with one statement per row', async () => {
    const t = await engine({ pollIntervalMs: 60_000 })
    const shop = await t.seedTenant('batches')
    const marks: string[] = []
    const record = (q: { sql: string }) => {
      if (/set dispatched_at/.test(q.sql)) marks.push(q.sql)
    }
    // The dispatcher marks with owner rights (the owner pool on PostgreSQL).
    const owner = await t.engine.database.asOwner(async (k) => k)
    owner.on('query', record)
    try {
      await emitProbes(t, shop.host, 20)
      await expect
        .poll(async () => (await probeRows(t)).filter((r) => r.dispatched_at).length, {
          timeout: 2000,
        })
        .toBe(20)
    } finally {
      owner.off('query', record)
    }
    expect(marks.length).toBeGreaterThan(0)
    expect(marks.length).toBeLessThan(20)
  })

  it('writes unleased rows while this process does not dispatch', async () => {
    const t = await engine({ autoDispatch: false })
    const shop = await t.seedTenant('idle')
    await emitProbes(t, shop.host, 2)
    expect(await probeRows(t)).toEqual([
      expect.objectContaining({ claimed_by: null, claimed_until: null, attempts: 0 }),
      expect.objectContaining({ claimed_by: null, claimed_until: null, attempts: 0 }),
    ])
    expect(delivered).toEqual([])
  })

  it('takes over a dead process’s row only once its lease has run out', async () => {
    const t = await engine({ pollIntervalMs: 100 })
    const shop = await t.seedTenant('takeover')
    const eventId = randomUUID()
    // What a writer that died between its commit and its delivery leaves behind.
    await t.engine.database.asOwner((owner) =>
      owner('oo_outbox').insert({
        event_id: eventId,
        tenant_id: shop.id,
        name: 'probe.pinged',
        payload: JSON.stringify({ n: 7 }),
        claimed_by: 'dead:1:x',
        claimed_until: owner.raw(`now() + interval '2 seconds'`),
        attempts: 1,
      }),
    )
    // A full claim pass, as the poll runs it, while the lease still holds.
    await t.engine.container.cradle.outbox.drain()
    const { rows } = await t.engine.database.asOwner((owner) =>
      owner.raw(`select claimed_until > now() as leased from oo_outbox where event_id = ?`, [
        eventId,
      ]),
    )
    expect(rows).toEqual([{ leased: true }])
    expect(delivered).toEqual([])

    await expect
      .poll(() => delivered, { timeout: 6000 })
      .toEqual([{ eventId, n: 7, tenantId: shop.id }])
    await expect
      .poll(async () => (await probeRows(t))[0]?.dispatched_at ?? null, { timeout: 2000 })
      .not.toBeNull()
    const [row] = await probeRows(t)
    expect(row!.claimed_by).toMatch(new RegExp(`^${hostname()}:${process.pid}:`))
    expect(row!.attempts).toBe(2)
  })

  it('purges delivered rows after the retention period and keeps undelivered and dead ones', async () => {
    const t = await engine({ pollIntervalMs: 60_000 })
    const shop = await t.seedTenant('purge')
    await emitProbes(t, shop.host, 3)
    await expect
      .poll(async () => (await probeRows(t)).filter((r) => r.dispatched_at).length)
      .toBe(3)
    const [old, recent] = await probeRows(t)
    await t.engine.database.asOwner(async (owner) => {
      // One delivered row is two days old; plus an undelivered and a dead row of the same age.
      await owner('oo_outbox')
        .where({ event_id: old!.event_id })
        .update({ dispatched_at: owner.raw(`now() - interval '2 days'`) })
      for (const state of [{}, { failed_at: owner.raw(`now() - interval '2 days'`) }])
        await owner('oo_outbox').insert({
          event_id: randomUUID(),
          tenant_id: shop.id,
          name: 'probe.kept',
          payload: JSON.stringify({ n: 0 }),
          created_at: owner.raw(`now() - interval '2 days'`),
          available_at: owner.raw(`now() + interval '1 day'`),
          ...state,
        })
    })
    expect(await t.engine.container.cradle.outbox.purgeDelivered()).toBe(1)
    const left = await probeRows(t)
    expect(left.map((r) => r.event_id)).not.toContain(old!.event_id)
    expect(left.map((r) => r.event_id)).toContain(recent!.event_id)
    const kept = await t.engine.database.asOwner((owner) =>
      owner('oo_outbox').where({ name: 'probe.kept' }).count({ n: '*' }),
    )
    expect(Number(kept[0]!.n)).toBe(2)
  })
})

// Two processes on one database: PGlite is single-process by design.
describe.skipIf(!hasPostgres)('outbox leases of a process that dies', () => {
  let database: TestDatabase
  let survivor: TestApp
  let doomed: EngineProcess

  beforeAll(async () => {
    database = await createTestDatabase()
    survivor = await createTestApp({
      plugins: [tenancy(), leaseProbe()],
      database,
      boot: { outbox: { pollIntervalMs: 200 } },
    })
    // Its handler never returns: what it leases stays undelivered while it lives.
    doomed = await spawnEngine(LEASE_ENGINE, {
      DATABASE_URL: database.config.url,
      DATABASE_APP_URL: database.config.appUrl,
      OO_HANG_HANDLERS: '1',
    })
  }, 90_000)

  afterAll(async () => {
    doomed?.child.kill('SIGKILL')
    await survivor?.close()
    await database?.drop()
  })

  it('keeps a live writer’s rows past the lease length, and hands a killed one’s over within seconds', async () => {
    const shop = await survivor.seedTenant('doomed')
    const sent = await requestJson(`${doomed.url}/api/v1/store/lease-probe/events`, {
      method: 'POST',
      host: shop.host,
      body: { count: 3 },
    })
    expect(sent.status).toBe(202)
    const leases = () =>
      survivor.engine.database.asOwner((owner) =>
        owner('oo_outbox')
          .where({ name: 'lease-probe.noted' })
          .select('claimed_by', 'dispatched_at'),
      )
    expect((await leases()).map((r) => r.claimed_by)).toEqual(
      Array(3).fill(expect.stringMatching(new RegExp(`:${doomed.pid}:`))),
    )
    // Longer than a lease: the writer lives and renews, so nobody else delivers.
    await new Promise((r) => setTimeout(r, (survivor.engine.config.outbox.leaseSeconds + 2) * 1000))
    expect(noted).toEqual([])

    doomed.child.kill('SIGKILL')
    const killedAt = performance.now()
    await expect
      .poll(() => noted.map((d) => d.n), { timeout: 15_000, interval: 100 })
      .toEqual([0, 1, 2])
    const tookMs = performance.now() - killedAt
    console.info(`rows of a killed process delivered by the other after ${tookMs.toFixed(0)} ms`)
    expect(tookMs).toBeLessThan(survivor.engine.config.outbox.leaseSeconds * 1000 + 2000)
    await expect
      .poll(async () => (await leases()).every((r) => r.dispatched_at), { timeout: 2000 })
      .toBe(true)
  }, 60_000)
})

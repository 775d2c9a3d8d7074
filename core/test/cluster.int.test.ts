import { randomBytes } from 'node:crypto'
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
import { io as connect, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../plugins/tenancy/index.js'
import probe from './fixtures/probe-plugin.js'

const ENGINE = new URL('./fixtures/probe-engine.ts', import.meta.url)

// Two separate engine processes need a shared PostgreSQL and Redis; the embedded defaults are
// single-process by design (PGlite takes a lock on its folder).
describe.skipIf(!hasPostgres || !hasRedis)('two engine processes', () => {
  let database: TestDatabase
  let admin: TestApp
  let a: EngineProcess
  let b: EngineProcess
  const sockets: Socket[] = []

  beforeAll(async () => {
    database = await createTestDatabase()
    // An in-process engine only to provision tenants; its dispatcher is off so it handles nothing.
    admin = await createTestApp({
      plugins: [tenancy(), probe()],
      database,
      boot: { outbox: { autoDispatch: false } },
    })
    const env = {
      DATABASE_URL: database.config.url,
      DATABASE_APP_URL: database.config.appUrl,
      OO_REDIS_PREFIX: `oo-cluster-${randomBytes(4).toString('hex')}`,
    }
    ;[a, b] = await Promise.all([spawnEngine(ENGINE, env), spawnEngine(ENGINE, env)])
  })

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect()
    const codes = await Promise.all([a?.stop(), b?.stop()])
    await admin?.close()
    closeAgent()
    expect(codes).toEqual([0, 0]) // both shut down gracefully on SIGTERM
  })

  function listen(
    url: string,
    host: string,
  ): Promise<{ socket: Socket; received: { eventId: string; pid: number }[] }> {
    const received: { eventId: string; pid: number }[] = []
    const socket = connect(`${url}/probe`, {
      transports: ['websocket'],
      extraHeaders: { host },
      reconnection: false,
    })
    sockets.push(socket)
    socket.on('probe:pinged', (msg: { eventId: string; pid: number }) => received.push(msg))
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve({ socket, received }))
      socket.once('connect_error', reject)
    })
  }

  it('handles each event exactly once in the cluster and pushes to sockets on the other process', async () => {
    const shopA = await admin.seedTenant('alpha')
    const shopB = await admin.seedTenant('beta')
    const onB = await listen(b.url, shopA.host)
    const otherTenantOnB = await listen(b.url, shopB.host)

    const count = 40
    for (let i = 0; i < count / 10; i++) {
      const res = await requestJson(`${a.url}/api/v1/store/probe/events`, {
        method: 'POST',
        host: shopA.host,
        body: { count: 10 },
      })
      expect(res.status).toBe(202)
    }

    const deliveredOn = async (engine: EngineProcess) =>
      (await requestJson(`${engine.url}/api/v1/store/probe/delivered`, { host: shopA.host }))
        .body as { eventId: string }[]
    await expect
      .poll(async () => (await deliveredOn(a)).length + (await deliveredOn(b)).length, {
        timeout: 10_000,
        interval: 100,
      })
      .toBe(count)
    const all = [...(await deliveredOn(a)), ...(await deliveredOn(b))]
    expect(new Set(all.map((d) => d.eventId)).size).toBe(count)

    await expect.poll(() => onB.received.length, { timeout: 5000 }).toBe(count)
    expect(new Set(onB.received.map((m) => m.eventId)).size).toBe(count)
    // The handler ran on whichever process claimed the row; its pushes reached B's socket either way.
    const handledBy = new Set(onB.received.map((m) => m.pid))
    expect([...handledBy].every((pid) => pid === a.pid || pid === b.pid)).toBe(true)
    // A kicks its own dispatcher after commit, so it handles (nearly) all: those pushes crossed to B.
    expect(handledBy.has(a.pid)).toBe(true)
    expect(otherTenantOnB.received).toEqual([])
  })
})

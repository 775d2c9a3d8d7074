import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import {
  createTestDatabase,
  hasPostgres,
  spawnEngine,
  type EngineProcess,
  type TestApp,
  type TestDatabase,
} from '@oo/core/testing'
import { exportJWK } from 'jose'
import type { Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bootOrders,
  collect,
  connectSocket,
  countOrders,
  seedShop,
  stockOf,
  type Shop,
} from '../../plugins/orders/test/helpers.js'
import { hasRedisServer, startRedisServer, type RedisServer } from '../src/testing/redis-server.js'

const ENGINE = new URL('./fixtures/outage-engine.ts', import.meta.url)
const STOCK = 5000
const EVERY_MS = 50 // ~20 checkouts a second, alternating between the two processes
const MAX_IN_FLIGHT = 10

interface Answer {
  status: number
  ms: number
  phase: 'before' | 'outage' | 'after'
  orderId?: string
  orderToken?: string
  error?: string
}

/**
 * JSON over a fresh connection each time (no keep-alive): a reused idle socket that the server
 * closes at its keep-alive timeout as the next request goes out is a reset that says nothing
 * about Redis, and a starved test process makes that race likely.
 */
function call(
  url: string,
  opts: { method?: string; host: string; token?: string; body?: unknown },
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body)
    const headers: Record<string, string> = { host: opts.host }
    if (opts.token) headers.authorization = `Bearer ${opts.token}`
    if (payload) headers['content-type'] = 'application/json'
    const req = request(url, { method: opts.method ?? 'GET', headers, agent: false }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }),
      )
    })
    req.on('error', reject)
    req.end(payload)
  })
}

function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)
  })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0
}

// Two engine processes on PostgreSQL and a private redis-server that this test kills (never the
// shared Redis). Skipped only without PostgreSQL (separate processes) or a redis-server binary.
describe.skipIf(!hasPostgres || !hasRedisServer)('a Redis outage under checkout load', () => {
  let database: TestDatabase
  let admin: TestApp
  let redis: RedisServer
  let a: EngineProcess
  let b: EngineProcess
  let shop: Shop
  const logs = new Map<EngineProcess, Record<string, unknown>[]>()
  const sockets: Socket[] = []

  beforeAll(async () => {
    database = await createTestDatabase()
    admin = await bootOrders({ database, boot: { outbox: { autoDispatch: false } } })
    shop = await seedShop(admin, 'outage', [{ slug: 'taco', price: 300, stock: STOCK }])
    redis = await startRedisServer()
    const env = {
      DATABASE_URL: database.config.url,
      DATABASE_APP_URL: database.config.appUrl,
      REDIS_URL: redis.url,
      OO_REDIS_PREFIX: `oo-outage-${randomBytes(4).toString('hex')}`,
      OO_TEST_ISSUER_JWK: JSON.stringify(await exportJWK((await admin.issuer.keys()).publicKey)),
    }
    ;[a, b] = await Promise.all([spawnEngine(ENGINE, env), spawnEngine(ENGINE, env)])
    for (const engine of [a, b]) {
      const lines: Record<string, unknown>[] = []
      logs.set(engine, lines)
      engine.onLine((line) => lines.push(line))
    }
  }, 120_000)

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect()
    const codes = await Promise.all([a?.stop(), b?.stop()])
    await redis?.stop()
    await admin?.close()
    expect(codes).toEqual([0, 0])
  })

  const checkout = async (engine: EngineProcess, phase: Answer['phase']): Promise<Answer> => {
    const started = performance.now()
    const res = await within(
      10_000,
      call(`${engine.url}/api/v1/store/checkout`, {
        method: 'POST',
        host: shop.host,
        body: {
          items: [{ productId: shop.products.taco, quantity: 1 }],
          customer: { pickupName: phase },
        },
      }),
    ).catch((err: Error) => ({ status: 0, body: { error: err.message } })) // 0: no answer (reset, or none in 10 s)
    return {
      status: res.status,
      ms: performance.now() - started,
      phase,
      orderId: res.body?.order?.id,
      orderToken: res.body?.orderToken,
      error: res.status === 201 ? undefined : JSON.stringify(res.body).slice(0, 200),
    }
  }

  const ready = (engine: EngineProcess) =>
    within(5_000, call(`${engine.url}/ready`, { host: shop.host })).catch(() => ({
      status: 0,
      body: { status: 'no answer', checks: {} },
    })) as Promise<{
      status: number
      body: { status: string; checks: Record<string, { ok: boolean }> }
    }>

  const setTheme = async (engine: EngineProcess, value: string, version: number) => {
    const started = performance.now()
    const res = await within(
      10_000,
      call(`${engine.url}/api/v1/admin/settings/tenancy.theme`, {
        method: 'PUT',
        host: shop.host,
        token: await admin.tokenFor(shop.owner),
        body: { value, version },
      }),
    ).catch(() => ({ status: 0 }))
    return { status: res.status, ms: performance.now() - started }
  }

  const customerOrder = (engine: EngineProcess, placed: Answer) =>
    within(
      5_000,
      call(`${engine.url}/api/v1/store/orders/${placed.orderId}`, {
        host: shop.host,
        token: placed.orderToken,
      }),
    ).catch(() => ({ status: 0 }))

  const themeVersion = async (engine: EngineProcess) =>
    (
      await call(`${engine.url}/api/v1/admin/settings/tenancy.theme`, {
        host: shop.host,
        token: await admin.tokenFor(shop.owner),
      })
    ).body?.version as number | undefined

  it('keeps both processes serving every checkout, reports degraded, and fans out again once Redis is back', async () => {
    const kitchenOnB = await connectSocket(
      b.url,
      '/kitchen',
      shop.host,
      await admin.tokenFor(shop.kitchen),
    )
    sockets.push(kitchenOnB)
    const tickets = collect<{ orderId: string }>(kitchenOnB, 'ticket:created')

    const answers: Promise<Answer>[] = []
    let phase: Answer['phase'] = 'before'
    let n = 0
    // At most MAX_IN_FLIGHT at once: on a starved machine an open-loop load would queue without
    // bound and time out for reasons that have nothing to do with Redis.
    let inFlight = 0
    let skipped = 0
    const load = setInterval(() => {
      if (inFlight >= MAX_IN_FLIGHT) return void skipped++
      inFlight++
      answers.push(checkout(n++ % 2 ? b : a, phase).finally(() => inFlight--))
    }, EVERY_MS)
    const readyDuringOutage: Awaited<ReturnType<typeof ready>>[] = []
    let themeChange: { status: number; ms: number } | undefined
    let orderPage: { status: number } | undefined
    let restartedAt = 0
    try {
      await new Promise((r) => setTimeout(r, 2000))
      phase = 'outage'
      await redis.kill()
      for (let i = 0; i < 8; i++) {
        await new Promise((r) => setTimeout(r, 500))
        readyDuringOutage.push(await ready(i % 2 ? b : a))
        if (i === 2) themeChange = await setTheme(a, 'tech-ocean', 0)
        if (i === 4) orderPage = await customerOrder(b, (await answers[0])!)
      }
      await redis.restart()
      restartedAt = performance.now()
      phase = 'after'
      await new Promise((r) => setTimeout(r, 3000))
    } finally {
      clearInterval(load)
    }
    const settled = await Promise.all(answers)

    // Both processes lived through it, and no answer was an error.
    expect([a.child.exitCode, b.child.exitCode]).toEqual([null, null])
    const statuses: Record<number, number> = {}
    for (const x of settled) statuses[x.status] = (statuses[x.status] ?? 0) + 1
    const failures = settled.filter((x) => x.status !== 201)
    expect({ statuses, firstFailures: failures.slice(0, 3) }).toEqual({
      statuses: { 201: settled.length },
      firstFailures: [],
    })
    const outage = settled.filter((x) => x.phase === 'outage').map((x) => x.ms)
    const before = settled.filter((x) => x.phase === 'before').map((x) => x.ms)
    expect(outage.length).toBeGreaterThan(40)

    // /ready stays 200 (no flapping out of rotation) and says what is missing.
    for (const r of readyDuringOutage) {
      expect(r.status).toBe(200)
      expect(r.body.status).toBe('degraded')
      expect(r.body.checks).toMatchObject({ database: { ok: true }, redis: { ok: false } })
    }
    for (const engine of [a, b])
      await expect
        .poll(async () => (await ready(engine)).body.status, { timeout: 10_000, interval: 100 })
        .toBe('ready')

    // A customer's order page (an order token, checked against the revocation list) still opens.
    expect(orderPage).toMatchObject({ status: 200 })

    // A setting changed on A while Redis was away (its broadcast failed at once) reaches B when
    // B's subscriber is back (the reconnect reconcile), long before B's 30 s reconcile interval.
    expect(themeChange).toMatchObject({ status: 200 })
    await expect.poll(() => themeVersion(b), { timeout: 10_000, interval: 50 }).toBe(1)
    const themeCaughtUpMs = performance.now() - restartedAt

    // Cross-process fan-out resumes: an order taken on A reaches the kitchen screen on B.
    const crossing = await checkout(a, 'after')
    expect(crossing.status).toBe(201)
    await tickets.waitFor((t) => t.orderId === crossing.orderId, 10_000)

    // Stock is exact: one taco per order answered 201, no more, no less.
    const sold = settled.length + 1
    expect(await countOrders(admin, shop)).toBe(sold)
    expect(await stockOf(admin, shop, 'taco')).toBe(STOCK - sold)

    // The guard never had to step in (every dropped promise has a handler at its source), and
    // each process warned once that rate limits went per process, and said when they came back.
    for (const engine of [a, b]) {
      const lines = logs.get(engine)!
      const messages = lines.map((l) => String(l.msg))
      expect(messages.filter((m) => /unhandledRejection|uncaughtException/.test(m))).toEqual([])
      expect(messages.filter((m) => m.startsWith('rate limits count per process'))).toHaveLength(1)
      expect(messages.filter((m) => m.startsWith('redis connection lost'))).toHaveLength(1)
    }

    console.info(
      `checkouts: ${settled.length} (before ${before.length}, outage ${outage.length}; ${skipped} ticks skipped at ${MAX_IN_FLIGHT} in flight), all 201; ` +
        `latency before p50 ${percentile(before, 50).toFixed(1)} ms p99 ${percentile(before, 99).toFixed(1)} ms; ` +
        `setting changed during the outage: answered in ${themeChange!.ms.toFixed(0)} ms, on B ${themeCaughtUpMs.toFixed(0)} ms after Redis was back; ` +
        `during the outage p50 ${percentile(outage, 50).toFixed(1)} ms p99 ${percentile(outage, 99).toFixed(1)} ms max ${Math.max(...outage).toFixed(1)} ms`,
    )
    // Relative, and loose on purpose (a busy 2-core machine shared with other test runs): before
    // this fix a request during the outage waited for Redis to come back.
    expect(percentile(outage, 50)).toBeLessThan(2 * percentile(before, 50) + 200)
  }, 60_000)
})

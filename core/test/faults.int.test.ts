import { randomBytes } from 'node:crypto'
import { Agent, request as httpRequest } from 'node:http'
import {
  createTestDatabase,
  hasPostgres,
  hasRedis,
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
  inTenant,
  seedShop,
  stockOf,
  type Shop,
} from '../../plugins/orders/test/helpers.js'
import { hasNginx, startNginx, type Nginx } from '../src/testing/nginx.js'
import { freePort } from '../src/testing/redis-server.js'

const ENGINE = new URL('./fixtures/fault-engine.ts', import.meta.url)
const STOCK = 100_000
const CLIENTS = 16

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** An answer as a client saw it: a status, or the socket error that took its place. */
interface Outcome {
  status?: number
  error?: string
  orderId?: string
}

function postCheckout(base: string, agent: Agent, host: string, label: string): Promise<Outcome> {
  const payload = JSON.stringify({
    items: [{ productId: currentShop!.products.taco, quantity: 1 }],
    customer: { pickupName: label },
  })
  return new Promise((resolve) => {
    const req = httpRequest(
      `${base}/api/v1/store/checkout`,
      {
        method: 'POST',
        agent,
        timeout: 15_000,
        headers: {
          host,
          // As the storefront kit sends it: one per attempt, so a retry cannot make a second order.
          'idempotency-key': randomBytes(16).toString('hex'),
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => {
          let orderId: string | undefined
          try {
            orderId = (JSON.parse(text) as { order?: { id?: string } }).order?.id
          } catch {
            // an error page (nginx's 502) is not JSON
          }
          if (res.statusCode !== 201 && process.env.OO_FAULTS_DEBUG)
            console.error(res.statusCode, text.slice(0, 300))
          resolve({ status: res.statusCode, orderId })
        })
        res.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }))
      },
    )
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })))
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }))
    req.end(payload)
  })
}

let currentShop: Shop | undefined

/** Keep-alive clients sending checkouts until stopped, each `pauseMs` after its last answer. */
function checkoutLoad(targets: () => string, host: string, clients: number, pauseMs = 0) {
  const outcomes: Outcome[] = []
  const agents = Array.from(
    { length: clients },
    () => new Agent({ keepAlive: true, maxSockets: 1 }),
  )
  let running = true
  const loops = agents.map(async (agent, i) => {
    for (let n = 0; running; n++) {
      outcomes.push(await postCheckout(targets(), agent, host, `c${i}-${n}`))
      if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs))
    }
  })
  return {
    outcomes,
    async stop() {
      running = false
      await Promise.all(loops)
      for (const agent of agents) agent.destroy()
      return outcomes
    },
  }
}

function tally(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const o of outcomes) {
    const key = o.error ?? String(o.status)
    counts[key] = (counts[key] ?? 0) + 1
  }
  return counts
}

function orderIds(admin: TestApp, shop: Shop): Promise<string[]> {
  return inTenant(admin, shop.id, (s) =>
    s.cradle.db.tx(async (trx) =>
      ((await trx('orders').select('id')) as { id: string }[]).map((r) => r.id),
    ),
  )
}

// Separate engine processes need a shared PostgreSQL and Redis; the front door is Debian's nginx
// with the shipped config. Each test is bounded well under a minute.
describe.skipIf(!hasPostgres || !hasRedis || !hasNginx)('faults behind the front door', () => {
  let database: TestDatabase
  let admin: TestApp
  let nginx: Nginx
  let env: Record<string, string | undefined>
  const ports: [number, number] = [0, 0]
  const engines: EngineProcess[] = []
  const exitCodes: (number | null)[] = []
  const sockets: Socket[] = []

  const start = async (slot: 0 | 1) => {
    const engine = await spawnEngine(ENGINE, { ...env, PORT: String(ports[slot]) })
    if (process.env.OO_FAULTS_DEBUG)
      engine.onLine((line) => console.error(slot, JSON.stringify(line).slice(0, 600)))
    return engine
  }

  beforeAll(async () => {
    database = await createTestDatabase()
    admin = await bootOrders({ database, boot: { outbox: { autoDispatch: false } } })
    env = {
      DATABASE_URL: database.config.url,
      DATABASE_APP_URL: database.config.appUrl,
      OO_REDIS_PREFIX: `oo-faults-${randomBytes(4).toString('hex')}`,
      OO_TEST_ISSUER_JWK: JSON.stringify(await exportJWK((await admin.issuer.keys()).publicKey)),
    }
    ports[0] = await freePort()
    ports[1] = await freePort()
    engines.push(...(await Promise.all([start(0), start(1)])))
    nginx = await startNginx(ports)
  }, 120_000)

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect()
    // Every engine still running stops gracefully (the killed one is not among them).
    const running = engines.filter((e) => e.child.exitCode === null && e.child.signalCode === null)
    exitCodes.push(...(await Promise.all(running.map((e) => e.stop()))))
    await nginx?.stop()
    await admin?.close()
    await database?.drop()
    expect(exitCodes).toEqual(exitCodes.map(() => 0)) // the restarted engine stops gracefully too
  })

  it('rolls both engines behind nginx under keep-alive checkout load: no reset, no 5xx, no lost answer, exit 0', async () => {
    const shop = (currentShop = await seedShop(admin, 'rolling', [
      { slug: 'taco', price: 300, stock: STOCK },
    ]))
    // Paced (about 16 × 5 a second): this is about connections and answers, not throughput, and
    // the machine has two cores.
    const load = checkoutLoad(() => nginx.url, shop.host, CLIENTS, 200)
    const codes: (number | null)[] = []
    const timings: string[] = []
    // The new engines boot beside the old ones, as new containers would, and each listens as soon
    // as its predecessor's port is free.
    const replacements = [start(0), start(1)]
    await sleep(1000)
    for (const slot of [0, 1] as const) {
      const signalled = performance.now()
      codes.push(await engines[slot]!.stop()) // SIGTERM: drain, stop, exit
      timings.push(`engine ${slot} stopped in ${(performance.now() - signalled).toFixed(0)} ms`)
      engines[slot] = await replacements[slot]!
      if (process.env.OO_FAULTS_DEBUG) console.error(timings.at(-1), tally(load.outcomes))
      // A rolling deploy waits for the new engine, and for nginx to take it back (it refused
      // connections for a moment: max_fails=3 fail_timeout=5s), before it stops the next one.
      await sleep(6000)
    }
    const outcomes = await load.stop()

    if (process.env.OO_FAULTS_DEBUG)
      console.error(nginx.errorLog().split('\n').slice(-30).join('\n'))
    const counts = tally(outcomes)
    const ok = outcomes.filter((o) => o.status === 201)
    console.info(
      `rolling restart: ${outcomes.length} checkouts through nginx, ${JSON.stringify(counts)}; ${timings.join(', ')}`,
    )
    expect(codes).toEqual([0, 0])
    expect(counts).toEqual({ 201: outcomes.length }) // no reset, no 502/503, nothing unanswered
    expect(ok.length).toBeGreaterThan(100)
    // Every committed order got its answer: the database holds exactly the orders answered 201.
    const ids = await orderIds(admin, shop)
    expect(ids.length).toBe(ok.length)
    expect(new Set(ids)).toEqual(new Set(ok.map((o) => o.orderId)))
    expect(await stockOf(admin, shop, 'taco')).toBe(STOCK - ok.length)
  }, 90_000)

  it('loses no ticket and sells no stock twice when one of two engines is killed mid-checkout', async () => {
    const shop = (currentShop = await seedShop(admin, 'killed', [
      { slug: 'taco', price: 300, stock: STOCK },
    ]))
    const [a, b] = engines as [EngineProcess, EngineProcess]
    const kitchen = await connectSocket(
      b.url,
      '/kitchen',
      shop.host,
      await admin.tokenFor(shop.kitchen),
    )
    sockets.push(kitchen)
    const tickets = collect<{ orderId: string }>(kitchen, 'ticket:created')
    // A few clients on each engine, directly (kill -9 takes answers in flight with it).
    const onA = checkoutLoad(() => a.url, shop.host, CLIENTS / 4, 200)
    const onB = checkoutLoad(() => b.url, shop.host, CLIENTS / 4, 200)
    await sleep(1500)
    a.child.kill('SIGKILL')
    const killedAt = performance.now()
    await new Promise((resolve) => a.child.once('exit', resolve))
    const fromA = await onA.stop()
    await sleep(1000)
    const fromB = await onB.stop()

    expect(b.child.exitCode).toBeNull()
    expect(tally(fromB)).toEqual({ 201: fromB.length })
    const ids = await orderIds(admin, shop)
    const answered = [...fromA, ...fromB].filter((o) => o.status === 201)
    // Orders A committed but could not answer still exist, once; every answer is in the database.
    expect(ids.length).toBeGreaterThanOrEqual(answered.length)
    expect(new Set(ids).size).toBe(ids.length)
    for (const o of answered) expect(ids).toContain(o.orderId)
    expect(await stockOf(admin, shop, 'taco')).toBe(STOCK - ids.length)
    // Each order gets its kitchen ticket once, those of A's leases after they lapse (B delivers).
    const ticketsInDb = () =>
      inTenant(admin, shop.id, (s) =>
        s.cradle.db.tx(
          async (trx) => (await trx('kds_tickets').select('order_id')) as { order_id: string }[],
        ),
      )
    await expect
      .poll(async () => (await ticketsInDb()).length, { timeout: 30_000, interval: 200 })
      .toBe(ids.length)
    const tookMs = performance.now() - killedAt
    expect(new Set((await ticketsInDb()).map((t) => t.order_id))).toEqual(new Set(ids))
    // The screen on B saw each ticket at most once, and only tickets of real orders.
    const live = tickets.items.map((t) => t.orderId)
    expect(new Set(live).size).toBe(live.length)
    for (const id of live) expect(ids).toContain(id)
    console.info(
      `kill -9: ${ids.length} orders (${answered.length} answered, ${fromA.filter((o) => o.error).length} cut on A), ` +
        `every ticket written once, the last ${tookMs.toFixed(0)} ms after the kill; ${live.length} reached the open screen live`,
    )
  }, 60_000)
})

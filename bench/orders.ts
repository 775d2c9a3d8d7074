// Orders benchmark (bounded, ~1.5 minutes): order-to-kitchen latency across two engine processes
// and peak checkout throughput, on PostgreSQL + Redis.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 \
//     node_modules/.bin/tsx bench/orders.ts [--rate 50] [--seconds 15] [--peak-seconds 5] [--hot-seconds 3] [--concurrency 32] [--serial 200]
//
// Latency = checkout request sent to process A → `ticket:created` received on a KDS socket
// connected to process B (outbox → handler → Redis adapter → socket). Carts are 1–3 lines from a
// menu of 24 products. Phases: `serial` orders one at a time (the path's own cost, no queueing),
// then `rate`/s for `seconds`, then throughput = checkouts/s from `concurrency` keep-alive clients
// spread over both processes, over the menu and then (worst case) all on one product's row, then
// 200 concurrent checkouts on stock 100. Each phase prints the CPU each process spent per order
// (Linux /proc: engines A and B, every PostgreSQL process, this load generator), which says more
// than a wall-clock figure on a shared machine. BENCH_SLOW=1 lists the slow orders' times;
// BENCH_ENGINE_NODE_OPTIONS (e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof') goes to both engines.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { parseArgs } from 'node:util'
import { boot, type Engine } from '@oo/core'
import { TestIssuer, withDatabase } from '@oo/core/testing'
import { exportJWK } from 'jose'
import pg from 'pg'
import { io, type Socket } from 'socket.io-client'
import { KDS_ENGINE, spawnEngine, type EngineProcess } from '../plugins/kds/test/fixtures/spawn.js'
import { orderPlugins } from '../plugins/orders/test/helpers.js'

// A young generation of 8 MB for the engines and this load generator, as deploy/Dockerfile runs
// the engine: with V8's default (a new space of up to 64 MB here) a scavenge on this VM took
// 40-165 ms now and then, and that one pause was the whole p99. Set by running this script again.
const YOUNG_GENERATION = '--max-semi-space-size=8'
if (
  !`${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`.includes(
    '--max-semi-space-size',
  )
) {
  const { status } = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${YOUNG_GENERATION}`.trim(),
    },
  })
  process.exit(status ?? 1)
}

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '15' },
    'peak-seconds': { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '32' },
    'hot-seconds': { type: 'string', default: '3' },
    serial: { type: 'string', default: '200' },
  },
})
const RATE = Number(args.rate)
const SECONDS = Number(args.seconds)
const PEAK_SECONDS = Number(args['peak-seconds'])
const CONCURRENCY = Number(args.concurrency)
const HOT_SECONDS = Number(args['hot-seconds'])
const SERIAL = Number(args.serial)
const MENU = 24
const HARD_LIMIT_MS = 60_000 + (SECONDS + PEAK_SECONDS + HOT_SECONDS) * 1000 * 2

const url = process.env.DATABASE_URL
const redisUrl = process.env.REDIS_URL
if (!url || !redisUrl) {
  console.error(
    'bench/orders.ts needs DATABASE_URL (PostgreSQL) and REDIS_URL: two processes cannot share the embedded database.',
  )
  process.exit(2)
}

const guard = setTimeout(() => {
  console.error(`bench exceeded its ${HARD_LIMIT_MS} ms bound`)
  process.exit(1)
}, HARD_LIMIT_MS)

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 })

function post(
  base: string,
  path: string,
  host: string,
  body: unknown,
  key: string,
  retry = true,
): Promise<{ status: number; body: any }> {
  const payload = JSON.stringify(body)
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const headers = {
      host,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
      'idempotency-key': key,
    }
    const req = request(`${base}${path}`, { method: 'POST', agent, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }),
      )
    })
    req.on('error', reject)
    req.end(payload)
  }).catch((err: NodeJS.ErrnoException) => {
    // A kept-alive socket the server closed while idle: safe to resend, the Idempotency-Key dedupes.
    if (retry && err.code === 'ECONNRESET') return post(base, path, host, body, key, false)
    throw err
  })
}

/** One statement on the bench database as its owner (row-level security does not apply). */
async function ownerQuery(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: dbUrl })
  await client.connect()
  try {
    return (await client.query(sql, params)).rows
  } finally {
    await client.end()
  }
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(url!, 'postgres') })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

/** CPU ms used so far by each process of a group (Linux /proc; zeros elsewhere). */
function cpuMs(pids: () => number[]): number {
  let ticks = 0
  for (const pid of pids()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // gone meanwhile
    }
  }
  return ticks * 10
}

function postgresPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number)
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres')
        } catch {
          return false
        }
      })
  } catch {
    return []
  }
}

/** CPU per order by process over a phase: `done(n)` prints it for the n orders of the phase. */
function cpuMeter(engines: EngineProcess[]): (n: number) => string {
  const groups = {
    'engine A': () => [engines[0]!.pid],
    'engine B': () => [engines[1]!.pid],
    PostgreSQL: postgresPids,
    'load generator': () => [process.pid],
  }
  const before = Object.fromEntries(Object.entries(groups).map(([k, f]) => [k, cpuMs(f)]))
  return (n) =>
    `  CPU per order: ${Object.entries(groups)
      .map(([k, f]) => `${k} ${((cpuMs(f) - before[k]!) / n).toFixed(2)} ms`)
      .join(', ')}`
}

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

function summary(label: string, samples: number[]): string {
  const s = [...samples].sort((x, y) => x - y)
  return `${label}: n=${s.length} p50=${pct(s, 50).toFixed(1)} ms p90=${pct(s, 90).toFixed(1)} ms p99=${pct(s, 99).toFixed(1)} ms max=${(s.at(-1) ?? NaN).toFixed(1)} ms`
}

const dbName = `oo_bench_${randomBytes(4).toString('hex')}`
const dbUrl = withDatabase(url, dbName)
const issuer = new TestIssuer()
let setup: Engine | undefined
const children: EngineProcess[] = []
const sockets: Socket[] = []

try {
  await admin(`create database ${dbName}`)
  // In-process engine only to migrate, provision and hold the issuer; it dispatches nothing.
  setup = await boot(
    {
      mode: 'test',
      http: { port: 0, host: '127.0.0.1' },
      database: { url: dbUrl, poolMax: 4 },
      redis: { url: redisUrl, keyPrefix: `oo-bench-setup-${dbName}` },
      plugins: [...orderPlugins(), issuer.plugin()],
    },
    { outbox: { autoDispatch: false } },
  )
  const cradle = setup.container.cradle
  const { tenantId } = await cradle.provisioningService.provision({
    operationId: `bench-${dbName}`,
    slug: 'bench',
    name: 'Bench',
    domains: ['bench.test'],
    owner: { email: 'owner@bench.test' },
  })
  const products = await cradle.scopes.run(tenantId, async (scope) => {
    await scope.cradle.memberService.add({ email: 'kitchen@bench.test', role: 'kitchen' })
    return scope.cradle.db.tx(async (trx) => {
      const [cat] = await trx('catalog_categories')
        .insert({ tenant_id: tenantId, slug: 'mains', name: 'Mains' })
        .returning('id')
      // A menu: orders spread over it like real ones (one bestseller would serialise every checkout on its row).
      const menu = (await trx('catalog_products')
        .insert(
          Array.from({ length: MENU }, (_, i) => ({
            tenant_id: tenantId,
            slug: `dish-${i}`,
            name: `Dish ${i}`,
            price_minor: 800 + i * 50,
            currency: 'EUR',
            stock_qty: 1_000_000,
            category_id: cat.id,
          })),
        )
        .returning('id')) as { id: string }[]
      const [small] = await trx('catalog_products')
        .insert({
          tenant_id: tenantId,
          slug: 'special',
          name: 'Special',
          price_minor: 1500,
          currency: 'EUR',
          stock_qty: 100,
          category_id: cat.id,
        })
        .returning('id')
      return { menu: menu.map((m) => m.id), small: small.id as string }
    })
  })
  const env = {
    DATABASE_URL: dbUrl,
    DATABASE_APP_URL: withDatabase(url, dbName, 'oo_app'),
    REDIS_URL: redisUrl,
    // Unset: the engine's default pool per process.
    DB_POOL_MAX: process.env.DB_POOL_MAX,
    // The engine's default; the multi-process tests poll faster to see redeliveries sooner.
    OO_OUTBOX_POLL_MS: process.env.OO_OUTBOX_POLL_MS ?? '1000',
    OO_LOAD_FROM_ONE_IP: '1',
    OO_REDIS_PREFIX: `oo-bench-${dbName}`,
    OO_TEST_ISSUER_JWK: JSON.stringify(await exportJWK((await issuer.keys()).publicKey)),
    // e.g. BENCH_ENGINE_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile both engines.
    NODE_OPTIONS: `${YOUNG_GENERATION} ${process.env.BENCH_ENGINE_NODE_OPTIONS ?? ''}`.trim(),
  }
  const [a, b] = await Promise.all([spawnEngine(KDS_ENGINE, env), spawnEngine(KDS_ENGINE, env)])
  children.push(a!, b!)
  console.log(`engines: A ${a!.url} (pid ${a!.pid}), B ${b!.url} (pid ${b!.pid}); db ${dbName}`)

  const kitchen = io(`${b!.url}/kitchen`, {
    auth: {
      token: await issuer.token({ sub: 'sub-kitchen@bench.test', email: 'kitchen@bench.test' }),
    },
    extraHeaders: { host: 'bench.test' },
    transports: ['websocket'],
  })
  sockets.push(kitchen)
  await new Promise<void>((resolve, reject) => {
    kitchen.once('connect', () => resolve())
    kitchen.once('connect_error', reject)
  })
  // The setup engine's work is done: keep this load generator small, so that its own garbage
  // collections (a whole engine's heap, 60-140 ms pauses) do not show up as kitchen latency.
  await setup.stop({ drainOutbox: false })
  setup = undefined
  const sent = new Map<string, number>()
  const latencies: number[] = []
  const slow: [number, number][] = []
  kitchen.on('ticket:created', (ticket: { label: string }) => {
    const at = sent.get(ticket.label)
    if (at !== undefined) {
      latencies.push(performance.now() - at)
      if (performance.now() - at > 30) slow.push([at, performance.now() - at])
      sent.delete(ticket.label)
    }
  })
  // A deterministic cart of 1–3 menu lines (xorshift), so runs compare.
  let seed = 0x2545f491
  const random = (n: number) => {
    seed ^= seed << 13
    seed ^= seed >>> 17
    seed ^= seed << 5
    return (seed >>> 0) % n
  }
  const cart = () =>
    Array.from({ length: 1 + random(3) }, () => ({
      productId: products.menu[random(products.menu.length)]!,
      quantity: 1 + random(2),
    }))
  const order = (base: string, label: string, items = cart()) =>
    post(
      base,
      '/api/v1/store/checkout',
      'bench.test',
      { items, customer: { pickupName: label } },
      `${dbName}-${label}`,
    )

  // Warm-up: JIT, connection pools, prepared plans.
  for (let i = 0; i < 50; i++) await order(a!.url, `warm-${i}`)
  await new Promise((r) => setTimeout(r, 500))
  latencies.length = 0
  sent.clear()

  // Phase 0: one order at a time, each waiting for its ticket: the path's own cost, no queueing.
  if (SERIAL > 0) {
    const serialMeter = cpuMeter(children)
    const serialHttp: number[] = []
    for (let i = 0; i < SERIAL; i++) {
      const label = `serial-${i}`
      const t0 = performance.now()
      sent.set(label, t0)
      await order(a!.url, label)
      serialHttp.push(performance.now() - t0)
      const until = performance.now() + 2000
      while (sent.has(label) && performance.now() < until) await new Promise((r) => setImmediate(r))
    }
    console.log(`\nserial: ${SERIAL} checkouts one at a time to A, each until its ticket is on B`)
    console.log(summary('  order → kitchen (A → B)', latencies))
    console.log(summary('  checkout HTTP (A)', serialHttp))
    console.log(serialMeter(SERIAL))
    latencies.length = 0
    slow.length = 0
    sent.clear()
  }

  // Phase 1: steady rate to A, tickets observed on B.
  const total = RATE * SECONDS
  const httpTimes: number[] = []
  const failures: number[] = []
  const meter = cpuMeter(children)
  const started = performance.now()
  const inflight: Promise<void>[] = []
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE
    const wait = due - performance.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    const label = `steady-${i}`
    const t0 = performance.now()
    sent.set(label, t0)
    inflight.push(
      order(a!.url, label).then((res) => {
        httpTimes.push(performance.now() - t0)
        if (res.status !== 201) failures.push(res.status)
      }),
    )
  }
  await Promise.all(inflight)
  const deadline = performance.now() + 10_000
  while (latencies.length < total - failures.length && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 50))
  const achieved = total / ((performance.now() - started) / 1000)
  console.log(
    `\nsteady: ${total} checkouts at ${RATE}/s for ${SECONDS} s to A (${failures.length} failed), tickets received on B: ${latencies.length}`,
  )
  console.log(summary('  order → kitchen (A → B)', latencies))
  console.log(summary('  checkout HTTP (A)', httpTimes))
  console.log(meter(total))
  if (process.env.BENCH_SLOW)
    console.log(
      `  slow (> 30 ms), s after ${new Date(performance.timeOrigin + started).toISOString()}: ${slow
        .filter(([at]) => at >= started)
        .map(([at, ms]) => `${((at - started) / 1000).toFixed(2)}:${ms.toFixed(0)}`)
        .join(' ')}`,
    )
  void achieved

  // Phase 2: peak throughput, clients spread over both processes.
  const peak = async (
    label: string,
    seconds: number,
    items: () => { productId: string; quantity: number }[],
  ) => {
    let ok = 0
    let refused = 0
    const times: number[] = []
    const stopAt = performance.now() + seconds * 1000
    const peakMeter = cpuMeter(children)
    const peakStart = performance.now()
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, w) => {
        const base = w % 2 ? a!.url : b!.url
        for (let n = 0; performance.now() < stopAt; n++) {
          const t0 = performance.now()
          const res = await order(base, `${label}-${w}-${n}`, items())
          times.push(performance.now() - t0)
          if (res.status === 201) ok++
          else {
            refused++
            if (refused <= 3)
              console.log(`  refused: ${res.status} ${JSON.stringify(res.body?.error)}`)
          }
        }
      }),
    )
    const elapsed = (performance.now() - peakStart) / 1000
    console.log(
      `\npeak (${label}): ${CONCURRENCY} concurrent clients over A and B for ${elapsed.toFixed(1)} s: ${ok} orders, ${refused} refused → ${(ok / elapsed).toFixed(0)} checkouts/s`,
    )
    console.log(summary('  checkout HTTP under load', times))
    console.log(peakMeter(ok + refused))
  }
  await peak('menu', PEAK_SECONDS, cart)
  // Worst case: every checkout takes stock from the same product, so all of them queue on one row lock.
  if (HOT_SECONDS > 0)
    await peak('one-product', HOT_SECONDS, () => [{ productId: products.menu[0]!, quantity: 1 }])

  // Oversell at peak: 200 concurrent checkouts against stock 100.
  const burst = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      order(i % 2 ? a!.url : b!.url, `scarce-${i}`, [{ productId: products.small, quantity: 1 }]),
    ),
  )
  const sold = burst.filter((r) => r.status === 201).length
  const outOfStock = burst.filter(
    (r) => r.status === 409 && r.body?.error?.code === 'CATALOG_OUT_OF_STOCK',
  ).length
  const other = burst
    .filter((r) => r.status !== 201 && r.body?.error?.code !== 'CATALOG_OUT_OF_STOCK')
    .map((r) => `${r.status} ${r.body?.error?.code}`)
  if (other.length)
    console.log(
      `  other answers: ${JSON.stringify(Object.entries(other.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {})))}`,
    )
  const left = Number(
    (await ownerQuery('select stock_qty from catalog_products where id = $1', [products.small]))[0]
      ?.stock_qty,
  )
  console.log(
    `\noversell check: 200 concurrent checkouts on stock 100 → ${sold} sold, ${outOfStock} × 409, stock left ${left} ${sold === 100 && left === 0 ? '(ok)' : '(WRONG)'}`,
  )
  if (sold !== 100 || left !== 0) process.exitCode = 1
} finally {
  for (const s of sockets) s.disconnect()
  await Promise.all(children.map((c) => c.stop()))
  await setup?.stop({ drainOutbox: false })
  agent.destroy()
  await admin(`drop database if exists ${dbName} with (force)`).catch(() => undefined)
  clearTimeout(guard)
}

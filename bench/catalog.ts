/**
 * Store API benchmark (bounded; not a test). Seeds 1,000 products in a throwaway database, then
 * drives the list and by-slug endpoints with 50 keep-alive connections for 15 s each from a
 * separate load-generator process (autocannon), and does the same against a bare node:http server returning
 * the identical JSON body (the ceiling).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/catalog.ts
 *
 * BENCH_SECONDS (default 15) and BENCH_CONNECTIONS (default 50) adjust the runs; BENCH_UNCACHED=0
 * skips the runs with the store cache switched off.
 *
 * BENCH_BINDING_ROUNDS=N (PostgreSQL) then measures what the signed tenant binding costs: on the
 * uncached engine, N rounds of the list run with the policies on the unsigned setting (as before
 * the signed binding) and N with them on the signed binding (`oo_bound_tenant`), alternating so that the machine's
 * load drifts through both alike, and prints the medians, with the CPU time PostgreSQL's engine
 * backends spent per request (from /proc: unlike req/s, it hardly moves with the machine's load).
 */
import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, request, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { boot, type Engine } from '@oo/core'
import autocannon from 'autocannon'
import pg from 'pg'
import tenancy from '../plugins/tenancy/index.js'
import media from '../plugins/media/index.js'
import catalog from '../plugins/catalog/index.js'
import {
  rewritePolicies,
  UNSIGNED_TENANT,
} from '../migrations/20261204000000_core_database_boundary.js'
import {
  VIEW_TENANT,
  VIEW_TENANT_SQL,
} from '../migrations/20261204000200_core_tenant_binding_view.js'

interface RunResult {
  label: string
  /** Server-side CPU time per request (this process: the engine or the bare server), µs. */
  cpuUs?: number
  /** CPU time of the engine's PostgreSQL backends per request, µs (binding rounds only). */
  dbCpuUs?: number
  requests: number
  errors: number
  rps: number
  p50: number
  p99: number
}

interface LoadSpec {
  label: string
  url: string
  host: string
  paths: string[]
  seconds: number
  connections: number
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)
const PRODUCTS = 1000
const HOST = 'bench.localhost'

// ── load generator (child process, so it does not share the engine's core) ──────────────────
async function loadgen(spec: LoadSpec): Promise<RunResult> {
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    headers: { host: spec.host },
    requests: spec.paths.map((path) => ({ method: 'GET', path })),
  })
  return {
    label: spec.label,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
  }
}

/** Runs the load in a child process; measures this (server) process's CPU time meanwhile. */
async function runLoad(spec: LoadSpec): Promise<RunResult> {
  const cpu = process.cpuUsage()
  const result = await loadInChild(spec)
  const used = process.cpuUsage(cpu)
  return { ...result, cpuUs: result.requests ? (used.user + used.system) / result.requests : 0 }
}

function loadInChild(spec: LoadSpec): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = fork(process.argv[1]!, ['--loadgen'], {
      execArgv: process.execArgv,
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    })
    child.once('message', (result) => {
      child.kill()
      resolve(result as RunResult)
    })
    child.once('error', reject)
    child.send(spec)
  })
}

// ── engine, data and runs ─────────────────────────────────────────────────────────────────────
async function createDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `oo_bench_${randomBytes(4).toString('hex')}`
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      await client.query(sql)
    } finally {
      await client.end()
    }
  }
  await admin(`create database ${name}`)
  const u = new URL(url)
  u.pathname = `/${name}`
  return { url: u.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) }
}

async function startEngine(
  databaseUrl: string | undefined,
  mediaDir: string,
  cacheEntries: number,
  dataDir: string,
): Promise<Engine> {
  const engine = await boot({
    mode: 'development',
    http: { port: 0, host: '127.0.0.1' },
    database: { url: databaseUrl, dataDir, poolMax: 10 },
    redis: { url: process.env.REDIS_URL, keyPrefix: `oo-bench-${randomBytes(3).toString('hex')}` },
    plugins: [tenancy(), media({ dir: mediaDir }), catalog({ storeCacheEntries: cacheEntries })],
  })
  await engine.listen()
  return engine
}

const WORDS = [
  'organic',
  'heirloom',
  'crisp',
  'sweet',
  'smoky',
  'fresh',
  'wood-fired',
  'spicy',
  'golden',
  'wild',
  'garden',
  'rustic',
]
const NOUNS = [
  'tomatoes',
  'carrots',
  'pizza',
  'burger',
  'apples',
  'kale',
  'basil',
  'cheese',
  'bread',
  'honey',
  'eggs',
  'salad',
]

async function seed(engine: Engine): Promise<string[]> {
  const { provisioningService, scopes } = engine.container.cradle
  const { tenantId } = await provisioningService.provision({
    operationId: `bench-${randomBytes(4).toString('hex')}`,
    slug: 'bench',
    name: 'Bench Farm',
    domains: [HOST],
    owner: { email: 'owner@bench.localhost' },
  })
  const slugs: string[] = []
  await scopes.run(tenantId, (scope) =>
    scope.cradle.db.tx(async (trx) => {
      const categories = await trx('catalog_categories')
        .insert(
          NOUNS.map((n, i) => ({
            tenant_id: tenantId,
            slug: n,
            name: n[0]!.toUpperCase() + n.slice(1),
            position: i,
          })),
        )
        .returning(['id'])
      for (let batch = 0; batch < PRODUCTS; batch += 250) {
        const rows = Array.from({ length: 250 }, (_, k) => {
          const i = batch + k
          const name = `${WORDS[i % WORDS.length]} ${NOUNS[(i * 7) % NOUNS.length]} ${i}`
          slugs.push(name.replace(/[^a-z0-9]+/g, '-'))
          return {
            tenant_id: tenantId,
            slug: name.replace(/[^a-z0-9]+/g, '-'),
            name,
            description: `${WORDS[(i * 3) % WORDS.length]} and ${WORDS[(i * 5) % WORDS.length]} ${NOUNS[i % NOUNS.length]}, picked this morning.`,
            price_minor: 100 + ((i * 37) % 2000),
            currency: 'EUR',
            stock_qty: (i * 13) % 50,
            unit: 'piece',
            category_id: categories[i % categories.length]!.id,
            tags: [WORDS[i % WORDS.length]],
            origin_farm: 'Bench Farm',
            harvest_date: '2025-06-01',
            lot_code: `L-${i}`,
          }
        })
        const products = await trx('catalog_products').insert(rows).returning(['id'])
        const assets = await trx('media_assets')
          .insert(
            products.map((p: { id: string }) => ({
              tenant_id: tenantId,
              key_prefix: `t/${tenantId}/${p.id}/`,
              original_type: 'jpeg',
              width: 1600,
              height: 1200,
              bytes: 250_000,
              captured_at: new Date('2025-06-01T07:15:30Z'),
              owner: `catalog.product:${p.id}`,
              variants: JSON.stringify(
                [320, 800, 1600].flatMap((w) =>
                  ['webp', 'avif'].map((f) => ({
                    name: `${w}.${f}`,
                    format: f,
                    width: w,
                    height: (w * 3) / 4,
                    bytes: 1000,
                    contentType: `image/${f}`,
                  })),
                ),
              ),
            })),
          )
          .returning(['id'])
        await trx('catalog_product_images').insert(
          products.map((p: { id: string }, k: number) => ({
            tenant_id: tenantId,
            product_id: p.id,
            asset_id: assets[k]!.id,
            position: 0,
          })),
        )
      }
    }),
  )
  return slugs
}

async function fetchBody(
  url: string,
  path: string,
): Promise<{ body: Buffer; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url)
    request({ host: target.hostname, port: target.port, path, headers: { host: HOST } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        res.statusCode === 200
          ? resolve({ body: Buffer.concat(chunks), headers: res.headers })
          : reject(new Error(`${path}: ${res.statusCode}`)),
      )
    })
      .on('error', reject)
      .end()
  })
}

/** The ceiling: node:http answering the same bytes with the same headers an engine sends. */
async function bareServer(
  body: Buffer,
  headers: IncomingHttpHeaders,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': headers['content-type'] ?? 'application/json',
      etag: String(headers.etag ?? ''),
      'cache-control': 'no-cache',
      'content-length': body.length,
    })
    res.end(body)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  }
}

const LIST_PATHS = [
  '/api/v1/store/products?page=1&perPage=24',
  '/api/v1/store/products?page=2&perPage=24&sort=price',
  '/api/v1/store/products?category=pizza',
  '/api/v1/store/products?q=heirloom%20tomatoes',
  '/api/v1/store/products?tag=fresh&sort=-price',
]

async function measure(engine: Engine, slugs: string[], label: string): Promise<RunResult[]> {
  const slugPaths = slugs.map((s) => `/api/v1/store/products/${s}`)
  const spec = { url: engine.url, host: HOST, seconds: SECONDS, connections: CONNECTIONS }
  // Every path once (fills the cache when it is on), then two seconds of load to warm the JIT.
  const paths = [...LIST_PATHS, ...slugPaths]
  await Promise.all(
    Array.from({ length: 10 }, async (_, w) => {
      for (let i = w; i < paths.length; i += 10) await fetchBody(engine.url, paths[i]!)
    }),
  )
  await runLoad({ ...spec, label: 'warm-up', paths, seconds: 2 })
  return [
    await runLoad({ ...spec, label: `list ${label}`, paths: LIST_PATHS }),
    await runLoad({ ...spec, label: `by-slug ${label}`, paths: slugPaths }),
  ]
}

/** CPU time (µs) used so far by each PostgreSQL backend of the engine pool (same machine only). */
async function backendCpu(engine: Engine): Promise<Map<number, number>> {
  const { rows } = await engine.database.asOwner((knex) =>
    knex.raw(
      `select pid from pg_stat_activity where datname = current_database() and usename = 'oo_app'`,
    ),
  )
  const cpu = new Map<number, number>()
  for (const { pid } of rows as { pid: number }[]) {
    try {
      // Fields 14 and 15 (utime, stime) in clock ticks, after the ")" that ends the command name.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      cpu.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100)
    } catch {
      // not on this machine, or gone
    }
  }
  return cpu
}

async function dbCpuPerRequest(engine: Engine, run: () => Promise<RunResult>): Promise<RunResult> {
  const before = await backendCpu(engine)
  const result = await run()
  const after = await backendCpu(engine)
  let used = 0
  for (const [pid, us] of after) used += us - (before.get(pid) ?? 0)
  return { ...result, dbCpuUs: result.requests ? used / result.requests : 0 }
}

/** The list run with the policies on the unsigned setting and on the signed binding, alternating. */
async function bindingRounds(engine: Engine, rounds: number): Promise<RunResult[]> {
  const spec = { url: engine.url, host: HOST, seconds: SECONDS, connections: CONNECTIONS }
  const variants = [
    { name: 'unsigned', from: VIEW_TENANT, to: UNSIGNED_TENANT },
    { name: 'signed', from: UNSIGNED_TENANT, to: VIEW_TENANT_SQL },
  ]
  const runs: Record<string, RunResult[]> = { unsigned: [], signed: [] }
  for (let round = 1; round <= rounds; round++) {
    for (const v of variants) {
      await engine.database.asOwner((knex) => rewritePolicies(knex, v.from, v.to))
      await runLoad({ ...spec, label: 'warm-up', paths: LIST_PATHS, seconds: 2 })
      const run = await dbCpuPerRequest(engine, () =>
        runLoad({
          ...spec,
          label: `list (no cache, ${v.name} binding) #${round}`,
          paths: LIST_PATHS,
        }),
      )
      runs[v.name]!.push(run)
      console.error(
        `${run.label}: ${run.rps.toFixed(0)} req/s, engine ${run.cpuUs?.toFixed(0)} µs/req, PostgreSQL ${run.dbCpuUs?.toFixed(0)} µs/req`,
      )
    }
  }
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b)
    const mid = sorted.length / 2
    return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!
  }
  const summary = (name: string): RunResult => {
    const list = runs[name]!
    return {
      label: `list (no cache, ${name}) median of ${rounds}`,
      requests: median(list.map((r) => r.requests)),
      errors: list.reduce((n, r) => n + r.errors, 0),
      rps: median(list.map((r) => r.rps)),
      p50: median(list.map((r) => r.p50)),
      p99: median(list.map((r) => r.p99)),
      cpuUs: median(list.map((r) => r.cpuUs ?? 0)),
      dbCpuUs: median(list.map((r) => r.dbCpuUs ?? 0)),
    }
  }
  const [unsigned, signed] = [summary('unsigned'), summary('signed')]
  console.error(
    `signed binding vs unsigned (medians): ${(((signed.rps - unsigned.rps) / unsigned.rps) * 100).toFixed(1)} % req/s, p50 ${unsigned.p50} → ${signed.p50} ms, PostgreSQL ${unsigned.dbCpuUs!.toFixed(0)} → ${signed.dbCpuUs!.toFixed(0)} µs/req, engine ${unsigned.cpuUs!.toFixed(0)} → ${signed.cpuUs!.toFixed(0)} µs/req`,
  )
  return [...runs.unsigned!, ...runs.signed!, unsigned, signed]
}

async function main(): Promise<void> {
  process.env.LOG_LEVEL ??= 'warn'
  const baseUrl = process.env.DATABASE_URL
  const database = baseUrl ? await createDatabase(baseUrl) : undefined
  const scratch = mkdtempSync(join(tmpdir(), 'oo-bench-'))
  const results: RunResult[] = []
  try {
    let engine = await startEngine(
      database?.url,
      join(scratch, 'media'),
      2000,
      join(scratch, 'data'),
    )
    console.error(
      `engine on ${engine.url} (${baseUrl ? 'PostgreSQL, RLS on' : 'embedded PGlite'}), seeding ${PRODUCTS} products…`,
    )
    const slugs = await seed(engine)
    // Planner statistics, as autovacuum would have them on a live shop (a freshly loaded table
    // has none and gets nested-loop plans).
    await engine.database.asOwner((knex) => knex.raw('analyze'))
    const sample = {
      list: await fetchBody(engine.url, LIST_PATHS[0]!),
      slug: await fetchBody(engine.url, `/api/v1/store/products/${slugs[0]}`),
    }
    results.push(...(await measure(engine, slugs, '(engine, cached)')))
    if (process.env.BENCH_UNCACHED !== '0') {
      await engine.stop()
      engine = await startEngine(database?.url, join(scratch, 'media'), 0, join(scratch, 'data'))
      results.push(...(await measure(engine, slugs, '(engine, no cache)')))
      const rounds = Number(process.env.BENCH_BINDING_ROUNDS ?? 0)
      if (rounds && database) results.push(...(await bindingRounds(engine, rounds)))
    }
    await engine.stop()
    for (const [kind, sampleBody] of [
      ['list', sample.list],
      ['by-slug', sample.slug],
    ] as const) {
      const bare = await bareServer(sampleBody.body, sampleBody.headers)
      results.push(
        await runLoad({
          url: bare.url,
          host: HOST,
          label: `${kind} (bare node:http, ${sampleBody.body.length} B)`,
          paths: ['/'],
          seconds: SECONDS,
          connections: CONNECTIONS,
        }),
      )
      await bare.close()
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
    await database?.drop()
  }
  report(results)
}

function report(results: RunResult[]): void {
  const ceiling = (label: string) =>
    results.find((r) => r.label.startsWith(label.split(' ')[0]!) && r.label.includes('bare'))
  console.log(
    `\n${CONNECTIONS} connections, ${SECONDS} s per run, loopback; load average now ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  )
  console.log(
    'run'.padEnd(44),
    'req/s'.padStart(9),
    'p50 ms'.padStart(8),
    'p99 ms'.padStart(8),
    'errors'.padStart(7),
    'of bare'.padStart(8),
    'server CPU µs/req'.padStart(18),
  )
  for (const r of results) {
    const bare = ceiling(r.label)
    const ratio = bare && bare !== r ? `${((r.rps / bare.rps) * 100).toFixed(0)}%` : ''
    console.log(
      r.label.padEnd(44),
      r.rps.toFixed(0).padStart(9),
      r.p50.toFixed(2).padStart(8),
      r.p99.toFixed(2).padStart(8),
      String(r.errors).padStart(7),
      ratio.padStart(8),
      (r.cpuUs ?? 0).toFixed(0).padStart(18),
    )
  }
  console.log('\nserver CPU µs/req is load-independent: 1e6 / it ≈ the req/s one core could serve.')
}

if (process.argv.includes('--loadgen')) {
  process.once('message', async (spec) => process.send!(await loadgen(spec as LoadSpec)))
} else {
  await main()
}

// The route fuzzer: every route the booted engine registered (admin and store areas, plus the
// core routes), as the shop's owner and as nobody, with hostile paths, queries and bodies.
// It asserts what issue #12 asks of every input: never a 5xx, the process stays up, and a 4xx
// writes nothing (a checksum of every table, as the owner, before and after).
// Bounded: a fixed seed, and about OO_FUZZ_REQUESTS requests in all (default 700) spread over the
// routes, at least 2 cases per route and principal (or exactly OO_FUZZ_RUNS when set).
import { createTestApp, type TestApp } from '@oo/core/testing'
import fc from 'fast-check'
import type { Knex } from 'knex'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import adminPanel from '../../plugins/admin-panel/index.js'
import brokerage from '../../plugins/brokerage/index.js'
import catalog from '../../plugins/catalog/index.js'
import chatAssistant from '../../plugins/chat-assistant/index.js'
import chat from '../../plugins/chat/index.js'
import config from '../../plugins/config/index.js'
import kds from '../../plugins/kds/index.js'
import media from '../../plugins/media/index.js'
import oidc from '../../plugins/oidc/index.js'
import orders from '../../plugins/orders/index.js'
import { seedShop, type Shop } from '../../plugins/orders/test/helpers.js'
import storefront from '../../plugins/storefront/index.js'
import tenancy from '../../plugins/tenancy/index.js'
import webhooks from '../../plugins/webhooks/index.js'
import { rawRequest, type RawAnswer } from './fixtures/raw-request.js'

const SEED = 20_261_204
const REQUESTS = Number(process.env.OO_FUZZ_REQUESTS ?? 700)
/** Cases per route and principal: the budget shared out, so new routes do not slow CI down. */
const runsFor = (routes: number) =>
  Number(process.env.OO_FUZZ_RUNS ?? Math.max(2, Math.floor(REQUESTS / (routes * 2))))
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
const MEGABYTE = 'x'.repeat(1024 * 1024)
const unlimited = { limit: 10_000_000, windowSeconds: 60 }

/** Real ids of the seeded shop, so a hostile value meets a row that exists. */
interface Ids {
  all: string[]
  tenant: string
  order: string
  product: string
  farmer: string
  project: string
}

interface Route {
  method: string
  path: string
}

interface Case {
  path: string
  query: string
  headers: Record<string, string>
  body?: Buffer
}

/** Every route of every router the app mounted, read from the routers' own stacks. */
function registeredRoutes(t: TestApp): Route[] {
  const routes: Route[] = []
  for (const mw of t.engine.app.middleware as { router?: { stack: unknown[] } }[]) {
    for (const layer of (mw.router?.stack ?? []) as { path: string; methods: string[] }[]) {
      for (const method of layer.methods.filter((m) => METHODS.includes(m)))
        routes.push({ method, path: layer.path })
    }
  }
  return routes
}

/** Percent-encodes every UTF-8 byte (encodeURIComponent throws on a lone surrogate). */
const pct = (s: string) =>
  [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')

// ---- values -------------------------------------------------------------------------------

const hostileString = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udc00',
    '\uffff',
    '\ufffd',
    '',
    ' ',
    '%',
    '%00',
    '\\u0000',
    "'; select pg_sleep(1); --",
    '"',
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '🍕'.repeat(50),
    'x'.repeat(5000),
    '00000000-0000-0000-0000-000000000000',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 20 }),
)
const hostileNumber = fc.oneof(
  fc.constantFrom(-1, 0, 1, 0.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, -1e308, 1e-300),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
)
const scalar = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null))
const KEYS = [
  'name',
  'slug',
  'email',
  'role',
  'host',
  'status',
  'action',
  'reason',
  'note',
  'q',
  'tag',
  'tags',
  'items',
  'customer',
  'priceMinor',
  'quantity',
  'productId',
  'categoryId',
  'value',
  'url',
  'events',
  'description',
  'id',
  'password',
  'token',
  '__proto__',
  'constructor',
]
const { json: hostileJson } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), hostileString), tie('json'), { maxKeys: 5 }),
  ),
}))

/** Bodies as bytes: hostile JSON, plus what JSON.stringify cannot write. */
function bodyArb(
  path: string,
  ids: Ids,
): fc.Arbitrary<{ type: string; bytes: Buffer } | undefined> {
  const json = (v: unknown) => ({ type: 'application/json', bytes: Buffer.from(JSON.stringify(v)) })
  const raw = (type: string, text: string | Buffer) => ({
    type,
    bytes: typeof text === 'string' ? Buffer.from(text) : text,
  })
  const knownId = fc.constantFrom(...ids.all)
  const examples = examplesFor(path, ids)
  const generic = fc.oneof(
    fc.constant(undefined),
    hostileJson.map(json),
    fc.dictionary(fc.constantFrom(...KEYS), hostileJson, { maxKeys: 6 }).map(json),
    // Shapes close to real ones, so the hostile value gets past the first checks.
    fc
      .record({
        items: fc.array(
          fc.record({ productId: fc.oneof(knownId, hostileString), quantity: hostileNumber }),
          { maxLength: 3 },
        ),
        customer: fc.record({ name: hostileString, phone: hostileString }),
        note: hostileString,
      })
      .map(json),
    fc.record({ slug: hostileString, name: hostileString, priceMinor: hostileNumber }).map(json),
    fc.record({ email: hostileString, role: hostileString, status: hostileString }).map(json),
    fc.constantFrom(
      raw('application/json', '{"name":"a","name":"b\\u0000"}'), // duplicate keys
      raw('application/json', '['.repeat(20_000) + ']'.repeat(20_000)), // deep nesting
      raw('application/json', '{"a":'.repeat(3000) + '1' + '}'.repeat(3000)),
      raw('application/json', `{"name":"${MEGABYTE}"}`), // over the body limit
      raw('application/json', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])),
      raw('application/json', '{"name":'),
      raw('application/json', 'null'),
      raw('application/json', '"just a string"'),
      raw('application/json; charset=utf-16', '{}'),
      raw('text/plain', 'name=x'),
      raw('application/x-www-form-urlencoded', 'name=%00&name=x'),
      raw('multipart/form-data; boundary=B', '--B\r\nContent-Disposition: form-data; name="file"'),
    ),
  )
  const special = /\/upsert$|\/images$/.test(path) ? [{ weight: 3, arbitrary: multipartArb() }] : []
  if (!examples.length && !special.length) return generic
  return fc.oneof(
    { weight: 2, arbitrary: generic },
    ...(examples.length ? [{ weight: 4, arbitrary: mutatedExample(examples).map(json) }] : []),
    ...special,
  )
}

/**
 * Valid bodies of the routes, by path: mutated one leaf at a time, so the hostile value gets past
 * the schema's other checks and reaches the service and the database (routes declare no schema
 * the fuzzer could read).
 */
let exampleCount = 0

function examplesFor(path: string, ids: Ids): unknown[] {
  const uniq = `f${++exampleCount}`
  const table: [RegExp, unknown[]][] = [
    [
      /\/products(\/:id)?$/,
      [
        {
          name: 'Kale',
          slug: `kale-${uniq}`,
          description: 'green',
          priceMinor: 300,
          stockQty: 10,
          tags: ['green'],
          originFarm: 'Farm',
          lotCode: 'L1',
          harvestDate: '2026-01-02',
        },
      ],
    ],
    [/\/categories(\/:id)?$/, [{ slug: `greens-${uniq}`, name: 'Greens', description: 'd' }]],
    [/\/members(\/:id)?$/, [{ email: `m-${uniq}@fuzz.test`, role: 'staff' }, { role: 'staff' }]],
    [/\/projects(\/:id)?$/, [{ slug: `p-${uniq}`, name: 'Project' }]],
    [/\/project-members$/, [{ projectId: ids.project, userId: ids.farmer }]],
    [/\/domains(\/:id)?$/, [{ host: `${uniq}.fuzz.example` }]],
    [
      /\/tenants(\/:id)?$/,
      [
        {
          slug: `t-${uniq}`,
          name: 'T',
          domains: [`${uniq}.t.example`],
          owner: { email: 'o@t.test' },
        },
      ],
    ],
    [
      /\/checkout$/,
      [
        {
          items: [{ productId: ids.product, quantity: 1 }],
          customer: { name: 'Ann', phone: '+39 055 1234567', pickupName: 'Ann' },
          note: 'extra basil',
        },
      ],
    ],
    [/\/transitions$/, [{ status: 'accepted', reason: 'ok' }, { action: 'recall' }]],
    [/\/orders\/:id$/, [{ status: 'accepted' }]],
    [
      /\/webhooks(\/:id)?$/,
      [{ url: 'https://hooks.example.com/x', events: ['orders.order.placed'], description: 'd' }],
    ],
    [/\/settings\/:id$/, [{ value: { stations: [{ id: 'grill', name: 'Grill' }] } }]],
    [/\/actions$/, [{ action: { id: 'greet' } }]],
    [/\/polls$/, [{ template: 'lunch' }]],
    [/\/votes$/, [{ choice: 'a' }]],
    [/\/guests$/, [{ name: 'Guest' }]],
    [/\/media\/cleanup$/, [{ graceMinutes: 5 }]],
  ]
  return table.filter(([re]) => re.test(path)).flatMap(([, examples]) => examples)
}

type Leaf = (string | number)[]

function leavesOf(value: unknown, path: Leaf = []): Leaf[] {
  if (Array.isArray(value)) return [path, ...value.flatMap((v, i) => leavesOf(v, [...path, i]))]
  if (value && typeof value === 'object')
    return [path, ...Object.entries(value).flatMap(([k, v]) => leavesOf(v, [...path, k]))]
  return [path]
}

function setAt(value: unknown, path: Leaf, leaf: unknown): unknown {
  if (path.length === 0) return leaf
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) }
  const [head, ...rest] = path
  copy[head!] = setAt(copy[head!], rest, leaf)
  return copy
}

const hostileLeaf = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('Kale\u0000', '\u0000', 'a\ud800b', '\udfff') },
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, [], {}, [[[]]], { a: { b: {} } }) },
  { weight: 1, arbitrary: fc.constant(MEGABYTE.slice(0, 200_000)) },
)

/** One example with one leaf (or a new key) turned hostile. */
function mutatedExample(examples: unknown[]): fc.Arbitrary<unknown> {
  return fc.constantFrom(...examples).chain((example) =>
    fc.oneof(
      fc
        .tuple(fc.constantFrom(...leavesOf(example)), hostileLeaf)
        .map(([path, leaf]) => setAt(example, path, leaf)),
      fc
        .tuple(hostileString, hostileLeaf)
        .map(([key, leaf]) => ({ ...(example as object), [key]: leaf })),
    ),
  )
}

/** The upsert form (multipart), valid or broken in the ways a client breaks it. */
function multipartArb(): fc.Arbitrary<{ type: string; bytes: Buffer }> {
  const part = (name: string, value: string) =>
    `--B\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
  return fc
    .record({
      name: fc.oneof(fc.constant('Kale'), hostileString),
      priceMinor: fc.oneof(fc.constant('300'), hostileString),
      end: fc.constantFrom(
        '--B--\r\n',
        '',
        '--B\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\nxx',
      ),
    })
    .map(({ name, priceMinor, end }) => ({
      type: 'multipart/form-data; boundary=B',
      bytes: Buffer.from(part('name', name) + part('priceMinor', priceMinor) + end),
    }))
}

function queryArb(): fc.Arbitrary<string> {
  const value = fc.oneof(
    hostileString.map(pct),
    hostileJson.map((v) => pct(JSON.stringify(v))),
    fc.constantFrom('%00', '%ED%A0%80', '%FF', '%', '%%', '[0,999999]', '["id","ASC"]', '[-1,5]'),
    // List filters that pass their schema but for one hostile value.
    fc
      .tuple(fc.constantFrom('q', 'tag', 'status', 'id', 'placedAt_gte', 'email'), hostileLeaf)
      .filter(([, v]) => typeof v !== 'string' || v.length < 6000)
      .map(([k, v]) => pct(JSON.stringify({ [k]: v }))),
  )
  const key = fc.constantFrom('q', 'filter', 'sort', 'range', 'tag', 'id', 'status', 'returnTo')
  return fc
    .array(fc.tuple(key, value), { maxLength: 4 })
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'))
}

function paramArb(ids: Ids): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ids.all) },
    fc.uuid(),
    fc.constantFrom('%00', '%ED%A0%80', '%FF', 'not-a-uuid', '-1', '1e309', 'x'.repeat(3000)),
    hostileString.map(pct),
  )
}

/** The seeded row a path parameter most likely names (by the segment before it). */
function realIdFor(route: string, param: string, ids: Ids): fc.Arbitrary<string> {
  const segment = route.split('/')[route.split('/').indexOf(param) - 1] ?? ''
  const known: Record<string, string[]> = {
    products: [ids.product],
    orders: [ids.order],
    projects: [ids.project],
    tenants: [ids.tenant],
  }
  return fc.constantFrom(...(known[segment] ?? ids.all))
}

/**
 * One request, hostile in one place at a time (so the rest passes its checks and the hostile
 * value reaches the code behind them): the body, the query or a path parameter; sometimes all.
 */
function caseArb(route: Route, ids: Ids): fc.Arbitrary<Case> {
  const params = route.path.match(/:\w+/g) ?? []
  const real = fc.tuple(...params.map((p) => realIdFor(route.path, p, ids)))
  const hostile = fc.tuple(...params.map(() => paramArb(ids)))
  const withBody = route.method !== 'GET' && route.method !== 'DELETE'
  const body = withBody ? bodyArb(route.path, ids) : fc.constant(undefined)
  const calm = fc.constant('')
  const parts = fc.oneof(
    { weight: withBody ? 4 : 0, arbitrary: fc.record({ params: real, query: calm, body }) },
    {
      weight: 2,
      arbitrary: fc.record({ params: real, query: queryArb(), body: fc.constant(undefined) }),
    },
    {
      weight: params.length ? 2 : 0,
      arbitrary: fc.record({ params: hostile, query: calm, body: fc.constant(undefined) }),
    },
    { weight: 1, arbitrary: fc.record({ params: hostile, query: queryArb(), body }) },
  )
  return fc
    .record({
      parts,
      idempotencyKey: fc.option(hostileString.map(pct), { nil: undefined, freq: 4 }),
    })
    .map(({ parts: { params: values, query, body: b }, idempotencyKey }) => {
      let i = 0
      const path = route.path.replace(/:\w+/g, () => values[i++]!)
      const headers: Record<string, string> = {}
      if (b) headers['content-type'] = b.type
      if (idempotencyKey) headers['idempotency-key'] = idempotencyKey
      return { path, query, headers, body: b?.bytes }
    })
}

// ---- "nothing written" --------------------------------------------------------------------

/** Written by the engine on its own schedule, not by the request: the outbox's delivery marks. */
const BACKGROUND_TABLES = new Set(['oo_outbox', 'knex_migrations', 'knex_migrations_lock'])

/**
 * A row as text for the checksum. `users.updated_at` moves on every authenticated request (the
 * authenticator syncs the caller's identity claims before any route runs): not the route's write.
 */
function rowText(table: string): string {
  return table === 'users' ? `(to_jsonb(x) - 'updated_at')::text` : 'x::text'
}

async function checksumQuery(knex: Knex): Promise<string> {
  const { rows } = (await knex.raw(
    `select table_name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  )) as { rows: { table_name: string }[] }
  return rows
    .map((r) => r.table_name)
    .filter((name) => !BACKGROUND_TABLES.has(name))
    .map(
      (name) =>
        `select '${name}' as t, count(*)::text || ':' || coalesce(sum(hashtext(${rowText(name)})::bigint), 0)::text as h from "${name}" x`,
    )
    .join(' union all ')
}

describe('route fuzzer', () => {
  let t: TestApp
  let shop: Shop
  let ownerToken: string
  let checksumSql = ''
  let ids: Ids

  const checksum = () =>
    t.engine.database.asOwner(async (knex) => {
      const { rows } = (await knex.raw(checksumSql)) as { rows: { t: string; h: string }[] }
      return new Map(rows.map((r) => [r.t, r.h]))
    })

  beforeAll(async () => {
    t = await createTestApp({
      plugins: [
        tenancy({ superAdmins: ['root@platform.test'] }),
        oidc({ rateLimits: { apiPerIp: unlimited, apiPerUser: unlimited } }),
        media(),
        catalog(),
        config(),
        chat(),
        chatAssistant(),
        orders(),
        kds(),
        webhooks(),
        brokerage(),
        storefront({ autoBuild: false }),
        adminPanel({ autoBuild: false }),
      ],
    })
    shop = await seedShop(t, 'fuzzshop', [
      { slug: 'margherita', price: 950, stock: 1000, category: 'pizzas', farmer: true },
      { slug: 'tiramisu', price: 500, stock: 1000, category: 'desserts' },
    ])
    ownerToken = await t.tokenFor(shop.owner)
    const placed = await t.http
      .post('/api/v1/store/checkout')
      .set('Host', shop.host)
      .send({
        items: [{ productId: shop.products.margherita, quantity: 1 }],
        customer: { name: 'A' },
      })
      .expect(201)
    const project = await t
      .as(shop.owner)
      .post('/api/v1/admin/projects')
      .set('Host', shop.host)
      .send({ slug: 'kitchen', name: 'Kitchen' })
      .expect(201)
    ids = {
      all: [
        shop.id,
        shop.farmerId,
        placed.body.order.id,
        project.body.id,
        ...Object.values(shop.products),
      ],
      tenant: shop.id,
      order: placed.body.order.id,
      product: shop.products.margherita!,
      farmer: shop.farmerId,
      project: project.body.id,
    }
    checksumSql = await t.engine.database.asOwner(checksumQuery)
  }, 120_000)
  afterAll(() => t?.close())

  it('answers every route with hostile input without a 5xx, and writes nothing on a 4xx', async () => {
    const routes = registeredRoutes(t)
    expect(routes.length).toBeGreaterThan(40)
    expect(routes.some((r) => r.path.startsWith('/api/v1/admin/'))).toBe(true)
    expect(routes.some((r) => r.path.startsWith('/api/v1/store/'))).toBe(true)
    const runs = runsFor(routes.length)
    const failures: string[] = []
    let requests = 0
    let lastChecksum: Map<string, string> | undefined
    const started = performance.now()
    for (const [index, route] of routes.entries()) {
      for (const principal of ['owner', 'anonymous'] as const) {
        const cases = fc.sample(caseArb(route, ids), { seed: SEED + index, numRuns: runs })
        for (const c of cases) {
          const headers: Record<string, string> = { host: shop.host, ...c.headers }
          if (principal === 'owner') headers.authorization = `Bearer ${ownerToken}`
          // A 4xx before this one wrote nothing (or it was reported): its checksum still holds.
          const before = lastChecksum ?? (await checksum())
          lastChecksum = undefined
          const path = c.query ? `${c.path}?${c.query}` : c.path
          let res: RawAnswer
          try {
            res = await rawRequest(t.url, { method: route.method, path, headers, body: c.body })
          } catch (err) {
            failures.push(`${route.method} ${path.slice(0, 200)} as ${principal}: ${String(err)}`)
            continue
          }
          requests++
          const what = `${route.method} ${route.path} as ${principal}: ${res.status} for ${path.slice(0, 200)} body ${c.body?.subarray(0, 200).toString() ?? '-'}`
          if (res.status >= 500)
            failures.push(`${what} → ${JSON.stringify(res.body).slice(0, 300)}`)
          if (res.status >= 400 && res.status < 500) {
            const after = await checksum()
            lastChecksum = after
            const changed = [...after].filter(([table, h]) => before.get(table) !== h)
            if (changed.length) failures.push(`${what} wrote ${changed.map(([n]) => n).join(', ')}`)
          } else if (res.status < 400 && route.method !== 'GET') {
            // Let the handlers of what this request committed finish before the next checksum.
            await t.engine.container.cradle.outbox.drain()
          }
        }
      }
      const health = await rawRequest(t.url, { method: 'GET', path: '/health', headers: {} })
      if (health.status !== 200)
        failures.push(`after ${route.method} ${route.path}: /health ${health.status}`)
    }
    const seconds = (performance.now() - started) / 1000
    console.info(
      `route fuzzer: ${routes.length} routes × ${runs} cases × 2 principals, ${requests} requests in ${seconds.toFixed(1)} s`,
    )
    expect(failures).toEqual([])
  }, 300_000)
})

// Test set-up shared by the orders and kds integration tests: the real plugin stack, a tenant
// with staff, and products written through the tenant's own RLS-bound transaction.
import type { AwilixContainer, RequestCradle } from '@oo/core'
import { createTestApp, type TestApp, type TestAppOptions } from '@oo/core/testing'
import { io, type Socket } from 'socket.io-client'
import catalog from '../../catalog/index.js'
import config from '../../config/index.js'
import kds from '../../kds/index.js'
import media from '../../media/index.js'
import oidc from '../../oidc/index.js'
import tenancy from '../../tenancy/index.js'
import orders from '../index.js'

export const SUPER_ADMIN = 'root@platform.test'

/** The orders stack. `loadFromOneIp`: the benchmark sends every checkout from 127.0.0.1, so the per-IP API limit is lifted. */
export function orderPlugins(
  kdsOptions?: Parameters<typeof kds>[0],
  opts: { loadFromOneIp?: boolean } = {},
) {
  const rateLimits = opts.loadFromOneIp
    ? { apiPerIp: { limit: 10_000_000, windowSeconds: 60 } }
    : undefined
  return [
    tenancy({ superAdmins: [SUPER_ADMIN] }),
    media(),
    catalog(),
    oidc({ rateLimits }),
    config(),
    orders(),
    kds(kdsOptions),
  ]
}

export function bootOrders(
  opts: Partial<TestAppOptions> & { kds?: Parameters<typeof kds>[0] } = {},
): Promise<TestApp> {
  return createTestApp({
    plugins: orderPlugins(opts.kds),
    boot: { outbox: { pollIntervalMs: 200 } },
    ...opts,
  })
}

export interface Shop {
  id: string
  host: string
  owner: string
  kitchen: string
  farmer: string
  farmerId: string
  products: Record<string, string>
}

export interface ProductSeed {
  slug: string
  price: number
  stock: number
  category?: string
  currency?: string
  active?: boolean
  farmer?: boolean
}

export function inTenant<T>(
  t: TestApp,
  tenantId: string,
  fn: (scope: AwilixContainer<RequestCradle>) => Promise<T>,
): Promise<T> {
  return t.engine.container.cradle.scopes.run(tenantId, fn)
}

/** A tenant `<slug>.test` with an owner, a kitchen member, a farmer and the given products. */
export async function seedShop(t: TestApp, slug: string, products: ProductSeed[]): Promise<Shop> {
  const tenant = await t.seedTenant(slug)
  const kitchen = `kitchen@${slug}.test`
  const farmer = `farmer@${slug}.test`
  await t
    .as(tenant.owner)
    .post('/api/v1/admin/members')
    .set('Host', tenant.host)
    .send({ email: kitchen, role: 'kitchen' })
    .expect(201)
  await t
    .as(tenant.owner)
    .post('/api/v1/admin/members')
    .set('Host', tenant.host)
    .send({ email: farmer, role: 'staff' })
    .expect(201)
  // Signing in once turns the invitation into the farmer's user (the id products point at).
  const me = await t.as(farmer).get('/api/v1/admin/me').set('Host', tenant.host).expect(200)
  const farmerId = me.body.id as string
  const ids: Record<string, string> = {}
  await inTenant(t, tenant.id, (scope) =>
    scope.cradle.db.tx(async (trx) => {
      const categories = new Map<string, string>()
      for (const p of products) {
        if (p.category && !categories.has(p.category)) {
          const [cat] = await trx('catalog_categories')
            .insert({ tenant_id: tenant.id, slug: p.category, name: p.category })
            .returning('id')
          categories.set(p.category, cat.id)
        }
        const [row] = await trx('catalog_products')
          .insert({
            tenant_id: tenant.id,
            slug: p.slug,
            name: p.slug.replace(/-/g, ' '),
            price_minor: p.price,
            currency: p.currency ?? 'EUR',
            stock_qty: p.stock,
            active: p.active ?? true,
            category_id: p.category ? categories.get(p.category) : null,
            farmer_id: p.farmer ? farmerId : null,
          })
          .returning('id')
        ids[p.slug] = row.id
      }
    }),
  )
  return {
    id: tenant.id,
    host: tenant.host,
    owner: tenant.owner,
    kitchen,
    farmer,
    farmerId,
    products: ids,
  }
}

export function stockOf(t: TestApp, shop: Shop, slug: string): Promise<number> {
  return inTenant(t, shop.id, (s) =>
    s.cradle.db.tx(async (trx) =>
      Number((await trx('catalog_products').where({ id: shop.products[slug] }).first()).stock_qty),
    ),
  )
}

export function countOrders(t: TestApp, shop: Shop): Promise<number> {
  return inTenant(t, shop.id, (s) =>
    s.cradle.db.tx(async (trx) =>
      Number(((await trx('orders').count({ n: '*' })) as [{ n: string }])[0].n),
    ),
  )
}

export function checkout(t: TestApp, shop: Shop, body: object, key?: string) {
  const req = t.http.post('/api/v1/store/checkout').set('Host', shop.host)
  if (key) req.set('Idempotency-Key', key)
  return req.send(body)
}

/** A socket.io client on `nsp` for this shop's host; resolves once connected. */
export async function connectSocket(
  baseUrl: string,
  nsp: string,
  host: string,
  token: string | undefined,
  opts: { autoConnect?: boolean } = {},
): Promise<Socket> {
  const socket = io(`${baseUrl}${nsp}`, {
    auth: token ? { token } : {},
    extraHeaders: { host },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    autoConnect: opts.autoConnect ?? true,
  })
  if (opts.autoConnect === false) return socket
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', (err) => reject(err))
  })
  return socket
}

/** Resolves with the next `count` payloads of `event` (rejects after `ms`). */
export function nextEvents<T>(
  socket: Socket,
  event: string,
  count: number,
  ms = 10_000,
  filter: (p: T) => boolean = () => true,
): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const seen: T[] = []
    const timer = setTimeout(() => {
      socket.off(event, on)
      reject(new Error(`saw ${seen.length}/${count} ${event} within ${ms} ms`))
    }, ms)
    function on(payload: T) {
      if (!filter(payload)) return
      seen.push(payload)
      if (seen.length === count) {
        clearTimeout(timer)
        socket.off(event, on)
        resolve(seen)
      }
    }
    socket.on(event, on)
  })
}

export function emitAck<T = { ok: boolean; error?: { code: string } } & Record<string, unknown>>(
  socket: Socket,
  event: string,
  payload: object,
): Promise<T> {
  return socket.timeout(10_000).emitWithAck(event, payload) as Promise<T>
}

/** Records every `event` payload from now on; `waitFor` resolves with the first match, past or future. */
export function collect<T>(socket: Socket, event: string) {
  const items: T[] = []
  const waiters: { pred: (p: T) => boolean; resolve: (p: T) => void }[] = []
  socket.on(event, (payload: T) => {
    items.push(payload)
    for (const w of [...waiters])
      if (w.pred(payload)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(payload)
      }
  })
  return {
    items,
    waitFor(pred: (p: T) => boolean, ms = 10_000): Promise<T> {
      const hit = items.find(pred)
      if (hit) return Promise.resolve(hit)
      return new Promise((resolve, reject) => {
        const waiter = { pred, resolve: (p: T) => (clearTimeout(timer), resolve(p)) }
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1)
          reject(new Error(`no matching ${event} within ${ms} ms (saw ${items.length})`))
        }, ms)
        waiters.push(waiter)
      })
    },
  }
}

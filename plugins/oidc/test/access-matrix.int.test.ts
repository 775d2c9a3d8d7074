import { randomUUID } from 'node:crypto'
import { createTestApp, type TestApp } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../tenancy/index.js'
import oidc from '../index.js'
import { Browser, formAction } from './fixtures/browser.js'
import { startExternalIdp, type ExternalIdp } from './fixtures/external-idp.js'

type Caller =
  | 'super-admin'
  | 'owner'
  | 'admin'
  | 'manager'
  | 'staff'
  | 'kitchen'
  | 'readonly'
  | 'non-member'
  | 'guest'
  | 'anonymous'
const CALLERS: Caller[] = [
  'super-admin',
  'owner',
  'admin',
  'manager',
  'staff',
  'kitchen',
  'readonly',
  'non-member',
  'guest',
  'anonymous',
]
const TENANT_ROLES = ['owner', 'admin', 'manager', 'staff', 'kitchen', 'readonly'] as const
const ALL: Caller[] = ['super-admin', ...TENANT_ROLES]
const SUPER: Caller[] = ['super-admin']

// Written out by hand from the issue's baseline, not derived from the code under test.
const ROUTES: [method: 'get' | 'post' | 'put' | 'delete', path: string, allowed: Caller[]][] = [
  ['get', '/tenants', ALL],
  ['get', '/tenants/:pizza', ALL],
  ['put', '/tenants/:pizza', ['super-admin', 'owner', 'admin']],
  ['post', '/tenants', SUPER],
  ['get', '/members', ['super-admin', 'owner', 'admin', 'manager', 'readonly']],
  ['get', '/members/:random', ['super-admin', 'owner', 'admin', 'manager', 'readonly']],
  ['post', '/members', ['super-admin', 'owner', 'admin']],
  ['put', '/members/:random', ['super-admin', 'owner', 'admin']],
  ['delete', '/members/:random', ['super-admin', 'owner', 'admin']],
  ['get', '/projects', ALL],
  ['get', '/projects/:random', ALL],
  ['post', '/projects', ['super-admin', 'owner', 'admin', 'manager']],
  ['put', '/projects/:random', ['super-admin', 'owner', 'admin', 'manager']],
  ['delete', '/projects/:random', ['super-admin', 'owner', 'admin', 'manager']],
  ['get', '/domains', ['super-admin', 'owner', 'admin', 'manager', 'readonly']],
  ['get', '/domains/:random', ['super-admin', 'owner', 'admin', 'manager', 'readonly']],
  ['post', '/domains', ['super-admin', 'owner', 'admin']],
  ['delete', '/domains/:random', ['super-admin', 'owner', 'admin']],
  ['get', '/oidc/mail', SUPER],
]

const now = () => Math.floor(Date.now() / 1000)

describe('access control through oidc credentials', () => {
  let idp: ExternalIdp
  let t: TestApp
  let pizza: Awaited<ReturnType<TestApp['seedTenant']>>
  let burger: Awaited<ReturnType<TestApp['seedTenant']>>
  const tokens = new Map<Caller, string>()
  const emailOf = (caller: Caller) => (caller === 'owner' ? pizza.owner : `${caller}@pizza.test`)

  beforeAll(async () => {
    idp = await startExternalIdp()
    t = await createTestApp({
      plugins: [
        tenancy({ superAdmins: ['super-admin@pizza.test'] }),
        oidc({
          issuers: [
            {
              issuer: idp.issuer,
              audience: idp.audience,
              clientId: idp.clientId,
              clientSecret: idp.clientSecret,
            },
          ],
          devIssuer: { enabled: true },
          rateLimits: {
            apiPerIp: { limit: 100_000, windowSeconds: 60 },
            apiPerUser: { limit: 100_000, windowSeconds: 60 },
          },
        }),
      ],
    })
    idp.configure([`${t.url}/auth/callback`])
    pizza = await t.seedTenant('pizza')
    burger = await t.seedTenant('burger')
    for (const caller of CALLERS) {
      if (caller === 'anonymous') continue
      if (caller === 'guest') {
        tokens.set(
          caller,
          (await t.engine.container.cradle.guestTokens.issue({ tenantId: pizza.id, kind: 'guest' }))
            .token,
        )
        continue
      }
      const email = emailOf(caller)
      tokens.set(
        caller,
        await idp.sign({
          iss: idp.issuer,
          aud: idp.audience,
          sub: `sub-${caller}`,
          email,
          email_verified: true,
          iat: now(),
          exp: now() + 3600,
        }),
      )
    }
    for (const role of TENANT_ROLES.filter((r) => r !== 'owner')) {
      await bearer(t.http.post('/api/v1/admin/members'), 'owner')
        .set('Host', pizza.host)
        .send({ email: emailOf(role), role })
        .expect(201)
    }
  })
  afterAll(async () => {
    await t?.close()
    await idp?.close()
  })

  const bearer = <T extends { set(k: string, v: string): T }>(req: T, caller: Caller): T => {
    const token = tokens.get(caller)
    return token ? req.set('Authorization', `Bearer ${token}`) : req
  }

  const cases = ROUTES.flatMap(([method, path, allowed]) =>
    CALLERS.map((caller) => [method, path, caller, allowed.includes(caller)] as const),
  )

  it.each(cases)('%s %s as %s → allowed: %s', async (method, template, caller, allowed) => {
    const path = template.replace(':pizza', pizza.id).replace(':random', randomUUID())
    const res = await bearer(t.http[method](`/api/v1/admin${path}`), caller)
      .set('Host', pizza.host)
      .send(method === 'put' ? { name: 'Pizza' } : {})
    if (allowed) {
      expect([401, 403], `${res.status} ${JSON.stringify(res.body)}`).not.toContain(res.status)
      expect(res.status).toBeLessThan(500)
    } else {
      expect(res.status, JSON.stringify(res.body)).toBe(caller === 'anonymous' ? 401 : 403)
    }
  })

  it('applies a role change to the next request, not the next sign-in', async () => {
    const kitchen = tokens.get('kitchen')!
    await t.http
      .get('/api/v1/admin/members')
      .set('Host', pizza.host)
      .set('Authorization', `Bearer ${kitchen}`)
      .expect(403)
    const list = await bearer(t.http.get('/api/v1/admin/members?filter={"q":"kitchen@"}'), 'owner')
      .set('Host', pizza.host)
      .expect(200)
    await bearer(t.http.put(`/api/v1/admin/members/${list.body[0].id}`), 'owner')
      .set('Host', pizza.host)
      .send({ role: 'manager' })
      .expect(200)
    await t.http
      .get('/api/v1/admin/members')
      .set('Host', pizza.host)
      .set('Authorization', `Bearer ${kitchen}`)
      .expect(200)
    await bearer(t.http.put(`/api/v1/admin/members/${list.body[0].id}`), 'owner')
      .set('Host', pizza.host)
      .send({ role: 'kitchen' })
      .expect(200)
  })

  describe('a member of pizza cannot act on burger', () => {
    let session: { cookie: string; csrf: string }
    const order = () =>
      t.engine.container.cradle.guestTokens.issue({
        tenantId: pizza.id,
        kind: 'order',
        orderId: 'order-1',
      })

    beforeAll(async () => {
      const password = 'pizza owner password'
      await t.engine.container.cradle.oidcAccounts.register({
        email: pizza.owner,
        password,
        emailVerified: true,
      })
      const browser = new Browser()
      const origin = `http://${pizza.host}:${new URL(t.url).port}`
      const start = await browser.send(`${origin}/auth/login`)
      const page = await browser.follow(start.location!)
      const back = await browser.follow(new URL(formAction(page.body), page.url).href, {
        form: { email: pizza.owner, password },
        stopAt: (u) => u.includes('/auth/callback'),
      })
      expect((await browser.send(back.location!)).status).toBe(303)
      const csrf = JSON.parse((await browser.send(`${origin}/auth/session`)).body)
        .csrfToken as string
      session = { cookie: browser.cookieHeader(origin), csrf }
    })

    type Credential = 'owner bearer' | 'owner session' | 'guest token' | 'order token'
    type Target =
      | 'burger host'
      | 'X-Tenant-ID burger'
      | 'pizza host + X-Tenant-ID burger'
      | 'burger host + X-Tenant-ID pizza'
      | 'X-Tenant-ID burger slug'
    const credentials: Credential[] = [
      'owner bearer',
      'owner session',
      'guest token',
      'order token',
    ]
    const targets: Target[] = [
      'burger host',
      'X-Tenant-ID burger',
      'pizza host + X-Tenant-ID burger',
      'burger host + X-Tenant-ID pizza',
      'X-Tenant-ID burger slug',
    ]
    const operations = ['GET /members', 'POST /projects', 'GET /store/tenant'] as const
    const matrix = credentials.flatMap((c) =>
      targets.flatMap((h) => operations.map((o) => [c, h, o] as const)),
    )

    it.each(matrix)('%s, %s, %s → refused', async (credential, target, operation) => {
      const [method, path] = operation.split(' ') as ['GET' | 'POST', string]
      const url = path.startsWith('/store') ? `/api/v1${path}` : `/api/v1/admin${path}`
      let req =
        method === 'GET'
          ? t.http.get(url)
          : t.http.post(url).send({ slug: `x${randomUUID().slice(0, 8)}`, name: 'Intruder' })
      if (credential === 'owner bearer') req = bearer(req, 'owner')
      if (credential === 'owner session')
        req = req.set('Cookie', session.cookie).set('X-CSRF-Token', session.csrf)
      if (credential === 'guest token') req = bearer(req, 'guest')
      if (credential === 'order token')
        req = req.set('Authorization', `Bearer ${(await order()).token}`)
      if (target.includes('burger host')) req = req.set('Host', burger.host)
      if (target.includes('pizza host')) req = req.set('Host', pizza.host)
      if (target.includes('X-Tenant-ID burger slug')) req = req.set('X-Tenant-ID', burger.slug)
      else if (target.includes('X-Tenant-ID burger')) req = req.set('X-Tenant-ID', burger.id)
      if (target.includes('X-Tenant-ID pizza')) req = req.set('X-Tenant-ID', pizza.id)
      const res = await req
      // The one read anyone may make of a shop is its public storefront record, on its own host
      // (a pizza guest token is bound to pizza and refused even there).
      const publicRead =
        operation === 'GET /store/tenant' &&
        target === 'burger host' &&
        credential.startsWith('owner')
      if (publicRead) {
        expect(res.status).toBe(200)
        return
      }
      expect([401, 403, 404], `${res.status} ${JSON.stringify(res.body)}`).toContain(res.status)
    })

    it('left burger’s data untouched', async () => {
      const projects = await t
        .as(burger.owner)
        .get('/api/v1/admin/projects')
        .set('Host', burger.host)
        .expect(200)
      expect(projects.body.map((p: { slug: string }) => p.slug)).toEqual(['main'])
    })
  })
})

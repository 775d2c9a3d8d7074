import {
  createTestApp,
  createTestDatabase,
  hasPostgres,
  hasRedis,
  type TestApp,
  type TestDatabase,
} from '@oo/core/testing'
import type { Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../tenancy/index.js'
import oidc from '../index.js'
import type { Browser } from './fixtures/browser.js'
import { loginForm, mailFor, sessionOf, signInAtDevIssuer } from './fixtures/dev-sign-in.js'
import { startExternalIdp, type ExternalIdp } from './fixtures/external-idp.js'
import { connectProbe, disconnected, socketProbe } from './fixtures/socket-probe.js'
import { spawnEngine } from './fixtures/spawn.js'

type Tenant = Awaited<ReturnType<TestApp['seedTenant']>>
const PASSWORD = 'the first password'
const now = () => Math.floor(Date.now() / 1000)

/** A verified local account that is a member of `tenant`; returns the member id. */
async function member(t: TestApp, tenant: Tenant, email: string, role = 'manager') {
  await t.engine.container.cradle.oidcAccounts.register({
    email,
    password: PASSWORD,
    emailVerified: true,
  })
  const res = await t
    .as(tenant.owner)
    .post('/api/v1/admin/members')
    .set('X-Tenant-ID', tenant.id)
    .send({ email, role })
    .expect(201)
  return res.body.id as string
}

async function csrfPost(browser: Browser, origin: string, path: string) {
  const session = await sessionOf(browser, origin)
  return browser.send(`${origin}${path}`, {
    method: 'POST',
    headers: { 'x-csrf-token': session?.csrfToken ?? '', accept: 'application/json' },
  })
}

describe('sessions end when trust ends', () => {
  let t: TestApp
  let pizza: Tenant
  const twoBrowsers = async (email: string, password = PASSWORD) => {
    const one = await signInAtDevIssuer(t.url, email, password)
    const two = await signInAtDevIssuer(t.url, email, password)
    expect([one.status, two.status]).toEqual([303, 303])
    return [one.browser, two.browser] as const
  }
  const cookie = (browser: Browser) => browser.cookieHeader(t.url)

  beforeAll(async () => {
    t = await createTestApp({ plugins: [tenancy(), oidc(), socketProbe()] })
    pizza = await t.seedTenant('pizza')
  })
  afterAll(() => t?.close())

  it('ends every browser session of the account, and the issuer’s own, at a password reset', async () => {
    await t.engine.container.cradle.oidcAccounts.register({
      email: 'reset@pizza.test',
      password: PASSWORD,
      emailVerified: true,
    })
    const [one, two] = await twoBrowsers('reset@pizza.test')
    await t.http.post('/oidc/password-reset').send({ email: 'reset@pizza.test' }).expect(202)
    await t.http
      .post('/oidc/password-reset/confirm')
      .send({
        token: (await mailFor(t.engine.container.cradle, 'reset@pizza.test', 'Reset your password'))
          .token,
        password: 'the second password',
      })
      .expect(200)
    expect(await sessionOf(one, t.url)).toBeNull()
    expect(await sessionOf(two, t.url)).toBeNull()
    // The issuer asks for the password again instead of signing the browser in silently.
    await expect(loginForm(t.url, one)).resolves.toMatch(/\/oidc\/interaction\/[\w-]+\/login$/)
  })

  it('ends them at a password change', async () => {
    await t.engine.container.cradle.oidcAccounts.register({
      email: 'change@pizza.test',
      password: PASSWORD,
      emailVerified: true,
    })
    const [one, two] = await twoBrowsers('change@pizza.test')
    await t.http
      .post('/oidc/password')
      .send({ email: 'change@pizza.test', password: PASSWORD, newPassword: 'a changed password' })
      .expect(200)
    expect(await sessionOf(one, t.url)).toBeNull()
    expect(await sessionOf(two, t.url)).toBeNull()
  })

  it('signs out everywhere: every browser, the issuer’s session, the open sockets', async () => {
    await member(t, pizza, 'everywhere@pizza.test')
    const [one, two] = await twoBrowsers('everywhere@pizza.test')
    const socket = await connectProbe(t.url, { tenantId: pizza.id, cookie: cookie(two) })
    const gone = disconnected(socket)
    expect((await one.send(`${t.url}/auth/logout-everywhere`, { method: 'POST' })).status).toBe(
      403, // the session's CSRF token is required
    )
    const out = await csrfPost(one, t.url, '/auth/logout-everywhere')
    expect([out.status, JSON.parse(out.body)]).toEqual([
      200,
      { status: 'signed-out-everywhere', sessions: 2 },
    ])
    expect(await gone).toBeLessThan(1000)
    expect(await sessionOf(two, t.url)).toBeNull()
    await expect(loginForm(t.url, one)).resolves.toMatch(/\/login$/)
  })

  it('disconnects a removed member’s sockets within a second', async () => {
    const id = await member(t, pizza, 'removed@pizza.test')
    const { browser } = await signInAtDevIssuer(t.url, 'removed@pizza.test', PASSWORD)
    const socket = await connectProbe(t.url, { tenantId: pizza.id, cookie: cookie(browser) })
    const gone = disconnected(socket)
    await t
      .as(pizza.owner)
      .delete(`/api/v1/admin/members/${id}`)
      .set('X-Tenant-ID', pizza.id)
      .expect(200)
    expect(await gone).toBeLessThan(1000)
    await expect(
      connectProbe(t.url, { tenantId: pizza.id, cookie: cookie(browser) }),
    ).rejects.toMatchObject({ code: 'TENANCY_NOT_A_MEMBER' })
  })

  it('disconnects a member’s sockets when the role changes', async () => {
    const id = await member(t, pizza, 'demoted@pizza.test')
    const { browser } = await signInAtDevIssuer(t.url, 'demoted@pizza.test', PASSWORD)
    const socket = await connectProbe(t.url, { tenantId: pizza.id, cookie: cookie(browser) })
    const gone = disconnected(socket)
    await t
      .as(pizza.owner)
      .put(`/api/v1/admin/members/${id}`)
      .set('X-Tenant-ID', pizza.id)
      .send({ role: 'kitchen' })
      .expect(200)
    expect(await gone).toBeLessThan(1000)
  })

  it('disconnects the sockets of a revoked token within a second', async () => {
    const { guestTokens } = t.engine.container.cradle
    const revoked = await guestTokens.issue({ tenantId: pizza.id, kind: 'guest' })
    const kept = await guestTokens.issue({ tenantId: pizza.id, kind: 'guest' })
    const sockets: Socket[] = []
    for (const { token } of [revoked, kept])
      sockets.push(await connectProbe(t.url, { token, tenantId: pizza.id, nsp: '/probe-any' }))
    const gone = disconnected(sockets[0]!)
    await guestTokens.revoke(revoked.jti, revoked.expiresAt)
    expect(await gone).toBeLessThan(1000)
    expect(sockets[1]!.connected).toBe(true)
    sockets[1]!.close()
  })

  it('connects with a cookie that is not valid %-encoding next to the session cookie', async () => {
    await member(t, pizza, 'cookies@pizza.test')
    const { browser } = await signInAtDevIssuer(t.url, 'cookies@pizza.test', PASSWORD)
    const socket = await connectProbe(t.url, {
      tenantId: pizza.id,
      cookie: `utm=100%; theme=%E0%A4%A; ${cookie(browser)}`,
    })
    expect(socket.connected).toBe(true)
    socket.close()
  })
})

describe('sign out everywhere with an external issuer’s bearer tokens', () => {
  let idp: ExternalIdp
  let t: TestApp
  const token = (iat: number) =>
    idp.sign({
      iss: idp.issuer,
      aud: idp.audience,
      sub: 'sub-everywhere',
      email: 'everywhere@idp.test',
      email_verified: true,
      iat,
      exp: now() + 300,
    })

  beforeAll(async () => {
    idp = await startExternalIdp()
    t = await createTestApp({
      plugins: [
        tenancy(),
        oidc({
          issuers: [
            {
              issuer: idp.issuer,
              audience: idp.audience,
              clientId: idp.clientId,
              clientSecret: idp.clientSecret,
            },
          ],
        }),
      ],
    })
    idp.configure([`${t.url}/auth/callback`])
  })
  afterAll(async () => {
    await t?.close()
    await idp?.close()
  })

  it('refuses the tokens issued before it, accepts the ones issued after', async () => {
    const before = await token(now() - 5)
    const me = (bearer: string) =>
      t.http.get('/api/v1/admin/me').set('Authorization', `Bearer ${bearer}`)
    await me(before).expect(200)
    await t.http
      .post('/auth/logout-everywhere')
      .set('Authorization', `Bearer ${before}`)
      .expect(200)
    expect((await me(before).expect(401)).body.error.code).toBe('OIDC_TOKEN_REVOKED')
    await me(await token(now() + 2)).expect(200) // within the clock skew, after the sign-out
  })
})

// Two OS processes share PostgreSQL and Redis; the embedded defaults are single-process by design.
describe.skipIf(!hasPostgres || !hasRedis)('sockets end on every process', () => {
  let database: TestDatabase
  let a: TestApp
  let b: Awaited<ReturnType<typeof spawnEngine>>
  let pizza: Tenant

  beforeAll(async () => {
    database = await createTestDatabase()
    a = await createTestApp({ plugins: [tenancy(), oidc(), socketProbe()], database })
    pizza = await a.seedTenant('pizza')
    b = await spawnEngine({
      DATABASE_URL: database.config.url,
      DATABASE_APP_URL: database.config.appUrl,
      OO_REDIS_PREFIX: a.engine.config.redis.keyPrefix,
    })
  })
  afterAll(async () => {
    const code = await b?.stop()
    await a?.close()
    await database?.drop()
    expect(code).toBe(0)
  })

  it('disconnects a removed member’s socket on the other process within a second', async () => {
    const id = await member(a, pizza, 'far@pizza.test')
    const { browser } = await signInAtDevIssuer(a.url, 'far@pizza.test', PASSWORD)
    const socket = await connectProbe(b.url, {
      tenantId: pizza.id,
      cookie: browser.cookieHeader(a.url),
    })
    const gone = disconnected(socket)
    await a
      .as(pizza.owner)
      .delete(`/api/v1/admin/members/${id}`)
      .set('X-Tenant-ID', pizza.id)
      .expect(200)
    const ms = await gone
    expect(ms).toBeLessThan(1000)
    console.info(`member removed on A → socket on B disconnected in ${ms} ms`)
  })

  it('disconnects a revoked token’s socket on the other process within a second', async () => {
    const { guestTokens } = a.engine.container.cradle
    const issued = await guestTokens.issue({ tenantId: pizza.id, kind: 'guest' })
    const socket = await connectProbe(b.url, {
      token: issued.token,
      tenantId: pizza.id,
      nsp: '/probe-any',
    })
    const gone = disconnected(socket)
    await guestTokens.revoke(issued.jti, issued.expiresAt)
    const ms = await gone
    expect(ms).toBeLessThan(1000)
    console.info(`token revoked on A → socket on B disconnected in ${ms} ms`)
  })
})

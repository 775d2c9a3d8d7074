import { definePlugin } from '@oo/core'
import { createTestApp, type TestApp } from '@oo/core/testing'
import { io as connect } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../tenancy/index.js'
import oidc from '../index.js'
import { Browser, formAction } from './fixtures/browser.js'
import { startExternalIdp, type ExternalIdp } from './fixtures/external-idp.js'

const PASSWORD = 'correct horse battery staple'

const probe = definePlugin({
  name: 'socket-probe',
  dependsOn: ['tenancy'],
  sockets: {
    '/probe': {
      permission: 'tenancy.members.read',
      setup: (nsp) =>
        nsp.on('connection', (s) =>
          s.emit('hello', { email: s.data.principal.email, role: s.data.role }),
        ),
    },
  },
})

type Tenant = Awaited<ReturnType<TestApp['seedTenant']>>

/** /auth/login → issuer → sign-in → /auth/callback: returns the browser holding the session. */
async function signIn(
  t: TestApp,
  tenant: Tenant,
  login: (browser: Browser, page: { url: string; body: string }) => Promise<string>,
): Promise<Browser> {
  const browser = new Browser()
  const origin = `http://${tenant.host}:${new URL(t.url).port}`
  const start = await browser.send(
    `${origin}/auth/login?returnTo=${encodeURIComponent('/admin/orders')}`,
  )
  expect(start.status).toBe(302)
  const authUrl = new URL(start.location!)
  expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256')
  expect(authUrl.searchParams.get('redirect_uri')).toBe(`${origin}/auth/callback`)
  const page = await browser.follow(start.location!)
  expect(page.status, `${page.url}\n${page.body.slice(0, 1500)}`).toBe(200)
  const callback = await login(browser, page)
  expect(callback.startsWith(`${origin}/auth/callback?`)).toBe(true)
  const done = await browser.send(callback)
  expect(done.status, done.body).toBe(303)
  expect(done.location).toBe(`${origin}/admin/orders`)
  expect(browser.cookie(origin, 'oo_session')).toBeTruthy()
  expect(String(done.headers['set-cookie'])).toMatch(
    /oo_session=[^;]+; path=\/; expires=[^;]+; samesite=lax; httponly/i,
  )
  return browser
}

function sessionChecks(get: () => { t: TestApp; pizza: Tenant; burger: Tenant; browser: Browser }) {
  const origin = (tenant: Tenant) => `http://${tenant.host}:${new URL(get().t.url).port}`

  it('has a session with principal, tenant, role and CSRF token', async () => {
    const { pizza, browser } = get()
    const res = await browser.send(`${origin(pizza)}/auth/session`, {
      headers: { accept: 'application/json' },
    })
    expect(res.status).toBe(200)
    const body = JSON.parse(res.body)
    expect(body).toMatchObject({
      principal: { kind: 'user', email: pizza.owner },
      tenant: { id: pizza.id },
      role: 'owner',
    })
    expect(body.csrfToken).toMatch(/^[\w-]{20,}$/)
  })

  it('calls pizza admin routes with the cookie; writes need the CSRF token', async () => {
    const { pizza, browser } = get()
    const members = await browser.send(`${origin(pizza)}/api/v1/admin/members`, {
      headers: { accept: 'application/json' },
    })
    expect(members.status).toBe(200)
    const { csrfToken } = JSON.parse((await browser.send(`${origin(pizza)}/auth/session`)).body)
    const body = JSON.stringify({ slug: `p${Date.now()}`, name: 'Patio' })
    const noCsrf = await sendJson(browser, `${origin(pizza)}/api/v1/admin/projects`, body, {})
    expect(noCsrf.status).toBe(403)
    expect(JSON.parse(noCsrf.body).error.code).toBe('OIDC_CSRF_TOKEN_INVALID')
    const wrong = await sendJson(browser, `${origin(pizza)}/api/v1/admin/projects`, body, {
      'x-csrf-token': 'x'.repeat(csrfToken.length),
    })
    expect(wrong.status).toBe(403)
    const ok = await sendJson(browser, `${origin(pizza)}/api/v1/admin/projects`, body, {
      'x-csrf-token': csrfToken,
    })
    expect(ok.status, ok.body).toBe(201)
  })

  it('is refused on burger: the cookie replayed on burger’s host, or X-Tenant-ID naming burger', async () => {
    const { pizza, burger, browser } = get()
    const cookie = browser.cookieHeader(origin(pizza))
    const replay = new Browser()
    const onBurger = await replay.send(`${origin(burger)}/api/v1/admin/members`, {
      headers: { cookie, accept: 'application/json' },
    })
    expect(onBurger.status).toBe(403)
    const header = await browser.send(`${origin(pizza)}/api/v1/admin/members`, {
      headers: { 'x-tenant-id': burger.id },
    })
    expect(header.status).toBe(403)
  })

  it('connects a socket with the session cookie', async () => {
    const { t, pizza, browser } = get()
    const hello = await new Promise<{ email: string; role: string }>((resolve, reject) => {
      const socket = connect(`${t.url}/probe`, {
        auth: { tenantId: pizza.id },
        extraHeaders: { cookie: browser.cookieHeader(origin(pizza)) },
        transports: ['websocket'],
        reconnection: false,
      })
      socket.on('hello', (data: { email: string; role: string }) => {
        socket.close()
        resolve(data)
      })
      socket.on('connect_error', reject)
    })
    expect(hello).toEqual({ email: pizza.owner, role: 'owner' })
  })

  it('signs out (CSRF required) and the cookie stops working', async () => {
    const { pizza, browser } = get()
    const { csrfToken } = JSON.parse((await browser.send(`${origin(pizza)}/auth/session`)).body)
    const cookie = browser.cookieHeader(origin(pizza))
    expect((await browser.send(`${origin(pizza)}/auth/logout`, { method: 'POST' })).status).toBe(
      403,
    )
    const out = await browser.send(`${origin(pizza)}/auth/logout`, {
      method: 'POST',
      headers: { 'x-csrf-token': csrfToken, accept: 'application/json' },
    })
    expect(out.status).toBe(200)
    expect(JSON.parse(out.body).endSessionUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//)
    const after = await new Browser().send(`${origin(pizza)}/auth/session`, { headers: { cookie } })
    expect(after.status).toBe(401)
  })
}

function sendJson(browser: Browser, url: string, body: string, headers: Record<string, string>) {
  return browser.send(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
  })
}

describe('browser sign-in with the built-in issuer', () => {
  let t: TestApp
  let pizza: Tenant
  let burger: Tenant
  let browser: Browser

  beforeAll(async () => {
    t = await createTestApp({ plugins: [tenancy(), oidc(), probe()] })
    pizza = await t.seedTenant('pizza')
    burger = await t.seedTenant('burger')
    await t.engine.container.cradle.oidcAccounts.register({
      email: pizza.owner,
      password: PASSWORD,
      emailVerified: true,
    })
    browser = await signIn(t, pizza, async (b, page) => {
      expect(page.url).toMatch(/\/oidc\/interaction\/[\w-]+$/)
      const action = new URL(formAction(page.body), page.url).href
      const wrong = await b.send(action, {
        form: { email: pizza.owner, password: 'not the password' },
      })
      expect(wrong.status).toBe(401)
      const res = await b.follow(action, {
        form: { email: pizza.owner, password: PASSWORD },
        stopAt: (u) => u.includes('/auth/callback'),
      })
      return res.location!
    })
  })
  afterAll(() => t?.close())

  sessionChecks(() => ({ t, pizza, burger, browser }))

  it('never hands the issuer a post-logout redirect to a Host that is not verified', async () => {
    const other = await signIn(t, pizza, async (b, page) => {
      const action = new URL(formAction(page.body), page.url).href
      const res = await b.follow(action, {
        form: { email: pizza.owner, password: PASSWORD },
        stopAt: (u) => u.includes('/auth/callback'),
      })
      return res.location!
    })
    const origin = `http://${pizza.host}:${new URL(t.url).port}`
    const { csrfToken } = JSON.parse((await other.send(`${origin}/auth/session`)).body)
    const out = await other.send(`${origin}/auth/logout`, {
      method: 'POST',
      headers: { host: 'evil.example', 'x-csrf-token': csrfToken, accept: 'application/json' },
    })
    expect(out.status).toBe(200)
    expect(JSON.parse(out.body).endSessionUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//)
    expect(JSON.parse(out.body).endSessionUrl).not.toContain('evil.example')
  })
})

describe('browser sign-in with an external issuer', () => {
  let idp: ExternalIdp
  let t: TestApp
  let pizza: Tenant
  let burger: Tenant
  let browser: Browser

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
        probe(),
      ],
    })
    pizza = await t.seedTenant('pizza')
    burger = await t.seedTenant('burger')
    const port = new URL(t.url).port
    idp.configure([
      `http://${pizza.host}:${port}/auth/callback`,
      `http://${burger.host}:${port}/auth/callback`,
      `http://${pizza.host}:${port}/`,
    ])
    browser = await signIn(t, pizza, async (b, page) => {
      const consent = await b.follow(new URL(formAction(page.body), page.url).href, {
        form: { prompt: 'login', login: pizza.owner, password: 'any' },
      })
      const res = await b.follow(new URL(formAction(consent.body), consent.url).href, {
        form: { prompt: 'consent' },
        stopAt: (u) => u.includes('/auth/callback'),
      })
      return res.location!
    })
  })
  afterAll(async () => {
    await t?.close()
    await idp?.close()
  })

  it('has no /oidc issuer of its own', async () => {
    await t.http.get('/oidc/.well-known/openid-configuration').expect(404)
  })

  sessionChecks(() => ({ t, pizza, burger, browser }))
})

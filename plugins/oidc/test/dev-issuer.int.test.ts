import { createTestApp, type TestApp } from '@oo/core/testing'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import * as client from 'openid-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../tenancy/index.js'
import oidc from '../index.js'
import { Browser, formAction } from './fixtures/browser.js'
import { loginForm } from './fixtures/dev-sign-in.js'

const ROOT = 'root@platform.test'

describe('built-in development issuer', () => {
  let t: TestApp
  let origin: (host: string) => string
  const printed: string[] = []

  beforeAll(async () => {
    t = await createTestApp({ plugins: [tenancy({ superAdmins: [ROOT] }), oidc()] })
    origin = (host) => `http://${host}:${new URL(t.url).port}`
    for (const { definition, context } of t.engine.plugins) {
      if (definition.seed)
        await definition.seed({
          ...(context as object),
          step: (m: string) => printed.push(`${definition.name}: ${m}`),
        } as never)
    }
  })
  afterAll(() => t?.close())

  const mail = async (to: string) => {
    await t.engine.container.cradle.oidcAccounts.settled()
    return (
      await t
        .as(ROOT)
        .get(`/api/v1/admin/oidc/mail?to=${encodeURIComponent(to)}`)
        .expect(200)
    ).body as { subject: string; body: string }[]
  }
  const tokenIn = (body: string) => /Token: ([\w-]+)/.exec(body)![1]!

  it('seeds local accounts for the super-admin and every demo member, printing generated passwords once', async () => {
    const lines = printed.filter((l) => l.startsWith('oidc: '))
    for (const email of [
      ROOT,
      'owner@pizza.localhost',
      'kitchen@pizza.localhost',
      'owner@burger.localhost',
      'anna@farm.localhost',
      'ben@farm.localhost',
    ]) {
      expect(
        lines.some((l) => l.includes(email) && /password: \S{12,}/.test(l)),
        email,
      ).toBe(true)
    }
    const passwords = lines.map((l) => /password: (\S+)/.exec(l)?.[1]).filter(Boolean)
    expect(new Set(passwords).size).toBe(passwords.length)
    const again: string[] = []
    const plugin = t.engine.plugins.find((p) => p.definition.name === 'oidc')!
    await plugin.definition.seed!({
      ...(plugin.context as object),
      step: (m: string) => again.push(m),
    } as never)
    expect(again.every((l) => !l.includes('password:'))).toBe(true)
  })

  it('signs the seeded pizza owner in: pizza admin routes work, burger’s refuse', async () => {
    const password = /owner@pizza\.localhost {2}password: (\S+)/.exec(printed.join('\n'))![1]!
    const browser = new Browser()
    const start = await browser.send(`${origin('pizza.localhost')}/auth/login?returnTo=/admin/`)
    const page = await browser.follow(start.location!)
    const back = await browser.follow(new URL(formAction(page.body), page.url).href, {
      form: { email: 'owner@pizza.localhost', password },
      stopAt: (u) => u.includes('/auth/callback'),
    })
    expect((await browser.send(back.location!)).status).toBe(303)
    const session = JSON.parse(
      (await browser.send(`${origin('pizza.localhost')}/auth/session`)).body,
    )
    expect(session).toMatchObject({
      principal: { email: 'owner@pizza.localhost' },
      role: 'owner',
      tenant: { slug: 'pizza' },
    })
    expect((await browser.send(`${origin('pizza.localhost')}/api/v1/admin/members`)).status).toBe(
      200,
    )
    const cookie = browser.cookieHeader(origin('pizza.localhost'))
    expect(
      (
        await new Browser().send(`${origin('burger.localhost')}/api/v1/admin/members`, {
          headers: { cookie },
        })
      ).status,
    ).toBe(403)
  })

  it('issues JWT access tokens (code + PKCE with openid-client) that the API accepts as bearer tokens', async () => {
    const password = /owner@burger\.localhost {2}password: (\S+)/.exec(printed.join('\n'))![1]!
    // Stored sealed: the engine's secret store opens it.
    const secret = await t.engine.container.cradle.oidcSecrets.getOrCreate(
      'dev-issuer-client-secret',
    )
    const config = await client.discovery(
      new URL(`${t.url}/oidc`),
      'oo-engine',
      secret,
      undefined,
      { execute: [client.allowInsecureRequests] },
    )
    const verifier = client.randomPKCECodeVerifier()
    const state = client.randomState()
    const redirectUri = `${t.url}/auth/callback`
    const authUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    })
    const browser = new Browser()
    const page = await browser.follow(authUrl.href)
    const back = await browser.follow(new URL(formAction(page.body), page.url).href, {
      form: { email: 'owner@burger.localhost', password },
      stopAt: (u) => u.startsWith(redirectUri),
    })
    const tokens = await client.authorizationCodeGrant(config, new URL(back.location!), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    })
    expect(decodeProtectedHeader(tokens.access_token).alg).toBe('ES256')
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      iss: `${t.url}/oidc`,
      aud: 'urn:omniorder:api',
    })
    const me = await t.http
      .get('/api/v1/admin/me')
      .set('Host', 'burger.localhost')
      .set('Authorization', `Bearer ${tokens.access_token}`)
      .expect(200)
    expect(me.body).toMatchObject({
      email: 'owner@burger.localhost',
      role: 'owner',
      tenant: { slug: 'burger' },
    })
    // Without PKCE's verifier the code is worthless (and it is single-use anyway).
    await expect(
      client.authorizationCodeGrant(config, new URL(back.location!), {
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
        expectedState: state,
      }),
    ).rejects.toThrow()
  })

  it('stores only a hash of the session cookie, and an expired session signs nobody in', async () => {
    const password = /kitchen@pizza\.localhost {2}password: (\S+)/.exec(printed.join('\n'))![1]!
    const browser = new Browser()
    const start = await browser.send(`${origin('pizza.localhost')}/auth/login`)
    const page = await browser.follow(start.location!)
    const back = await browser.follow(new URL(formAction(page.body), page.url).href, {
      form: { email: 'kitchen@pizza.localhost', password },
      stopAt: (u) => u.includes('/auth/callback'),
    })
    await browser.send(back.location!)
    const cookie = browser.cookie(origin('pizza.localhost'), 'oo_session')!
    const rows = await t.engine.database.asOwner((k) => k('oidc_sessions').select('id_hash'))
    expect(rows.some((r: { id_hash: string }) => r.id_hash === cookie)).toBe(false)
    expect((await browser.send(`${origin('pizza.localhost')}/auth/session`)).status).toBe(200)
    await t.engine.database.asOwner((k) =>
      k('oidc_sessions').update({ expires_at: new Date(Date.now() - 1000) }),
    )
    expect((await browser.send(`${origin('pizza.localhost')}/auth/session`)).status).toBe(401)
    expect((await browser.send(`${origin('pizza.localhost')}/api/v1/admin/projects`)).status).toBe(
      401,
    )
  })

  it('registers an account (unverified until the mailed link is used)', async () => {
    const res = await t.http
      .post('/oidc/register')
      .send({ email: 'New@Shopper.test', password: 'long enough password', name: 'New' })
      .expect(202)
    expect(res.body).toEqual({ status: 'check-your-mail' })
    expect(await t.engine.container.cradle.oidcAccounts.byEmail('new@shopper.test')).toMatchObject({
      email: 'new@shopper.test',
      emailVerified: false,
    })
    const short = await t.http
      .post('/oidc/register')
      .send({ email: 'short@shopper.test', password: 'short' })
      .expect(400)
    expect(short.body.error).toMatchObject({ code: 'OIDC_PASSWORD_TOO_SHORT', field: 'password' })
    const [verification] = await mail('new@shopper.test')
    await t.http.get(`/oidc/verify-email?token=${tokenIn(verification!.body)}`).expect(200)
    expect(
      (await t.engine.container.cradle.oidcAccounts.byEmail('new@shopper.test'))?.emailVerified,
    ).toBe(true)
    await t.http.get(`/oidc/verify-email?token=${tokenIn(verification!.body)}`).expect(400)
  })

  it('stores argon2id hashes, never the password', async () => {
    const row = await t.engine.database.asOwner((k) =>
      k('oidc_accounts').where({ email: 'new@shopper.test' }).first(),
    )
    expect(row.password_hash).toMatch(/^\$argon2id\$/)
    expect(row.password_hash).not.toContain('long enough password')
  })

  it('resets a password with a one-time, expiring token from the mail outbox', async () => {
    const { oidcAccounts } = t.engine.container.cradle
    await oidcAccounts.register({
      email: 'reset@shop.test',
      password: 'the old password',
      emailVerified: true,
    })
    await t.http.post('/oidc/password-reset').send({ email: 'reset@shop.test' }).expect(202)
    await t.http.post('/oidc/password-reset').send({ email: 'nobody@shop.test' }).expect(202)
    expect(await mail('nobody@shop.test')).toEqual([])
    const [resetMail] = await mail('reset@shop.test')
    expect(resetMail!.subject).toBe('Reset your password')
    const token = tokenIn(resetMail!.body)
    await t.http
      .post('/oidc/password-reset/confirm')
      .send({ token, password: 'the new password' })
      .expect(200)
    const reused = await t.http
      .post('/oidc/password-reset/confirm')
      .send({ token, password: 'another password' })
      .expect(400)
    expect(reused.body.error.code).toBe('OIDC_TOKEN_INVALID_OR_USED')
    await expect(
      oidcAccounts.authenticate('reset@shop.test', 'the old password'),
    ).rejects.toMatchObject({ code: 'OIDC_BAD_CREDENTIALS' })
    await expect(
      oidcAccounts.authenticate('reset@shop.test', 'the new password'),
    ).resolves.toMatchObject({ email: 'reset@shop.test' })

    await t.http.post('/oidc/password-reset').send({ email: 'reset@shop.test' }).expect(202)
    const expired = tokenIn((await mail('reset@shop.test'))[0]!.body)
    await t.engine.database.asOwner((k) =>
      k('oidc_account_tokens')
        .update({ expires_at: new Date(Date.now() - 1000) })
        .whereNull('used_at'),
    )
    await t.http
      .post('/oidc/password-reset/confirm')
      .send({ token: expired, password: 'too late password' })
      .expect(400)
  })

  it('locks an account after 5 failed sign-ins; a password reset unlocks it', async () => {
    await t.engine.container.cradle.oidcAccounts.register({
      email: 'lock@shop.test',
      password: 'the real password',
      emailVerified: true,
    })
    const browser = new Browser()
    const action = await loginForm(t.url, browser)
    const signIn = (password: string) =>
      browser.send(action, { form: { email: 'lock@shop.test', password } })
    for (let i = 0; i < 5; i++) expect((await signIn('wrong')).status).toBe(401)
    const locked = await signIn('the real password')
    expect([locked.status, locked.headers['x-oo-error']]).toEqual([423, 'OIDC_ACCOUNT_LOCKED'])
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800)
    await t.http.post('/oidc/password-reset').send({ email: 'lock@shop.test' }).expect(202)
    const token = tokenIn((await mail('lock@shop.test'))[0]!.body)
    await t.http
      .post('/oidc/password-reset/confirm')
      .send({ token, password: 'a fresh password' })
      .expect(200)
    expect((await signIn('a fresh password')).status).toBe(303)
  })

  it('lets only super-admins read the mail outbox', async () => {
    await t
      .as('owner@pizza.localhost')
      .get('/api/v1/admin/oidc/mail')
      .set('Host', 'pizza.localhost')
      .expect(403)
    await t.http.get('/api/v1/admin/oidc/mail').expect(401)
  })

  it('refuses an open redirect through returnTo', async () => {
    for (const returnTo of [
      'https://evil.example/',
      '//evil.example/x',
      '/\\evil.example',
      'javascript:alert(1)',
    ]) {
      const res = await t.http
        .get(`/auth/login?returnTo=${encodeURIComponent(returnTo)}`)
        .set('Host', 'pizza.localhost')
        .expect(400)
      expect(res.body.error.code).toBe('OIDC_RETURN_TO_REFUSED')
    }
    await t.http
      .get(`/auth/login?returnTo=${encodeURIComponent('http://burger.localhost/admin/')}`)
      .set('Host', 'pizza.localhost')
      .expect(302)
    const foreign = await t.http.get('/auth/login').set('Host', 'evil.example').expect(400)
    expect(foreign.body.error.code).toBe('OIDC_HOST_NOT_ALLOWED')
  })

  it('refuses a redirect_uri off the registered domains at the issuer', async () => {
    const discovery = (await t.http.get('/oidc/.well-known/openid-configuration').expect(200)).body
    const auth = new URL(discovery.authorization_endpoint)
    const res = await t.http.get(
      `${auth.pathname}?client_id=oo-engine&response_type=code&scope=openid&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256&redirect_uri=${encodeURIComponent('https://evil.example/auth/callback')}`,
    )
    expect(res.status).toBe(400)
    expect(res.text).toContain('redirect_uri')
  })
})

describe('built-in development issuer in production', () => {
  it('is refused unless explicitly allowed', async () => {
    await expect(
      createTestApp({ plugins: [tenancy(), oidc()], config: { mode: 'production' } }),
    ).rejects.toMatchObject({ code: 'OIDC_DEV_ISSUER_IN_PRODUCTION' })
  })
})

describe('browser sign-in behind a TLS-terminating proxy', () => {
  it('marks its cookies Secure when the request came over https', async () => {
    const t = await createTestApp({
      plugins: [tenancy(), oidc()],
      config: { http: { port: 0, host: '127.0.0.1', trustProxy: true } },
    })
    try {
      await t.seedTenant('pizza')
      const https = await t.http
        .get('/auth/login')
        .set('Host', 'pizza.test')
        .set('X-Forwarded-Proto', 'https')
        .expect(302)
      expect(String(https.headers['set-cookie'])).toMatch(/oo_auth_state=[^;]+;.*secure/i)
      const plain = await t.http.get('/auth/login').set('Host', 'pizza.test').expect(302)
      expect(String(plain.headers['set-cookie'])).not.toMatch(/secure/i)
    } finally {
      await t.close()
    }
  })
})

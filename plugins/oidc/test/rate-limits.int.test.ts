import {
  createTestApp,
  createTestDatabase,
  hasPostgres,
  hasRedis,
  type TestApp,
  type TestDatabase,
} from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../tenancy/index.js'
import oidc from '../index.js'
import { Browser } from './fixtures/browser.js'
import { loginForm } from './fixtures/dev-sign-in.js'
import { spawnEngine } from './fixtures/spawn.js'

const rule = (limit: number, windowSeconds = 60) => ({ limit, windowSeconds })

/** A sign-in form of the built-in issuer at `url`, and a way to submit it (as often as wanted). */
async function signInForm(url: string) {
  const browser = new Browser()
  const action = await loginForm(url, browser)
  return (email: string, password = 'wrong password') =>
    browser.send(action, { form: { email, password } })
}

describe('rate limits', () => {
  let t: TestApp
  let pizza: Awaited<ReturnType<TestApp['seedTenant']>>

  beforeAll(async () => {
    t = await createTestApp({
      plugins: [
        tenancy(),
        oidc({
          rateLimits: {
            signInPerUser: rule(3),
            signInPerIp: rule(6),
            registerPerIp: rule(2),
            passwordResetPerIp: rule(50),
            passwordResetPerUser: rule(2),
            apiPerIp: rule(1000),
            apiPerUser: rule(5),
          },
        }),
      ],
    })
    pizza = await t.seedTenant('pizza')
  })
  afterAll(() => t?.close())

  it('lets a kitchen crew behind one router sign in as often as it needs', async () => {
    const crew = await t.engine.container.cradle.oidcAccounts.register({
      email: 'kitchen@shop.test',
      password: 'kitchen password',
      emailVerified: true,
    })
    // Beyond the IP's failure budget (6) and the address's (3): successes spend neither.
    for (let i = 0; i < 8; i++) {
      const attempt = await signInForm(t.url)
      expect((await attempt(crew.email, 'kitchen password')).status).toBe(303)
    }
  })

  it('locks an address after N failed sign-ins with 423 and Retry-After', async () => {
    const attempt = await signInForm(t.url)
    for (let i = 0; i < 3; i++) expect((await attempt('victim@shop.test')).status).toBe(401)
    const locked = await attempt('Victim@Shop.test')
    expect([locked.status, locked.headers['x-oo-error']]).toEqual([423, 'OIDC_ACCOUNT_LOCKED'])
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(60)
  })

  it('limits failed sign-ins per IP across accounts', async () => {
    // 3 failures so far from this IP (the locked attempt was refused before any check); limit 6.
    const attempt = await signInForm(t.url)
    for (const email of ['a@shop.test', 'b@shop.test', 'c@shop.test'])
      expect((await attempt(email)).status).toBe(401)
    const res = await attempt('d@shop.test')
    expect([res.status, res.headers['x-oo-error']]).toEqual([429, 'OIDC_RATE_LIMITED'])
  })

  it('limits registration per IP and password reset per account', async () => {
    await t.http
      .post('/oidc/register')
      .send({ email: 'r1@shop.test', password: 'long enough password' })
      .expect(202)
    await t.http
      .post('/oidc/register')
      .send({ email: 'r2@shop.test', password: 'long enough password' })
      .expect(202)
    await t.http
      .post('/oidc/register')
      .send({ email: 'r3@shop.test', password: 'long enough password' })
      .expect(429)
    await t.http.post('/oidc/password-reset').send({ email: 'r1@shop.test' }).expect(202)
    await t.http.post('/oidc/password-reset').send({ email: 'r1@shop.test' }).expect(202)
    await t.http.post('/oidc/password-reset').send({ email: 'r1@shop.test' }).expect(429)
  })

  it('limits API calls per caller', async () => {
    const { token } = await t.engine.container.cradle.guestTokens.issue({
      tenantId: pizza.id,
      kind: 'guest',
    })
    const call = () =>
      t.http
        .get('/api/v1/store/tenant')
        .set('Host', pizza.host)
        .set('Authorization', `Bearer ${token}`)
    for (let i = 0; i < 5; i++) await call().expect(200)
    const res = await call().expect(429)
    expect(res.body.error.details.bucket).toBe('api-user')
    await t.http.get('/api/v1/store/tenant').set('Host', pizza.host).expect(200) // anonymous callers: only the IP budget
  })
})

// Two OS processes share PostgreSQL and Redis; the embedded defaults are single-process by design.
describe.skipIf(!hasPostgres || !hasRedis)(
  'rate limits across two engine processes sharing Redis',
  () => {
    const options = { rateLimits: { signInPerUser: rule(4), signInPerIp: rule(100) } }
    let database: TestDatabase
    let a: TestApp
    let b: Awaited<ReturnType<typeof spawnEngine>>

    beforeAll(async () => {
      database = await createTestDatabase()
      a = await createTestApp({ plugins: [tenancy(), oidc(options)], database })
      b = await spawnEngine({
        DATABASE_URL: database.config.url,
        DATABASE_APP_URL: database.config.appUrl,
        OO_REDIS_PREFIX: a.engine.config.redis.keyPrefix,
        OO_TEST_OIDC_OPTIONS: JSON.stringify(options),
      })
    })
    afterAll(async () => {
      const code = await b?.stop()
      await a?.close()
      await database?.drop()
      expect(code).toBe(0)
    })

    it('counts failed sign-ins for one address together: the 5th is locked on either process', async () => {
      const onA = await signInForm(a.url)
      const onB = await signInForm(b.url)
      for (const attempt of [onA, onB, onA, onB])
        expect((await attempt('shared@shop.test')).status).toBe(401)
      expect((await onB('shared@shop.test')).status).toBe(423)
      expect((await onA('shared@shop.test')).status).toBe(423)
      expect((await onA('other@shop.test')).status).toBe(401)
    })
  },
)

import {
  createTestApp,
  createTestDatabase,
  hasPostgres,
  hasRedis,
  type TestApp,
  type TestDatabase,
} from '@oo/core/testing'
import supertest from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../tenancy/index.js'
import oidc from '../index.js'
import { spawnEngine } from './fixtures/spawn.js'

const rule = (limit: number, windowSeconds = 60) => ({ limit, windowSeconds })

/** One sign-in attempt at the built-in issuer's login form (the interaction id need not exist). */
const attempt = (url: string, email: string) =>
  supertest(url)
    .post('/oidc/interaction/no-such-interaction/login')
    .type('form')
    .send({ email, password: 'wrong password' })

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

  it('answers the (N+1)th sign-in for one account with 429 and Retry-After', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await attempt(t.url, 'victim@shop.test')
      expect(res.status).not.toBe(429)
      expect(res.status).toBeLessThan(500)
    }
    const limited = await attempt(t.url, 'Victim@Shop.test').expect(429)
    expect(limited.body.error).toMatchObject({
      code: 'OIDC_RATE_LIMITED',
      details: { bucket: 'sign-in-user' },
    })
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60)
  })

  it('limits sign-in per IP across accounts', async () => {
    // 4 attempts so far from this IP (3 + the limited one); the limit is 6.
    await attempt(t.url, 'a@shop.test').expect((r) => expect(r.status).not.toBe(429))
    await attempt(t.url, 'b@shop.test').expect((r) => expect(r.status).not.toBe(429))
    const res = await attempt(t.url, 'c@shop.test').expect(429)
    expect(res.body.error.details.bucket).toBe('sign-in-ip')
  })

  it('limits registration per IP and password reset per account', async () => {
    await t.http
      .post('/oidc/register')
      .send({ email: 'r1@shop.test', password: 'long enough password' })
      .expect(201)
    await t.http
      .post('/oidc/register')
      .send({ email: 'r2@shop.test', password: 'long enough password' })
      .expect(201)
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

    it('counts sign-in attempts for one account together: the 5th gets 429 on either process', async () => {
      const urls = [a.url, b.url, a.url, b.url]
      for (const url of urls) expect((await attempt(url, 'shared@shop.test')).status).not.toBe(429)
      const fifth = await attempt(b.url, 'shared@shop.test').expect(429)
      expect(fifth.headers['retry-after']).toMatch(/^\d+$/)
      await attempt(a.url, 'shared@shop.test').expect(429)
      expect((await attempt(a.url, 'other@shop.test')).status).not.toBe(429)
    })
  },
)

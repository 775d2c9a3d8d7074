import { definePlugin, type AppRouter } from '@oo/core'
import { createTestApp, type TestApp } from '@oo/core/testing'
import supertest from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import oidc from '../../plugins/oidc/index.js'
import tenancy from '../../plugins/tenancy/index.js'

/** Answers with the address the engine takes for the caller. */
const whoami = definePlugin({
  name: 'whoami',
  routes: {
    store(router: AppRouter) {
      router.get('/whoami', function whoami(ctx) {
        ctx.body = { ip: ctx.ip }
      })
    },
  },
})

const rule = (limit: number) => ({ limit, windowSeconds: 60 })

describe('client address behind the shipped nginx (one proxy appending $remote_addr)', () => {
  let t: TestApp
  let shop: Awaited<ReturnType<TestApp['seedTenant']>>

  beforeAll(async () => {
    t = await createTestApp({
      plugins: [tenancy(), oidc({ rateLimits: { apiPerIp: rule(5) } }), whoami()],
      config: { http: { trustProxy: true } },
    })
    shop = await t.seedTenant('proxied')
  })
  afterAll(() => t?.close())

  it('takes the right-most X-Forwarded-For address, not the one the client wrote', async () => {
    const res = await t.http
      .get('/api/v1/store/whoami')
      .set('Host', shop.host)
      .set('X-Forwarded-For', '203.0.113.9, 198.51.100.7')
      .expect(200)
    expect(res.body.ip).toBe('198.51.100.7')
  })

  it('counts a client that writes its own left-most X-Forwarded-For under its real address', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) {
      const res = await t.http
        .get('/api/v1/store/tenant')
        .set('Host', shop.host)
        .set('X-Forwarded-For', `203.0.113.${i + 10}, 198.51.100.20`)
      statuses.push(res.status)
    }
    expect(statuses.slice(0, 5).every((s) => s !== 429)).toBe(true)
    expect(statuses.slice(5)).toEqual([429, 429])
  })
})

describe('client address with trusted proxy CIDRs, and metrics off the shop port', () => {
  let t: TestApp
  let shop: Awaited<ReturnType<TestApp['seedTenant']>>

  beforeAll(async () => {
    t = await createTestApp({
      plugins: [tenancy(), whoami()],
      config: {
        http: {
          trustProxy: true,
          trustedProxies: ['127.0.0.1', '10.0.0.0/8'],
          metrics: { port: 0, host: '127.0.0.1' },
        },
      },
    })
    shop = await t.seedTenant('cidrs')
  })
  afterAll(() => t?.close())

  it('takes the right-most address outside the trusted proxies', async () => {
    const res = await t.http
      .get('/api/v1/store/whoami')
      .set('Host', shop.host)
      .set('X-Forwarded-For', '203.0.113.9, 198.51.100.8, 10.1.2.3')
      .expect(200)
    expect(res.body.ip).toBe('198.51.100.8')
  })

  it('serves /metrics on its own listener and not on the shop port', async () => {
    await t.http.get('/metrics').set('Host', shop.host).expect(404)
    expect(t.engine.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const metrics = await supertest(t.engine.metricsUrl!).get('/metrics').expect(200)
    expect(metrics.text).toMatch(/^oo_open_sockets \d+$/m)
    await supertest(t.engine.metricsUrl!).get('/api/v1/store/whoami').expect(404)
    await t.http.get('/health').expect(200)
    await t.http.get('/ready').expect(200)
  })
})

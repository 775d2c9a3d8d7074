import { OoError, definePlugin, parse, type AppRouter } from '@oo/core'
import { createTestApp, type TestApp } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import tenancy from '../../plugins/tenancy/index.js'

const Body = z.object({ name: z.string().min(1), price: z.number().int().min(0) }).strict()

const echo = definePlugin({
  name: 'echo',
  routes: {
    store(router: AppRouter) {
      router.post('/echo', async function echoBody(ctx) {
        ctx.body = parse(Body, ctx.request.body)
      })
      router.get('/boom', function boom() {
        throw new Error('secret connection string postgres://user:pw@db')
      })
      router.get('/teapot', function teapot() {
        throw new OoError('ECHO_TEAPOT', 418, 'I am a teapot', { field: 'kettle' })
      })
      router.get('/slow-down', function slowDown() {
        throw new OoError('ECHO_RATE_LIMITED', 429, 'Too many', { details: { retryAfter: 7 } })
      })
    },
  },
})

describe('HTTP kernel', () => {
  let t: TestApp
  let shop: Awaited<ReturnType<TestApp['seedTenant']>>

  beforeAll(async () => {
    t = await createTestApp({
      plugins: [tenancy(), echo()],
      config: { http: { bodyLimit: '2kb', metrics: { token: 'scrape-token-1234' } } },
    })
    shop = await t.seedTenant('http')
  })
  afterAll(() => t?.close())

  it('names the field at fault in a validation failure', async () => {
    const res = await t.http
      .post('/api/v1/store/echo')
      .set('Host', shop.host)
      .send({ name: 'x', price: -1 })
      .expect(400)
    expect(res.body.error).toMatchObject({ code: 'OO_VALIDATION_FAILED', field: 'price' })
    expect(res.body.error.details.issues[0].field).toBe('price')
  })

  it('answers malformed JSON with a 400 code, not a 500', async () => {
    const res = await t.http
      .post('/api/v1/store/echo')
      .set('Host', shop.host)
      .set('Content-Type', 'application/json')
      .send('{"name": ')
      .expect(400)
    expect(res.body.error.code).toBe('OO_BAD_REQUEST')
  })

  it('refuses a body over the limit with 413', async () => {
    const res = await t.http
      .post('/api/v1/store/echo')
      .set('Host', shop.host)
      .send({ name: 'x'.repeat(4000), price: 1 })
      .expect(413)
    expect(res.body.error.code).toBe('OO_BODY_TOO_LARGE')
  })

  it('hides the internals of an unknown error behind OO_INTERNAL and a request id', async () => {
    const res = await t.http
      .get('/api/v1/store/boom')
      .set('Host', shop.host)
      .set('X-Request-Id', 'req-abcdef123')
      .expect(500)
    expect(res.body).toEqual({
      error: { code: 'OO_INTERNAL', message: 'Internal error', requestId: 'req-abcdef123' },
    })
    expect(res.text).not.toContain('postgres://')
    expect(res.headers['x-request-id']).toBe('req-abcdef123')
  })

  it('passes an OoError through with its code, status and field', async () => {
    const res = await t.http.get('/api/v1/store/teapot').set('Host', shop.host).expect(418)
    expect(res.body.error).toMatchObject({
      code: 'ECHO_TEAPOT',
      message: 'I am a teapot',
      field: 'kettle',
    })
  })

  it('sets Retry-After on 429', async () => {
    const res = await t.http.get('/api/v1/store/slow-down').set('Host', shop.host).expect(429)
    expect(res.headers['retry-after']).toBe('7')
  })

  it('answers unknown routes with a coded 404', async () => {
    const res = await t.http.get('/api/v1/store/nothing-here').set('Host', shop.host).expect(404)
    expect(res.body.error.code).toBe('OO_NOT_FOUND')
  })

  it('serves liveness, readiness and Prometheus metrics with route labels', async () => {
    await t.http.get('/health').expect(200, { status: 'ok' })
    const ready = await t.http.get('/ready').expect(200)
    expect(ready.body.checks.database.ok).toBe(true)
    if (process.env.REDIS_URL) expect(ready.body.checks.redis.ok).toBe(true)
    await t.http.get('/metrics').set('Host', shop.host).expect(404)
    const wrong = await t.http.get('/metrics').set('Authorization', 'Bearer wrong-token')
    expect([401, 404]).toContain(wrong.status) // then a user's bearer token, which it is not
    const metrics = await t.http
      .get('/metrics')
      .set('Authorization', 'Bearer scrape-token-1234')
      .expect(200)
    expect(metrics.text).toMatch(
      /oo_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/store\/echo",status="400"\} \d+/,
    )
    expect(metrics.text).toMatch(/^oo_open_sockets \d+$/m)
    expect(metrics.text).toMatch(/^oo_outbox_lag_seconds \S+$/m)
  })

  it('allows CORS from registered tenant domains only, exposing Content-Range', async () => {
    const ok = await t.http
      .options('/api/v1/admin/members')
      .set('Origin', `https://${shop.host}`)
      .set('Access-Control-Request-Method', 'GET')
      .expect(204)
    expect(ok.headers['access-control-allow-origin']).toBe(`https://${shop.host}`)
    const get = await t.http
      .get('/health')
      .set('Host', shop.host)
      .set('Origin', `http://${shop.host}:4321`)
    expect(get.headers['access-control-expose-headers']).toContain('Content-Range')
    const evil = await t.http
      .options('/api/v1/admin/members')
      .set('Origin', 'https://evil.test')
      .set('Access-Control-Request-Method', 'GET')
      .expect(204)
    expect(evil.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('sends security headers', async () => {
    const res = await t.http.get('/health')
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    })
  })
})

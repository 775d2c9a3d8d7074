import { definePlugin } from '@oo/core'
import { createTestApp, type TestApp } from '@oo/core/testing'
import { io as connect } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../index.js'

type Shop = Awaited<ReturnType<TestApp['seedTenant']>>

const probe = definePlugin({
  name: 'origin-probe',
  dependsOn: ['tenancy'],
  sockets: { '/probe': (nsp) => nsp.on('connection', (s) => s.emit('hello', s.data.tenant.slug)) },
})

describe('credentialed cross-origin calls: only from the tenant’s own verified domains', () => {
  let t: TestApp
  let pizza: Shop
  let burger: Shop
  let port: string

  beforeAll(async () => {
    t = await createTestApp({
      plugins: [tenancy(), probe()],
      config: { http: { corsOrigins: ['https://partner.example'] } },
    })
    port = new URL(t.url).port
    pizza = await t.seedTenant('pizza')
    burger = await t.seedTenant('burger')
  })
  afterAll(() => t?.close())

  const originOf = (host: string) => `http://${host}:${port}`
  const members = (target: { host?: string; tenantId?: string }, origin: string) => {
    const req = t.as(pizza.owner).get('/api/v1/admin/members').set('Origin', origin)
    if (target.host) req.set('Host', target.host)
    if (target.tenantId) req.set('X-Tenant-ID', target.tenantId)
    return req
  }

  it('gives pizza’s admin API no credentialed CORS for burger’s origin (finding 6)', async () => {
    const res = await members({ host: pizza.host }, originOf(burger.host))
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
    expect(res.headers['access-control-allow-credentials']).toBeUndefined()
    const preflight = await t.http
      .options('/api/v1/admin/members')
      .set('Host', pizza.host)
      .set('Origin', originOf(burger.host))
      .set('Access-Control-Request-Method', 'PUT')
      .expect(204)
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined()
    expect(preflight.headers['access-control-allow-methods']).toBeUndefined()
  })

  it('still allows pizza’s own verified origin, and the configured ones', async () => {
    for (const origin of [
      originOf(pizza.host),
      `https://${pizza.host}`,
      'https://partner.example',
    ]) {
      const res = await members({ host: pizza.host }, origin).expect(200)
      expect(res.headers['access-control-allow-origin'], origin).toBe(origin)
      expect(res.headers['access-control-allow-credentials']).toBe('true')
      expect(res.headers['access-control-expose-headers']).toContain('Content-Range')
    }
  })

  it('judges a call to the platform host by the tenant named in X-Tenant-ID', async () => {
    const own = await members({ tenantId: pizza.id }, originOf(pizza.host)).expect(200)
    expect(own.headers['access-control-allow-origin']).toBe(originOf(pizza.host))
    const foreign = await members({ tenantId: pizza.id }, originOf(burger.host))
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined()
    // No target at all: the caller's default tenant is unknown to CORS, so no credentials.
    const none = await members({}, originOf(pizza.host))
    expect(none.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('gives a pending domain nothing: no CORS, no tenant', async () => {
    await t
      .as(pizza.owner)
      .post('/api/v1/admin/domains')
      .set('Host', pizza.host)
      .send({ host: 'pending-pizza.example' })
      .expect(201)
    const res = await members({ host: pizza.host }, 'https://pending-pizza.example')
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
    await t.http.get('/api/v1/store/tenant').set('Host', 'pending-pizza.example').expect(404)
  })

  describe('socket.io handshakes', () => {
    const hello = (origin?: string, on: { host?: string; auth?: object } = {}) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(`${t.url}/probe`, {
          transports: ['websocket'],
          reconnection: false,
          auth: on.auth,
          extraHeaders: {
            host: on.host ?? `${pizza.host}:${port}`,
            ...(origin ? { origin } : {}),
          },
        })
        socket.on('hello', (slug: string) => {
          socket.close()
          resolve(slug)
        })
        socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
          socket.close()
          reject(Object.assign(new Error(err.message), { code: err.data?.code }))
        })
      })

    it('refuses a browser Origin that is another tenant’s domain', async () => {
      await expect(hello(originOf(burger.host))).rejects.toMatchObject({
        code: 'OO_ORIGIN_NOT_ALLOWED',
      })
      await expect(hello('https://pending-pizza.example')).rejects.toMatchObject({
        code: 'OO_ORIGIN_NOT_ALLOWED',
      })
    })

    it('accepts the tenant’s own origin, a configured one, and clients without Origin', async () => {
      expect(await hello(originOf(pizza.host))).toBe('pizza')
      expect(await hello('https://partner.example')).toBe('pizza')
      expect(await hello()).toBe('pizza')
    })

    it('accepts a page of the host it connects to (the panel on the platform host), nothing else there', async () => {
      const platform = new URL(t.url).host
      const auth = { token: await t.tokenFor(pizza.owner), tenantId: pizza.id }
      expect(await hello(`http://${platform}`, { host: platform, auth })).toBe('pizza')
      await expect(hello(originOf(burger.host), { host: platform, auth })).rejects.toMatchObject({
        code: 'OO_ORIGIN_NOT_ALLOWED',
      })
    })
  })
})

import { createTestApp, type TestApp } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import catalog from '../../plugins/catalog/index.js'
import media from '../../plugins/media/index.js'
import tenancy from '../../plugins/tenancy/index.js'
import { rawRequest } from './fixtures/raw-request.js'

describe('strings PostgreSQL cannot store, and answers without a body', () => {
  let t: TestApp
  let shop: Awaited<ReturnType<TestApp['seedTenant']>>
  let auth: Record<string, string>
  const categoryCount = async () =>
    Number(
      (
        await t
          .as(shop.owner)
          .get('/api/v1/admin/categories?range=[0,0]')
          .set('Host', shop.host)
          .expect(200)
      ).headers['content-range']!.split('/')[1],
    )

  beforeAll(async () => {
    t = await createTestApp({ plugins: [tenancy(), media(), catalog()] })
    shop = await t.seedTenant('hostile')
    auth = { host: shop.host, authorization: `Bearer ${await t.tokenFor(shop.owner)}` }
  })
  afterAll(() => t?.close())

  it('refuses a NUL byte in a JSON field with 400 naming the field, and writes nothing', async () => {
    const before = await categoryCount()
    const res = await t
      .as(shop.owner)
      .post('/api/v1/admin/categories')
      .set('Host', shop.host)
      .send({ slug: 'greens', name: 'Gre\u0000ens' })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ code: 'OO_VALIDATION_FAILED', field: 'name' })
    expect(await categoryCount()).toBe(before)
  })

  it('refuses a lone surrogate in a JSON field (it would be stored as U+FFFD)', async () => {
    const res = await rawRequest(t.url, {
      method: 'POST',
      path: '/api/v1/admin/categories',
      headers: { ...auth, 'content-type': 'application/json' },
      body: Buffer.from('{"slug":"roots","name":"Roots \\ud800"}'),
    })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ code: 'OO_VALIDATION_FAILED', field: 'name' })
  })

  it('refuses a JSON body that is not UTF-8', async () => {
    const res = await rawRequest(t.url, {
      method: 'POST',
      path: '/api/v1/admin/categories',
      headers: { ...auth, 'content-type': 'application/json' },
      body: Buffer.concat([
        Buffer.from('{"slug":"fruit","name":"Fr'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('uit"}'),
      ]),
    })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ code: 'OO_VALIDATION_FAILED', field: 'body' })
  })

  it('refuses a NUL byte, a lone surrogate or bytes that are not UTF-8 in a query parameter', async () => {
    for (const q of ['%00', '%ED%A0%80', '%FF']) {
      const res = await rawRequest(t.url, {
        method: 'GET',
        path: `/api/v1/store/products?q=kale${q}`,
        headers: { host: shop.host },
      })
      expect(res.status, q).toBe(400)
      expect(res.body.error, q).toMatchObject({ code: 'OO_VALIDATION_FAILED', field: 'q' })
    }
  })

  it('refuses a NUL byte inside a JSON filter of a list query', async () => {
    const filter = encodeURIComponent(JSON.stringify({ q: 'a\u0000b' }))
    const res = await t
      .as(shop.owner)
      .get(`/api/v1/admin/products?filter=${filter}`)
      .set('Host', shop.host)
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ code: 'OO_VALIDATION_FAILED', field: 'filter.q' })
  })

  it('refuses a NUL byte in a path parameter', async () => {
    const res = await rawRequest(t.url, {
      method: 'GET',
      path: '/api/v1/store/products/kale%00',
      headers: { host: shop.host },
    })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ code: 'OO_VALIDATION_FAILED', field: 'path' })
  })

  it('refuses a body nested deeper than any route reads', async () => {
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000)
    const res = await rawRequest(t.url, {
      method: 'POST',
      path: '/api/v1/admin/categories',
      headers: { ...auth, 'content-type': 'application/json' },
      body: Buffer.from(deep),
    })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('OO_VALIDATION_FAILED')
  })

  it('answers a method the route lacks with 405 in the error envelope and an Allow header', async () => {
    const res = await rawRequest(t.url, {
      method: 'PATCH',
      path: '/api/v1/admin/categories',
      headers: auth,
    })
    expect(res.status).toBe(405)
    expect(res.headers.allow).toMatch(/GET/)
    expect(res.body).toMatchObject({ error: { code: 'OO_METHOD_NOT_ALLOWED' } })
  })

  it('answers an unknown path outside the API with 404 in the error envelope', async () => {
    const res = await rawRequest(t.url, { method: 'GET', path: '/nothing/here', headers: auth })
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ error: { code: 'OO_NOT_FOUND' } })
  })

  it('answers a body the parser refuses with a 4xx envelope', async () => {
    const cases = [
      { type: 'application/json', body: '{"slug": ', status: 400, code: 'OO_BAD_REQUEST' },
      { type: 'application/json; charset=utf-7', body: '{}', status: 400 },
      { type: 'text/plain', body: 'slug=x', status: 400, code: 'OO_VALIDATION_FAILED' },
    ]
    for (const c of cases) {
      const res = await rawRequest(t.url, {
        method: 'POST',
        path: '/api/v1/admin/categories',
        headers: { ...auth, 'content-type': c.type },
        body: Buffer.from(c.body),
      })
      expect(res.status, c.type).toBe(c.status)
      expect(typeof res.body.error?.code, c.type).toBe('string')
      if (c.code) expect(res.body.error.code, c.type).toBe(c.code)
    }
  })
})

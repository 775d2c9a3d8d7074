import { createTestApp, type TestApp } from '@oo/core/testing'
import { afterAll, describe, expect, it } from 'vitest'
import tenancy from '../index.js'

describe('tenant resolution behind a proxy', () => {
  const apps: TestApp[] = []
  afterAll(async () => {
    for (const app of apps) await app.close()
  })

  it('ignores X-Forwarded-Host unless the proxy is trusted', async () => {
    const direct = await createTestApp({ plugins: [tenancy()] })
    apps.push(direct)
    const shop = await direct.seedTenant('direct')
    const res = await direct.http
      .get('/api/v1/store/tenant')
      .set('Host', 'evil.test')
      .set('X-Forwarded-Host', shop.host)
      .expect(404)
    expect(res.body.error.code).toBe('OO_TENANT_REQUIRED')
  })

  it('honours X-Forwarded-Host from a trusted proxy', async () => {
    const proxied = await createTestApp({
      plugins: [tenancy()],
      config: { http: { trustProxy: true } },
    })
    apps.push(proxied)
    const shop = await proxied.seedTenant('proxied')
    const res = await proxied.http
      .get('/api/v1/store/tenant')
      .set('Host', 'internal:3000')
      .set('X-Forwarded-Host', shop.host)
      .expect(200)
    expect(res.body.slug).toBe('proxied')
  })
})

import { createTestApp, type TestApp } from '@oo/core/testing'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import tenancy from '../../tenancy/index.js'
import oidc from '../index.js'
import { ENGINE_ISSUER } from '../services/guest-tokens.js'

describe('guest tokens', () => {
  let t: TestApp
  let pizza: Awaited<ReturnType<TestApp['seedTenant']>>
  let burger: Awaited<ReturnType<TestApp['seedTenant']>>

  beforeAll(async () => {
    t = await createTestApp({ plugins: [tenancy(), oidc()] })
    pizza = await t.seedTenant('pizza')
    burger = await t.seedTenant('burger')
  })
  afterAll(() => t?.close())

  const me = (token: string, host: string) =>
    t.http.get('/api/v1/admin/me').set('Host', host).set('Authorization', `Bearer ${token}`)

  it('issues a guest token that authenticates as guest-NNNN on its own tenant', async () => {
    const issued = await t.engine.container.cradle.guestTokens.issue({
      tenantId: pizza.id,
      kind: 'guest',
    })
    expect(issued.id).toMatch(/^guest-\d{10}$/)
    expect(issued.expiresAt.getTime()).toBeGreaterThan(Date.now())
    const res = await me(issued.token, pizza.host).expect(200)
    expect(res.body).toMatchObject({
      id: issued.id,
      kind: 'guest',
      superAdmin: false,
      tenant: { id: pizza.id },
      role: null,
    })
    expect(res.body.email).toBeUndefined()
  })

  it('scopes an order token to its order and its tenant', async () => {
    const issued = await t.engine.container.cradle.guestTokens.issue({
      tenantId: pizza.id,
      kind: 'order',
      orderId: 'ord-123',
      ttlSeconds: 600,
    })
    expect(issued.id).toBe('ord-123')
    const res = await me(issued.token, pizza.host).expect(200)
    expect(res.body).toMatchObject({ id: 'ord-123', kind: 'order', tenant: { id: pizza.id } })
    const other = await me(issued.token, burger.host).expect(403)
    expect(other.body.error.code).toBe('TENANCY_TOKEN_TENANT_MISMATCH')
  })

  it('refuses an order token without an order id', async () => {
    await expect(
      t.engine.container.cradle.guestTokens.issue({ tenantId: pizza.id, kind: 'order' }),
    ).rejects.toMatchObject({ code: 'OIDC_ORDER_ID_REQUIRED' })
  })

  it('rejects a revoked token at once with OIDC_TOKEN_REVOKED', async () => {
    const { guestTokens } = t.engine.container.cradle
    const issued = await guestTokens.issue({ tenantId: pizza.id, kind: 'guest' })
    await me(issued.token, pizza.host).expect(200)
    await guestTokens.revoke(issued.jti, issued.expiresAt)
    const res = await me(issued.token, pizza.host).expect(401)
    expect(res.body.error.code).toBe('OIDC_TOKEN_REVOKED')
  })

  it('refuses a token issued in the future (beyond the clock skew)', async () => {
    const { guestTokens, oidcOptions } = t.engine.container.cradle
    const ahead = (seconds: number) => {
      const real = Date.now()
      const clock = vi.spyOn(Date, 'now').mockReturnValue(real + seconds * 1000)
      try {
        return guestTokens.issue({ tenantId: pizza.id, kind: 'guest' }) // reads the clock at once
      } finally {
        clock.mockRestore()
      }
    }
    const future = await ahead(3600)
    const res = await me(future.token, pizza.host).expect(401)
    expect(res.body.error.code).toBe('OIDC_TOKEN_NOT_YET_VALID')
    await me((await ahead(oidcOptions.clockSkewSeconds - 5)).token, pizza.host).expect(200)
  })

  it('generates the signing secret once and stores it (no default secret)', async () => {
    const rows = await t.engine.database.asOwner((k) =>
      k('oidc_secrets').where({ name: 'guest-token-hs256' }),
    )
    expect(rows).toHaveLength(1)
    expect(rows[0].value.length).toBeGreaterThanOrEqual(40)
  })

  it('rejects an engine-issuer token signed with another secret', async () => {
    const forged = await new SignJWT({ kind: 'guest', tid: pizza.id })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ENGINE_ISSUER)
      .setAudience(ENGINE_ISSUER)
      .setSubject('guest-0000000001')
      .setJti('forged')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('x'.repeat(32)))
    const res = await me(forged, pizza.host).expect(401)
    expect(res.body.error.code).toBe('OIDC_TOKEN_BAD_SIGNATURE')
  })
})

import { createTestApp, type TestApp } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../tenancy/index.js'
import oidc from '../index.js'

const ROOT = 'root@platform.test'
type Shop = Awaited<ReturnType<TestApp['seedTenant']>>

// Finding 1: a shop claims a host it does not control, then starts a sign-in there, so the
// issuer sends another shop owner's authorization code to the attacker's host.
describe('sign-in redirects go only to verified domains', () => {
  let t: TestApp
  let pizza: Shop
  let port: string
  let authorize: (
    redirectUri: string,
  ) => Promise<{ status: number; location?: string; text: string }>

  beforeAll(async () => {
    t = await createTestApp({ plugins: [tenancy({ superAdmins: [ROOT] }), oidc()] })
    port = new URL(t.url).port
    pizza = await t.seedTenant('pizza')
    const discovery = (await t.http.get('/oidc/.well-known/openid-configuration').expect(200))
      .body as { authorization_endpoint: string }
    const endpoint = new URL(discovery.authorization_endpoint).pathname
    authorize = async (redirectUri) => {
      const res = await t.http.get(
        `${endpoint}?client_id=oo-engine&response_type=code&scope=openid&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256&redirect_uri=${encodeURIComponent(redirectUri)}`,
      )
      return { status: res.status, location: res.headers.location, text: res.text }
    }
  })
  afterAll(() => t?.close())

  const claim = async (host: string) =>
    (
      await t
        .as(pizza.owner)
        .post('/api/v1/admin/domains')
        .set('Host', pizza.host)
        .send({ host })
        .expect(201)
    ).body as { id: string }
  const login = (host: string, returnTo = '/') =>
    t.http
      .get(`/auth/login?returnTo=${encodeURIComponent(returnTo)}`)
      .set('Host', `${host}:${port}`)

  it('a claimed but unproven host cannot start a sign-in, nor receive a code from the issuer', async () => {
    await claim('evil.example')
    const res = await login('evil.example').expect(400)
    expect(res.body.error.code).toBe('OIDC_HOST_NOT_ALLOWED')
    expect(res.headers.location).toBeUndefined()
    const atIssuer = await authorize(`http://evil.example:${port}/auth/callback`)
    expect(atIssuer.status).toBe(400)
    expect(atIssuer.location ?? '').not.toContain('evil.example')
    const returnTo = await login(pizza.host, 'http://evil.example/').expect(400)
    expect(returnTo.body.error).toMatchObject({ code: 'OIDC_RETURN_TO_REFUSED', field: 'returnTo' })
  })

  it('a verified host signs in; once removed, the issuer and /auth/login refuse it again', async () => {
    const domain = await claim('second.pizza.example')
    await t
      .as(ROOT)
      .post(`/api/v1/admin/domains/${domain.id}/approve`)
      .set('X-Tenant-ID', pizza.id)
      .expect(200)
    const start = await login('second.pizza.example', 'http://second.pizza.example/menu').expect(
      302,
    )
    const redirectUri = new URL(start.headers.location!).searchParams.get('redirect_uri')
    expect(redirectUri).toBe(`http://second.pizza.example:${port}/auth/callback`)
    const accepted = await authorize(redirectUri!)
    expect(accepted.status).toBe(303)
    expect(accepted.location).toMatch(/\/oidc\/interaction\//)

    await t
      .as(pizza.owner)
      .delete(`/api/v1/admin/domains/${domain.id}`)
      .set('Host', pizza.host)
      .expect(200)
    expect((await login('second.pizza.example').expect(400)).body.error.code).toBe(
      'OIDC_HOST_NOT_ALLOWED',
    )
    // The trusted redirect origins are derived per request: the removed host is not among them.
    expect((await authorize(redirectUri!)).status).toBe(400)
    await login(pizza.host, 'http://second.pizza.example/menu').expect(400)
  })
})

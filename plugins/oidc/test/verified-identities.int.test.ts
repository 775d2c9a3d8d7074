import { createTestApp, type TestApp } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../tenancy/index.js'
import oidc from '../index.js'
import { startExternalIdp, type ExternalIdp } from './fixtures/external-idp.js'
import { mailFor, sessionOf, signInAtDevIssuer } from './fixtures/dev-sign-in.js'

const OPS = 'ops@platform.localhost'
const PASSWORD = 'a long enough password'
const now = () => Math.floor(Date.now() / 1000)

describe('privilege from the built-in issuer’s accounts', () => {
  let t: TestApp

  beforeAll(async () => {
    t = await createTestApp({ plugins: [tenancy({ superAdmins: [OPS] }), oidc()] })
  })
  afterAll(() => t?.close())

  it('gives a super-admin’s email no privilege until the account verified it', async () => {
    // Nobody holds an account for the listed super-admin yet: anyone may register it.
    const registered = await t.http.post('/oidc/register').send({ email: OPS, password: PASSWORD })
    expect(registered.status).toBeLessThan(300)
    const unverified = await signInAtDevIssuer(t.url, OPS, PASSWORD)
    expect(unverified.status).toBe(303)
    expect((await sessionOf(unverified.browser, t.url))?.principal).toMatchObject({
      email: OPS,
      emailVerified: false,
      superAdmin: false,
    })
    const tenants = await unverified.browser.send(`${t.url}/api/v1/admin/tenants`, {
      headers: { accept: 'application/json' },
    })
    expect(tenants.status).not.toBe(200) // 404: no tenant of its own to list

    const mail = await mailFor(t.engine.container.cradle, OPS, 'Confirm your email')
    const link = /http\S+verify-email\?token=[\w-]+/.exec(mail.body)![0]
    await t.http.get(new URL(link).pathname + new URL(link).search).expect(200)
    const verified = await signInAtDevIssuer(t.url, OPS, PASSWORD)
    expect((await sessionOf(verified.browser, t.url))?.principal).toMatchObject({
      emailVerified: true,
      superAdmin: true,
    })
  })
})

describe('privilege from an external issuer’s tokens', () => {
  let idp: ExternalIdp
  let t: TestApp
  let pizza: Awaited<ReturnType<TestApp['seedTenant']>>
  const token = (sub: string, email: string, emailVerified: boolean) =>
    idp.sign({
      iss: idp.issuer,
      aud: idp.audience,
      sub,
      email,
      email_verified: emailVerified,
      iat: now(),
      exp: now() + 300,
    })
  const get = async (path: string, bearer: string, host?: string) => {
    const req = t.http.get(path).set('Authorization', `Bearer ${bearer}`)
    return host ? req.set('Host', host) : req
  }

  beforeAll(async () => {
    idp = await startExternalIdp()
    t = await createTestApp({
      plugins: [
        tenancy({ superAdmins: [OPS] }),
        oidc({
          issuers: [
            {
              issuer: idp.issuer,
              audience: idp.audience,
              clientId: idp.clientId,
              clientSecret: idp.clientSecret,
            },
          ],
        }),
      ],
    })
    idp.configure([`${t.url}/auth/callback`])
    pizza = await t.seedTenant('pizza')
  })
  afterAll(async () => {
    await t?.close()
    await idp?.close()
  })

  it('refuses super-admin to a correctly signed token whose email is not verified', async () => {
    const unverified = await token('sub-ops-unverified', OPS, false)
    const me = await get('/api/v1/admin/me', unverified)
    expect(me.body).toMatchObject({ email: OPS, superAdmin: false })
    expect((await get('/api/v1/admin/tenants', unverified)).status).not.toBe(200)
    const verified = await token('sub-ops', OPS, true)
    expect((await get('/api/v1/admin/tenants', verified)).status).toBe(200)
  })

  it('does not make an unverified email a member when a shop adds that email', async () => {
    const victim = 'new.manager@pizza.test'
    const squatter = await token('sub-squatter', victim, false)
    await get('/api/v1/admin/me', squatter) // the identity becomes a platform user first
    await t
      .as(pizza.owner)
      .post('/api/v1/admin/members')
      .set('Host', pizza.host)
      .send({ email: victim, role: 'manager' })
      .expect(201)
    expect((await get('/api/v1/admin/members', squatter, pizza.host)).status).toBe(403)
    // The address's owner, verified by the issuer, claims the invitation.
    const owner = await token('sub-real-manager', victim, true)
    expect((await get('/api/v1/admin/members', owner, pizza.host)).status).toBe(200)
  })
})

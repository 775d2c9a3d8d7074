import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestApp, type TestApp } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import catalog from '../../catalog/index.js'
import media from '../../media/index.js'
import tenancy from '../../tenancy/index.js'
import oidc from '../index.js'
import { startExternalIdp, type ExternalIdp } from './fixtures/external-idp.js'

const now = () => Math.floor(Date.now() / 1000)

// The RBAC baseline's ownership rule, reached through oidc bearer tokens: staff (farmers) edit
// only their own products.
describe('farmers and their products, signed in through an external issuer', () => {
  let idp: ExternalIdp
  let t: TestApp
  let farm: Awaited<ReturnType<TestApp['seedTenant']>>
  const dir = mkdtempSync(join(tmpdir(), 'oo-oidc-media-'))
  const token = (email: string) =>
    idp.sign({
      iss: idp.issuer,
      aud: idp.audience,
      sub: `sub-${email}`,
      email,
      email_verified: true,
      iat: now(),
      exp: now() + 600,
    })
  const tokens = new Map<string, string>()
  const as = (email: string, method: 'get' | 'post' | 'put' | 'delete', path: string) =>
    t.http[method](`/api/v1/admin${path}`)
      .set('Host', farm.host)
      .set('Authorization', `Bearer ${tokens.get(email)}`)

  beforeAll(async () => {
    idp = await startExternalIdp()
    t = await createTestApp({
      plugins: [
        tenancy(),
        media({ dir }),
        catalog(),
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
    farm = await t.seedTenant('farm')
    for (const email of [
      farm.owner,
      'anna@farm.test',
      'ben@farm.test',
      'cook@farm.test',
      'boss@farm.test',
    ])
      tokens.set(email, await token(email))
    for (const [email, role] of [
      ['anna@farm.test', 'staff'],
      ['ben@farm.test', 'staff'],
      ['cook@farm.test', 'kitchen'],
      ['boss@farm.test', 'manager'],
    ]) {
      await as(farm.owner, 'post', '/members').send({ email, role }).expect(201)
    }
  })
  afterAll(async () => {
    await t?.close()
    await idp?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('lets a farmer edit their own product and refuses another farmer’s (403)', async () => {
    const anna = await as('anna@farm.test', 'post', '/products').send({
      name: 'Chard',
      priceMinor: 290,
      stockQty: 5,
      unit: 'bunch',
    })
    expect(anna.status, JSON.stringify(anna.body)).toBe(201)
    await as('anna@farm.test', 'put', `/products/${anna.body.id}`).send({ stockQty: 4 }).expect(200)
    const ben = await as('ben@farm.test', 'put', `/products/${anna.body.id}`).send({ stockQty: 0 })
    expect(ben.status).toBe(403)
    await as('ben@farm.test', 'delete', `/products/${anna.body.id}`).expect(403)
    await as('cook@farm.test', 'put', `/products/${anna.body.id}`).send({ stockQty: 0 }).expect(403)
    await as('boss@farm.test', 'put', `/products/${anna.body.id}`).send({ stockQty: 9 }).expect(200)
    const after = await as(farm.owner, 'get', `/products/${anna.body.id}`).expect(200)
    expect(after.body.stockQty).toBe(9)
  })
})

import { createTestApp, type TestApp } from '@oo/core/testing'
import { definePlugin } from '@oo/core'
import { generateKeyPair, SignJWT } from 'jose'
import { io as connect } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../tenancy/index.js'
import oidc from '../index.js'
import { startExternalIdp, type ExternalIdp } from './fixtures/external-idp.js'

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
const now = () => Math.floor(Date.now() / 1000)

const probe = definePlugin({
  name: 'socket-probe',
  dependsOn: ['tenancy'],
  sockets: {
    '/probe': {
      permission: 'tenancy.members.read',
      setup: (nsp) => nsp.on('connection', (s) => s.emit('hello', s.data.principal.email)),
    },
  },
})

describe('bearer tokens from a configured issuer', () => {
  let idp: ExternalIdp
  let t: TestApp
  let pizza: Awaited<ReturnType<TestApp['seedTenant']>>
  let burger: Awaited<ReturnType<TestApp['seedTenant']>>
  const claims = (extra: Record<string, unknown> = {}) => ({
    iss: idp.issuer,
    aud: idp.audience,
    sub: 'sub-1',
    email: pizza.owner,
    email_verified: true,
    iat: now(),
    exp: now() + 300,
    ...extra,
  })

  beforeAll(async () => {
    idp = await startExternalIdp()
    t = await createTestApp({
      plugins: [
        tenancy(),
        oidc({
          jwksCooldownSeconds: 0,
          issuers: [
            {
              issuer: idp.issuer,
              audience: idp.audience,
              clientId: idp.clientId,
              clientSecret: idp.clientSecret,
              roleMap: { 'pizza-admins': { tenant: 'pizza', role: 'admin' } },
              superAdminValues: ['platform-admins'],
            },
          ],
        }),
        probe(),
      ],
    })
    idp.configure([`${t.url}/auth/callback`])
    pizza = await t.seedTenant('pizza')
    burger = await t.seedTenant('burger')
  })
  afterAll(async () => {
    await t?.close()
    await idp?.close()
  })

  const me = (token: string, host = pizza.host) =>
    t.http.get('/api/v1/admin/me').set('Host', host).set('Authorization', `Bearer ${token}`)

  it('accepts RS256 and ES256 tokens and maps the identity to the invited user (just in time)', async () => {
    for (const alg of ['RS256', 'ES256'] as const) {
      const res = await me(await idp.sign(claims(), { alg })).expect(200)
      expect(res.body).toMatchObject({
        kind: 'user',
        email: pizza.owner,
        role: 'owner',
        tenant: { id: pizza.id },
      })
    }
  })

  it('maps an access token without profile claims to the user its subject signed in as', async () => {
    const { email: _email, email_verified: _verified, ...bare } = claims()
    const res = await me(await idp.sign(bare)).expect(200)
    expect(res.body).toMatchObject({ email: pizza.owner, role: 'owner' })
  })

  it('maps a group claim to a tenant role without a membership, only on that tenant', async () => {
    const token = await idp.sign(
      claims({ sub: 'sub-grouped', email: 'grouped@idp.test', groups: ['pizza-admins'] }),
    )
    await t.http
      .get('/api/v1/admin/members')
      .set('Host', pizza.host)
      .set('Authorization', `Bearer ${token}`)
      .expect(200)
    await t.http
      .get('/api/v1/admin/members')
      .set('Host', burger.host)
      .set('Authorization', `Bearer ${token}`)
      .expect(403)
  })

  it('maps a super-admin group to a platform super-admin', async () => {
    const token = await idp.sign(
      claims({ sub: 'sub-root', email: 'root@idp.test', groups: ['platform-admins'] }),
    )
    const res = await t.http
      .get('/api/v1/admin/tenants')
      .set('Authorization', `Bearer ${token}`)
      .expect(200)
    expect(res.body.map((x: { slug: string }) => x.slug).sort()).toEqual(['burger', 'pizza'])
  })

  const rejections: [string, () => Promise<string>, string][] = [
    [
      'expired',
      () => idp.sign(claims({ exp: now() - 120, iat: now() - 600 })),
      'OIDC_TOKEN_EXPIRED',
    ],
    ['not yet valid', () => idp.sign(claims({ nbf: now() + 600 })), 'OIDC_TOKEN_NOT_YET_VALID'],
    [
      'issued an hour ahead',
      () => idp.sign(claims({ iat: now() + 3600, exp: now() + 7200 })),
      'OIDC_TOKEN_NOT_YET_VALID',
    ],
    [
      'wrong audience',
      () => idp.sign(claims({ aud: 'someone-else' })),
      'OIDC_TOKEN_WRONG_AUDIENCE',
    ],
    [
      'wrong issuer',
      () => idp.sign(claims({ iss: 'https://evil.example' })),
      'OIDC_TOKEN_WRONG_ISSUER',
    ],
    [
      'alg none',
      async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`,
      'OIDC_TOKEN_ALG_NOT_ALLOWED',
    ],
    [
      'HS256 signed with the public key',
      () =>
        new SignJWT(claims())
          .setProtectedHeader({ alg: 'HS256', kid: 'idp-rs' })
          .sign(new TextEncoder().encode(JSON.stringify(idp.rsPublicJwk))),
      'OIDC_TOKEN_ALG_NOT_ALLOWED',
    ],
    [
      'tampered payload',
      async () => {
        const [header, , signature] = (await idp.sign(claims())).split('.')
        return `${header}.${b64(claims({ email: burger.owner, sub: 'sub-burger' }))}.${signature}`
      },
      'OIDC_TOKEN_BAD_SIGNATURE',
    ],
    [
      'unknown kid',
      async () =>
        idp.sign(claims(), {
          alg: 'ES256',
          kid: 'not-published',
          key: (await generateKeyPair('ES256')).privateKey,
        }),
      'OIDC_TOKEN_UNKNOWN_KID',
    ],
    [
      'revoked guest token',
      async () => {
        const issued = await t.engine.container.cradle.guestTokens.issue({
          tenantId: pizza.id,
          kind: 'guest',
        })
        await t.engine.container.cradle.guestTokens.revoke(issued.jti, issued.expiresAt)
        return issued.token
      },
      'OIDC_TOKEN_REVOKED',
    ],
  ]
  it.each(rejections)('rejects %s with 401 %s', async (_case, make, code) => {
    const res = await me(await make()).expect(401)
    expect(res.body.error.code).toBe(code)
  })

  it('follows a key rotation: a new kid is fetched, the retired one is refused', async () => {
    const before = await idp.sign(claims(), { alg: 'ES256' })
    await me(before).expect(200)
    await idp.rotate()
    await me(await idp.sign(claims(), { alg: 'ES256' })).expect(200)
    const retired = await me(before).expect(401)
    expect(retired.body.error.code).toBe('OIDC_TOKEN_UNKNOWN_KID')
  })

  it('leaves tokens of unrelated issuers to other authenticators (the test issuer still works)', async () => {
    await t.as(pizza.owner).get('/api/v1/admin/me').set('Host', pizza.host).expect(200)
  })

  it('verifies the socket.io handshake token the same way', async () => {
    const good = await idp.sign(claims())
    const hello = await new Promise<string>((resolve, reject) => {
      const socket = connect(`${t.url}/probe`, {
        auth: { token: good, tenantId: pizza.id },
        transports: ['websocket'],
        reconnection: false,
      })
      socket.on('hello', (email: string) => {
        socket.close()
        resolve(email)
      })
      socket.on('connect_error', (err) => reject(err))
    })
    expect(hello).toBe(pizza.owner)
    const refused = await new Promise<unknown>((resolve) => {
      const socket = connect(`${t.url}/probe`, {
        auth: { token: `${good.slice(0, -4)}AAAA`, tenantId: pizza.id },
        transports: ['websocket'],
        reconnection: false,
      })
      socket.on('connect', () => resolve('connected'))
      socket.on('connect_error', (err) => {
        socket.close()
        resolve((err as { data?: { code?: string } }).data?.code)
      })
    })
    expect(refused).toBe('OIDC_TOKEN_BAD_SIGNATURE')
  })
})

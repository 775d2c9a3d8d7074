import { createTestApp, type TestApp } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../index.js'
import { startInternet } from './fixtures/challenge-server.js'
import { startDnsServer } from './fixtures/dns-server.js'

const ROOT = 'root@platform.test'
type Shop = Awaited<ReturnType<TestApp['seedTenant']>>

describe('domains are proven, not declared', () => {
  let t: TestApp
  let internet: Awaited<ReturnType<typeof startInternet>>
  let dns: Awaited<ReturnType<typeof startDnsServer>>
  let pizza: Shop
  let burger: Shop

  beforeAll(async () => {
    internet = await startInternet()
    dns = await startDnsServer()
    t = await createTestApp({
      plugins: [
        tenancy({
          superAdmins: [ROOT],
          platformUrl: 'https://platform.test',
          domainChallenge: {
            port: internet.port,
            connectTo: '127.0.0.1',
            timeoutMs: 2000,
            dnsServers: [dns.address],
          },
        }),
      ],
    })
    pizza = await t.seedTenant('pizza')
    burger = await t.seedTenant('burger')
  })
  afterAll(async () => {
    await t?.close()
    await internet?.close()
    await dns?.close()
  })

  const claim = (shop: Shop, host: string) =>
    t.as(shop.owner).post('/api/v1/admin/domains').set('Host', shop.host).send({ host })
  const storeTenant = (host: string) => t.http.get('/api/v1/store/tenant').set('Host', host)

  it('starts a tenant admin’s claim pending: the host serves nothing until proven', async () => {
    const res = await claim(pizza, 'evil.example').expect(201)
    expect(res.body).toMatchObject({
      host: 'evil.example',
      status: 'pending',
      verifiedAt: null,
      verificationMethod: null,
      challenge: {
        token: expect.stringMatching(/^[\w-]{32}$/),
        dnsRecord: '_oo-domain-challenge.evil.example',
        url: expect.stringMatching(
          /^http:\/\/evil\.example:\d+\/\.well-known\/oo-domain-challenge\/[\w-]{32}$/,
        ),
      },
    })
    const shop = await storeTenant('evil.example').expect(404)
    expect(shop.body.error.code).toBe('OO_TENANT_REQUIRED')
    // Not listed as the shop's domain either; the operator's domain is, verified.
    const own = await storeTenant(pizza.host).expect(200)
    expect(own.body.domains).toEqual([pizza.host])
    const list = await t
      .as(pizza.owner)
      .get('/api/v1/admin/domains?sort=["host","ASC"]&range=[0,9]')
      .set('Host', pizza.host)
      .expect(200)
    expect(list.headers['content-range']).toBe('domains 0-1/2')
    expect(list.body).toEqual([
      expect.objectContaining({ host: 'evil.example', status: 'pending' }),
      expect.objectContaining({
        host: pizza.host,
        status: 'verified',
        verificationMethod: 'operator',
        challenge: null,
      }),
    ])
  })

  it('reserves the engine’s addresses, IP literals and the platform host; refuses non-DNS names', async () => {
    for (const host of [
      '127.0.0.1',
      '::1',
      '[::1]',
      '0x7f.1',
      '2130706433',
      '10.1.2.3',
      'localhost',
      'LocalHost.',
      'platform.test',
      'shop.platform.test',
    ]) {
      const res = await claim(pizza, host)
      expect(res.status, host).toBe(409)
      expect(res.body.error, host).toMatchObject({ code: 'TENANCY_DOMAIN_RESERVED', field: 'host' })
    }
    for (const host of [
      'not a host',
      'a..b',
      'shop.example:8080',
      'http://shop.example/',
      'x.123',
    ]) {
      const res = await claim(pizza, host)
      expect(res.status, host).toBe(400)
      expect(res.body.error, host).toMatchObject({ code: 'TENANCY_DOMAIN_INVALID', field: 'host' })
    }
    // The operator is bound by the same reservation when provisioning.
    const provisioned = await t
      .as(ROOT)
      .post('/api/v1/admin/tenants')
      .send({ slug: 'loopy', name: 'Loopy', domains: ['127.0.0.1'] })
      .expect(409)
    expect(provisioned.body.error).toMatchObject({
      code: 'TENANCY_DOMAIN_RESERVED',
      field: 'domains',
    })
    // Nothing was claimed, and the platform's own address still serves no tenant.
    await storeTenant('127.0.0.1').expect(404)
  })

  it('never verifies a reserved host claimed before the reservation (the migration left it pending)', async () => {
    const [row] = await t.engine.database.asOwner((k) =>
      k('tenant_domains').insert({ tenant_id: pizza.id, host: '10.9.9.9' }).returning('id'),
    )
    for (const [who, path, headers] of [
      [ROOT, 'approve', { 'X-Tenant-ID': pizza.id }],
      [pizza.owner, 'verify', { Host: pizza.host }],
    ] as const) {
      const res = await t
        .as(who)
        .post(`/api/v1/admin/domains/${row.id}/${path}`)
        .set(headers)
        .expect(409)
      expect(res.body.error).toMatchObject({ code: 'TENANCY_DOMAIN_RESERVED', field: 'host' })
    }
    await storeTenant('10.9.9.9').expect(404)
  })

  it('verifies by the HTTP challenge served by the tenant’s own web server', async () => {
    const created = (await claim(pizza, 'www.pizza-napoli.example').expect(201)).body
    const verify = () =>
      t.as(pizza.owner).post(`/api/v1/admin/domains/${created.id}/verify`).set('Host', pizza.host)
    const failed = await verify().expect(422)
    expect(failed.body.error).toMatchObject({
      code: 'TENANCY_DOMAIN_CHALLENGE_FAILED',
      field: 'host',
    })
    expect(failed.body.error.message).toContain('HTTP 404')
    const path = new URL(created.challenge.url).pathname
    internet.serve('www.pizza-napoli.example', path, 'some other token')
    expect((await verify().expect(422)).body.error.message).toContain('without the token')
    await storeTenant('www.pizza-napoli.example').expect(404)

    internet.serve('www.pizza-napoli.example', path, `${created.challenge.token}\n`)
    const verified = await verify().expect(200)
    expect(verified.body).toMatchObject({
      status: 'verified',
      verificationMethod: 'http',
      challenge: null,
    })
    expect((await storeTenant('www.pizza-napoli.example').expect(200)).body.domains).toContain(
      'www.pizza-napoli.example',
    )
  })

  it('verifies by a DNS TXT record when the web server cannot answer', async () => {
    const created = (await claim(pizza, 'menu.pizza-napoli.example').expect(201)).body
    const verify = () =>
      t.as(pizza.owner).post(`/api/v1/admin/domains/${created.id}/verify`).set('Host', pizza.host)
    dns.txt('_oo-domain-challenge.menu.pizza-napoli.example', 'someone else’s token')
    const failed = await verify().expect(422)
    expect(failed.body.error.message).toContain('has no TXT record with the token')
    expect(failed.body.error.details.dnsRecord).toBe(
      '_oo-domain-challenge.menu.pizza-napoli.example',
    )
    dns.txt('_oo-domain-challenge.menu.pizza-napoli.example', created.challenge.token)
    expect((await verify().expect(200)).body).toMatchObject({
      status: 'verified',
      verificationMethod: 'dns',
    })
    expect((await storeTenant('menu.pizza-napoli.example').expect(200)).body.slug).toBe('pizza')
  })

  it('answers its own challenge for a pending host whose DNS already points at the engine', async () => {
    const created = (await claim(burger, 'burger-barn.example').expect(201)).body
    const path = new URL(created.challenge.url).pathname
    const direct = await t.http.get(path).set('Host', 'burger-barn.example').expect(200)
    expect(direct.text).toBe(created.challenge.token)
    expect(direct.headers['content-type']).toMatch(/^text\/plain/)
    // Not for another host, not for a wrong token, not once the host is verified.
    await t.http.get(path).set('Host', pizza.host).expect(404)
    await t.http
      .get(path.replace(/[\w-]{32}$/, 'x'.repeat(32)))
      .set('Host', 'burger-barn.example')
      .expect(404)

    internet.pointAtEngine('burger-barn.example', t.url)
    await t
      .as(burger.owner)
      .post(`/api/v1/admin/domains/${created.id}/verify`)
      .set('Host', burger.host)
      .expect(200)
    await t.http.get(path).set('Host', 'burger-barn.example').expect(404)
    expect((await storeTenant('burger-barn.example').expect(200)).body.slug).toBe('burger')
  })

  it('lets rival claims wait side by side; the first proven wins and no rival can self-verify', async () => {
    const ours = (await claim(burger, 'contested.example').expect(201)).body
    const theirs = (await claim(pizza, 'contested.example').expect(201)).body
    await claim(pizza, 'contested.example').expect(409) // one claim per tenant and host
    // Two claimants: the engine answers neither, whoever points the DNS here.
    internet.pointAtEngine('contested.example', t.url)
    for (const [shop, domain] of [
      [pizza, theirs],
      [burger, ours],
    ] as const) {
      const res = await t
        .as(shop.owner)
        .post(`/api/v1/admin/domains/${domain.id}/verify`)
        .set('Host', shop.host)
        .expect(422)
      expect(res.body.error.code).toBe('TENANCY_DOMAIN_CHALLENGE_FAILED')
    }
    await t
      .as(ROOT)
      .post(`/api/v1/admin/domains/${ours.id}/approve`)
      .set('X-Tenant-ID', burger.id)
      .expect(200)
    const late = await t
      .as(ROOT)
      .post(`/api/v1/admin/domains/${theirs.id}/approve`)
      .set('X-Tenant-ID', pizza.id)
      .expect(409)
    expect(late.body.error).toMatchObject({ code: 'TENANCY_DOMAIN_TAKEN', field: 'host' })
    expect((await storeTenant('contested.example').expect(200)).body.slug).toBe('burger')
    // A verified host cannot be claimed again.
    await claim(pizza, 'contested.example').expect(409)
  })

  it('lets only a platform super-admin approve', async () => {
    const created = (await claim(pizza, 'approved.example').expect(201)).body
    const denied = await t
      .as(pizza.owner)
      .post(`/api/v1/admin/domains/${created.id}/approve`)
      .set('Host', pizza.host)
      .expect(403)
    expect(denied.body.error.code).toBe('OO_FORBIDDEN')
    await storeTenant('approved.example').expect(404)
    const approved = await t
      .as(ROOT)
      .post(`/api/v1/admin/domains/${created.id}/approve`)
      .set('X-Tenant-ID', pizza.id)
      .expect(200)
    expect(approved.body).toMatchObject({ status: 'verified', verificationMethod: 'approval' })
    expect((await storeTenant('approved.example').expect(200)).body.slug).toBe('pizza')
  })

  it('stops serving a host the moment it is un-verified or removed', async () => {
    const created = (await claim(pizza, 'brief.example').expect(201)).body
    await t
      .as(ROOT)
      .post(`/api/v1/admin/domains/${created.id}/approve`)
      .set('X-Tenant-ID', pizza.id)
      .expect(200)
    await storeTenant('brief.example').expect(200)
    const unverified = await t
      .as(pizza.owner)
      .post(`/api/v1/admin/domains/${created.id}/unverify`)
      .set('Host', pizza.host)
      .expect(200)
    expect(unverified.body).toMatchObject({
      status: 'pending',
      challenge: { token: expect.any(String) },
    })
    expect(unverified.body.challenge.token).not.toBe(created.challenge.token)
    await storeTenant('brief.example').expect(404)
    const one = await t
      .as(pizza.owner)
      .get(`/api/v1/admin/domains/${created.id}`)
      .set('Host', pizza.host)
      .expect(200)
    expect(one.body.status).toBe('pending')
    await t
      .as(pizza.owner)
      .delete(`/api/v1/admin/domains/${created.id}`)
      .set('Host', pizza.host)
      .expect(200)
    await t
      .as(pizza.owner)
      .get(`/api/v1/admin/domains/${created.id}`)
      .set('Host', pizza.host)
      .expect(404)
  })
})

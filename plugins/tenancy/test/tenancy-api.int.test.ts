import { createTestApp, type TestApp } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../index.js'

describe('tenancy API', () => {
  let t: TestApp
  let pizza: Awaited<ReturnType<TestApp['seedTenant']>>
  let burger: Awaited<ReturnType<TestApp['seedTenant']>>

  beforeAll(async () => {
    t = await createTestApp({ plugins: [tenancy({ superAdmins: ['root@platform.test'] })] })
    pizza = await t.seedTenant('pizza')
    burger = await t.seedTenant('burger')
  })
  afterAll(() => t?.close())

  it('resolves the storefront tenant from the Host header', async () => {
    const res = await t.http.get('/api/v1/store/tenant').set('Host', pizza.host).expect(200)
    expect(res.body).toMatchObject({ id: pizza.id, slug: 'pizza', domains: ['pizza.test'] })
    expect(res.body).not.toHaveProperty('status')
  })

  it('answers an unknown host with a clear 404', async () => {
    const res = await t.http.get('/api/v1/store/tenant').set('Host', 'nobody.test').expect(404)
    expect(res.body.error).toMatchObject({ code: 'OO_TENANT_REQUIRED' })
    expect(res.body.error.requestId).toBeTruthy()
  })

  it('lets an owner list members in the ra-data-simple-rest dialect', async () => {
    const res = await t
      .as(pizza.owner)
      .get('/api/v1/admin/members?sort=["email","ASC"]&range=[0,9]')
      .set('Host', pizza.host)
      .expect(200)
    expect(res.body).toEqual([expect.objectContaining({ email: pizza.owner, role: 'owner' })])
    expect(res.headers['content-range']).toBe('members 0-0/1')
  })

  it('uses the caller’s default tenant without a host or header', async () => {
    const res = await t.as(burger.owner).get('/api/v1/admin/me').expect(200)
    expect(res.body).toMatchObject({
      email: burger.owner,
      role: 'owner',
      tenant: { id: burger.id },
    })
  })

  it('adds a member with a role, then the role applies on the next request', async () => {
    const created = await t
      .as(pizza.owner)
      .post('/api/v1/admin/members')
      .set('Host', pizza.host)
      .send({ email: 'cook@pizza.test', role: 'kitchen' })
      .expect(201)
    expect(created.body).toMatchObject({ email: 'cook@pizza.test', role: 'kitchen' })
    await t.as('cook@pizza.test').get('/api/v1/admin/members').set('Host', pizza.host).expect(403)
    await t
      .as(pizza.owner)
      .put(`/api/v1/admin/members/${created.body.id}`)
      .set('Host', pizza.host)
      .send({ role: 'manager' })
      .expect(200)
    await t.as('cook@pizza.test').get('/api/v1/admin/members').set('Host', pizza.host).expect(200)
  })

  it('refuses to remove the last owner', async () => {
    const list = await t
      .as(burger.owner)
      .get('/api/v1/admin/members')
      .set('Host', burger.host)
      .expect(200)
    const res = await t
      .as(burger.owner)
      .delete(`/api/v1/admin/members/${list.body[0].id}`)
      .set('Host', burger.host)
      .expect(409)
    expect(res.body.error.code).toBe('TENANCY_LAST_OWNER')
  })

  it('names the field at fault on bad input and writes nothing', async () => {
    const res = await t
      .as(pizza.owner)
      .post('/api/v1/admin/projects')
      .set('Host', pizza.host)
      .send({ slug: 'Not A Slug', name: 'x' })
      .expect(400)
    expect(res.body.error).toMatchObject({ code: 'OO_VALIDATION_FAILED', field: 'slug' })
    const list = await t
      .as(pizza.owner)
      .get('/api/v1/admin/projects')
      .set('Host', pizza.host)
      .expect(200)
    expect(list.body.map((p: { slug: string }) => p.slug)).toEqual(['main'])
  })

  it('lets only super-admins provision tenants, idempotently by operation id', async () => {
    const body = {
      operationId: 'op-taco-0001',
      slug: 'taco',
      name: 'Taco Town',
      domains: ['taco.test'],
      ownerEmail: 'owner@taco.test',
    }
    await t.as(pizza.owner).post('/api/v1/admin/tenants').send(body).expect(403)
    const first = await t
      .as('root@platform.test')
      .post('/api/v1/admin/tenants')
      .send(body)
      .expect(201)
    const again = await t
      .as('root@platform.test')
      .post('/api/v1/admin/tenants')
      .send(body)
      .expect(201)
    expect(again.body.id).toBe(first.body.id)
    const all = await t
      .as('root@platform.test')
      .get('/api/v1/admin/tenants?filter={"q":"Taco"}')
      .expect(200)
    expect(all.body).toHaveLength(1)
    await t.http.get('/api/v1/store/tenant').set('Host', 'taco.test').expect(200)
  })

  it('compensates a failed provisioning: nothing half-created remains', async () => {
    const res = await t
      .as('root@platform.test')
      .post('/api/v1/admin/tenants')
      .send({
        operationId: 'op-clash-0001',
        slug: 'clash',
        name: 'Clash',
        domains: ['clash.test', pizza.host],
        ownerEmail: 'owner@clash.test',
      })
      .expect(409)
    expect(res.body.error.code).toBe('TENANCY_DOMAIN_TAKEN')
    await t.http.get('/api/v1/store/tenant').set('Host', 'clash.test').expect(404)
    const knex = t.engine.database
    await knex.asOwner(async (k) => {
      const tenant = await k('tenants').where({ name: 'Clash' }).first()
      expect(tenant.status).toBe('FAILED')
      for (const table of ['tenant_domains', 'projects', 'members', 'project_members']) {
        expect(await k(table).where({ tenant_id: tenant.id })).toEqual([])
      }
      expect(
        (await k('tenant_provisioning').where({ operation_id: 'op-clash-0001' }).first()).status,
      ).toBe('FAILED')
    })
    // The same slug can be provisioned again under a new operation.
    await t
      .as('root@platform.test')
      .post('/api/v1/admin/tenants')
      .send({ slug: 'clash', name: 'Clash', domains: ['clash.test'] })
      .expect(201)
  })

  it('puts tenant members into projects, and only tenant members', async () => {
    const member = await t
      .as(pizza.owner)
      .post('/api/v1/admin/members')
      .set('Host', pizza.host)
      .send({ email: 'team@pizza.test', role: 'staff' })
      .expect(201)
    const project = await t
      .as(pizza.owner)
      .post('/api/v1/admin/projects')
      .set('Host', pizza.host)
      .send({ slug: 'ovens', name: 'Ovens' })
      .expect(201)
    const added = await t
      .as(pizza.owner)
      .post('/api/v1/admin/project-members')
      .set('Host', pizza.host)
      .send({ projectId: project.body.id, userId: member.body.userId })
      .expect(201)
    expect(added.body).toMatchObject({ projectId: project.body.id, email: 'team@pizza.test' })
    await t
      .as(pizza.owner)
      .post('/api/v1/admin/project-members')
      .set('Host', pizza.host)
      .send({ projectId: project.body.id, userId: member.body.userId })
      .expect(409)
    const outsider = await t.as(burger.owner).get('/api/v1/admin/me').expect(200)
    const refused = await t
      .as(pizza.owner)
      .post('/api/v1/admin/project-members')
      .set('Host', pizza.host)
      .send({ projectId: project.body.id, userId: outsider.body.id })
      .expect(422)
    expect(refused.body.error).toMatchObject({ code: 'TENANCY_NOT_A_MEMBER', field: 'userId' })
    const list = await t
      .as(pizza.owner)
      .get(`/api/v1/admin/project-members?filter={"projectId":"${project.body.id}"}`)
      .set('Host', pizza.host)
      .expect(200)
    expect(list.body).toHaveLength(1)
    expect(list.headers['content-range']).toBe('project-members 0-0/1')
    await t
      .as(pizza.owner)
      .delete(`/api/v1/admin/project-members/${added.body.id}`)
      .set('Host', pizza.host)
      .expect(200)
    await t
      .as(burger.owner)
      .get(`/api/v1/admin/project-members/${added.body.id}`)
      .set('Host', burger.host)
      .expect(404)
  })
})

import { bindTenant, withScope } from '@oo/core'
import { createTestApp, hasPostgres, type TestApp } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../index.js'

// Platform tables that name a tenant but belong to the platform: the event outbox (the
// dispatcher reads across tenants) and provisioning operations (written before the tenant exists).
// Every other table with a tenant_id, from any plugin in oo.config.ts, must be RLS-protected.
const PLATFORM_TABLES = ['oo_outbox', 'tenant_provisioning']

describe('tenant isolation', () => {
  let t: TestApp
  let a: Awaited<ReturnType<TestApp['seedTenant']>>
  let b: Awaited<ReturnType<TestApp['seedTenant']>>
  let tenantTables: string[]

  beforeAll(async () => {
    t = await createTestApp({ plugins: [tenancy()] })
    a = await t.seedTenant('iso-a')
    b = await t.seedTenant('iso-b')
    for (const shop of [a, b]) {
      await t
        .as(shop.owner)
        .post('/api/v1/admin/members')
        .set('Host', shop.host)
        .send({ email: `staff@${shop.slug}.test`, role: 'staff' })
        .expect(201)
      await t
        .as(shop.owner)
        .post('/api/v1/admin/projects')
        .set('Host', shop.host)
        .send({ slug: 'kitchen', name: 'Kitchen' })
        .expect(201)
    }
    tenantTables = await t.engine.database.asOwner(async (knex) => {
      const { rows } = await knex.raw(
        `select table_name from information_schema.columns where column_name = 'tenant_id' and table_schema = 'public' order by 1`,
      )
      return (rows as { table_name: string }[])
        .map((r) => r.table_name)
        .filter((name) => !PLATFORM_TABLES.includes(name))
    })
  })
  afterAll(() => t?.close())

  it('protects every tenant table with ENABLE + FORCE row-level security', async () => {
    expect(tenantTables).toEqual(
      expect.arrayContaining(['members', 'project_members', 'projects', 'tenant_domains']),
    )
    const { rows } = await t.engine.database.app.raw(
      `select relname, relrowsecurity, relforcerowsecurity from pg_class where relname = any(?) order by relname`,
      [tenantTables],
    )
    expect(rows).toEqual(
      tenantTables.map((relname) => ({ relname, relrowsecurity: true, relforcerowsecurity: true })),
    )
  })

  it('hides other tenants’ rows from a query that forgets its where clause', async () => {
    for (const shop of [a, b]) {
      await withScope(t.engine.container, shop.id, (scope) =>
        scope.cradle.db.tx(async (trx) => {
          for (const table of tenantTables) {
            const { rows } = await trx.raw(`select tenant_id from ${table}`) // no where, on purpose
            expect(
              rows.every((r: { tenant_id: string }) => r.tenant_id === shop.id),
              table,
            ).toBe(true)
          }
          const { rows } = await trx.raw('select count(*)::int as n from members')
          expect(rows[0].n).toBe(2) // the owner and the staff member: the other tenant's two are invisible
        }),
      )
    }
  })

  it('shows nothing at all outside a tenant transaction', async () => {
    for (const table of tenantTables) {
      const rows = await t.engine.database.app.transaction(async (trx) => {
        if (t.engine.database.kind === 'pglite') await trx.raw('set local role oo_app')
        const result = await trx.raw(`select count(*)::int as n from ${table}`)
        return result.rows as { n: number }[]
      })
      expect(rows[0]!.n, table).toBe(0)
    }
  })

  it('refuses to write a row into another tenant', async () => {
    await expect(
      withScope(t.engine.container, a.id, (scope) =>
        scope.cradle.db.tx((trx) =>
          trx('projects').insert({ tenant_id: b.id, slug: 'smuggled', name: 'x' }),
        ),
      ),
    ).rejects.toThrow(/row-level security/)
    await expect(
      withScope(t.engine.container, a.id, (scope) =>
        scope.cradle.db.tx((trx) => trx('projects').update({ tenant_id: b.id })),
      ),
    ).rejects.toThrow(/row-level security/)
  })

  it.skipIf(!hasPostgres)('runs as a role that cannot become the owner or bypass RLS', async () => {
    const { rows } = await t.engine.database.app.raw(
      `select current_user as me, rolsuper, rolbypassrls from pg_roles where rolname = current_user`,
    )
    expect(rows[0]).toEqual({ me: 'oo_app', rolsuper: false, rolbypassrls: false })
    await expect(t.engine.database.app.raw('set role postgres')).rejects.toThrow(
      /permission denied/,
    )
    const owners = await t.engine.database.app.raw(
      `select count(*)::int as n from pg_tables where schemaname = 'public' and tableowner = current_user`,
    )
    expect(owners.rows[0].n).toBe(0)
  })

  it('binds only the tenant it is given, even when asked twice in one transaction', async () => {
    await withScope(t.engine.container, a.id, (scope) =>
      scope.cradle.db.tx(async (trx) => {
        await bindTenant(trx, t.engine.database, a.id)
        const { rows } = await trx.raw(`select distinct tenant_id from members`)
        expect(rows).toEqual([{ tenant_id: a.id }])
      }),
    )
  })

  describe('through the API', () => {
    it('refuses a forged X-Tenant-ID for a tenant the caller is not a member of', async () => {
      const res = await t
        .as(a.owner)
        .get('/api/v1/admin/members')
        .set('X-Tenant-ID', b.id)
        .expect(403)
      expect(res.body.error.code).toBe('TENANCY_NOT_A_MEMBER')
      expect(JSON.stringify(res.body)).not.toContain(b.owner)
    })

    it('answers a non-existent tenant id exactly like a foreign one', async () => {
      const res = await t
        .as(a.owner)
        .get('/api/v1/admin/members')
        .set('X-Tenant-ID', '00000000-0000-4000-8000-000000000000')
        .expect(403)
      expect(res.body.error.code).toBe('TENANCY_NOT_A_MEMBER')
    })

    it('refuses a header that contradicts the host', async () => {
      const res = await t
        .as(a.owner)
        .get('/api/v1/admin/members')
        .set('Host', a.host)
        .set('X-Tenant-ID', b.id)
        .expect(403)
      expect(res.body.error.code).toBe('TENANCY_TENANT_MISMATCH')
    })

    it('gives an owner no rights on another tenant’s host', async () => {
      const res = await t.as(a.owner).get('/api/v1/admin/members').set('Host', b.host).expect(403)
      expect(res.body.error.code).toBe('OO_FORBIDDEN')
    })

    it('does not find another tenant’s record by id', async () => {
      const theirs = await t
        .as(b.owner)
        .get('/api/v1/admin/members')
        .set('Host', b.host)
        .expect(200)
      const id = theirs.body[0].id as string
      await t.as(a.owner).get(`/api/v1/admin/members/${id}`).set('Host', a.host).expect(404)
      await t
        .as(a.owner)
        .put(`/api/v1/admin/members/${id}`)
        .set('Host', a.host)
        .send({ role: 'readonly' })
        .expect(404)
      await t.as(a.owner).delete(`/api/v1/admin/members/${id}`).set('Host', a.host).expect(404)
      const still = await t
        .as(b.owner)
        .get(`/api/v1/admin/members/${id}`)
        .set('Host', b.host)
        .expect(200)
      expect(still.body.role).toBe(theirs.body[0].role)
    })

    it('refuses a domain already owned by another tenant without revealing the owner', async () => {
      const res = await t
        .as(a.owner)
        .post('/api/v1/admin/domains')
        .set('Host', a.host)
        .send({ host: b.host })
        .expect(409)
      expect(res.body.error).toMatchObject({ code: 'TENANCY_DOMAIN_TAKEN', field: 'host' })
      expect(JSON.stringify(res.body)).not.toContain(b.id)
    })

    it('rejects anonymous admin calls with 401', async () => {
      const res = await t.http.get('/api/v1/admin/members').set('Host', a.host).expect(401)
      expect(res.body.error.code).toBe('OO_UNAUTHENTICATED')
    })
  })
})

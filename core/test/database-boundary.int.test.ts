import { createTestApp, createTestDatabase, hasPostgres, type TestApp } from '@oo/core/testing'
import type { Knex } from 'knex'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../plugins/tenancy/index.js'
import { appLoginUrl, derivedAppPassword, scramMatches } from '../src/db/app-login.js'
import probe from './fixtures/probe-plugin.js'

type Shop = Awaited<ReturnType<TestApp['seedTenant']>>

// What SQL running as the engine role (a bug, an injection) can and cannot do. Each test here
// failed before the boundary: a forged `set_config('app.tenant_id', …)` picked any tenant, the
// outbox had no row-level security, and the pool logged in as the owner and only SET ROLE'd.
describe('the database boundary, as oo_app', () => {
  let t: TestApp
  let a: Shop
  let b: Shop

  beforeAll(async () => {
    t = await createTestApp({
      plugins: [tenancy(), probe()],
      boot: { outbox: { autoDispatch: false } },
    })
    a = await t.seedTenant('boundary-a')
    b = await t.seedTenant('boundary-b')
    for (const shop of [a, b])
      await t.http
        .post('/api/v1/store/probe/events')
        .set('Host', shop.host)
        .send({ count: 2 })
        .expect(202)
  })
  afterAll(() => t?.close())

  /** A transaction as oo_app with no tenant bound by the engine: what injected SQL starts from. */
  function asAppRole<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return t.engine.database.app.transaction(async (trx) => {
      if (t.engine.database.kind === 'pglite') await trx.raw('set local role oo_app')
      return fn(trx)
    })
  }

  const tenantsOf = async (trx: Knex.Transaction, table: string) =>
    (await trx.raw(`select distinct tenant_id from ${table}`)).rows.map(
      (r: { tenant_id: string | null }) => r.tenant_id,
    )

  it('cannot pick a tenant with set_config: an unsigned tenant id binds nothing', async () => {
    for (const local of [true, false]) {
      const seen = await asAppRole(async (trx) => {
        await trx.raw(`select set_config('app.tenant_id', ?, ?)`, [b.id, local])
        const rows = await tenantsOf(trx, 'members')
        await trx.raw(`select set_config('app.tenant_id', '', false)`) // leave the pooled session clean
        return rows
      })
      expect(seen, `is_local ${local}`).toEqual([])
    }
  })

  it('cannot turn a stolen signature of tenant A into tenant B', async () => {
    const seen = await t.engine.container.cradle.scopes.run(a.id, (scope) =>
      scope.cradle.db.tx(async (trx) => {
        expect(await tenantsOf(trx, 'members')).toEqual([a.id])
        // The signature of this transaction's binding is readable here; it names A only.
        await trx.raw(`select set_config('app.tenant_id', ?, true)`, [b.id])
        return tenantsOf(trx, 'members')
      }),
    )
    expect(seen).toEqual([])
  })

  it('cannot use a signature made for another connection (backend pid)', async () => {
    const seen = await asAppRole(async (trx) => {
      const { rows } = await trx.raw('select pg_backend_pid() as pid')
      const other = Number(rows[0].pid) + 1
      await trx.raw(`select ${t.engine.database.tenantSettings(a.id, other)}`)
      return tenantsOf(trx, 'members')
    })
    expect(seen).toEqual([])
  })

  it('cannot read the tenant key, not even through the view that checks the binding', async () => {
    await expect(asAppRole((trx) => trx.raw('select * from oo_engine_keys'))).rejects.toThrow(
      /permission denied/,
    )
    const { rows } = await asAppRole((trx) => trx.raw('select * from oo_bound_tenant'))
    expect(rows).toEqual([{ tenant: null }])
  })

  it('sees only the bound tenant’s outbox rows, and no tenant’s without a binding', async () => {
    const unbound = await asAppRole((trx) => tenantsOf(trx, 'oo_outbox'))
    expect(unbound.filter((id: string | null) => id !== null)).toEqual([])
    const inA = await t.engine.container.cradle.scopes.run(a.id, (scope) =>
      scope.cradle.db.tx((trx) => tenantsOf(trx, 'oo_outbox')),
    )
    expect(inA).toContain(a.id)
    expect(inA.filter((id: string | null) => id !== null && id !== a.id)).toEqual([])
    // The owner sees both tenants' events: they were written, just not to oo_app's eyes.
    const all = await t.engine.database.asOwner(async (owner) =>
      (
        await owner.raw(`select distinct tenant_id from oo_outbox where name = 'probe.pinged'`)
      ).rows.map((r: { tenant_id: string }) => r.tenant_id),
    )
    expect(all).toEqual(expect.arrayContaining([a.id, b.id]))
  })

  it('cannot write an event into another tenant’s outbox', async () => {
    await expect(
      t.engine.container.cradle.scopes.run(a.id, (scope) =>
        scope.cradle.db.tx((trx) =>
          trx('oo_outbox').insert({
            event_id: crypto.randomUUID(),
            tenant_id: b.id,
            name: 'x',
            payload: '{}',
          }),
        ),
      ),
    ).rejects.toThrow(/row-level security/)
  })

  it('re-created every tenant policy on the signed binding (none reads app.tenant_id itself)', async () => {
    const policies = await t.engine.database.asOwner(
      async (owner) =>
        (
          await owner.raw(
            `select tablename, policyname, qual, with_check from pg_policies where 'oo_app' = any(roles) order by 1, 2`,
          )
        ).rows as { tablename: string; policyname: string; qual: string; with_check: string }[],
    )
    const isolation = policies.filter((p) => p.policyname.endsWith('_tenant_isolation'))
    expect(isolation.map((p) => p.tablename)).toEqual(
      expect.arrayContaining(['members', 'oo_outbox', 'projects', 'tenant_domains']),
    )
    for (const p of isolation) {
      expect(p.qual, p.tablename).toMatch(/SELECT oo_bound_tenant\.tenant\s+FROM oo_bound_tenant/)
      expect(p.with_check, p.tablename).toMatch(
        /SELECT oo_bound_tenant\.tenant\s+FROM oo_bound_tenant/,
      )
    }
    expect(policies.filter((p) => `${p.qual} ${p.with_check}`.includes('app.tenant_id'))).toEqual(
      [],
    )
  })
})

describe.skipIf(!hasPostgres)('the engine pool’s login (PostgreSQL)', () => {
  it('logs in as oo_app itself when DATABASE_APP_URL is unset: RESET ROLE leaves it oo_app', async () => {
    const database = await createTestDatabase()
    const secretKey = 'boundary-test-secret-key-0123456789abcdef'
    const t = await createTestApp({
      plugins: [tenancy()],
      database: { ...database, config: { url: database.config.url } }, // no appUrl: derived
      config: { secretKey },
    })
    try {
      const rows = await t.engine.database.app.transaction(async (trx) => {
        await trx.raw('reset role')
        return (
          await trx.raw(
            `select current_user as me, session_user as login, usesuper from pg_user where usename = current_user`,
          )
        ).rows as unknown[]
      })
      expect(rows).toEqual([{ me: 'oo_app', login: 'oo_app', usesuper: false }])
      await expect(t.engine.database.app.raw('set role postgres')).rejects.toThrow(
        /permission denied/,
      )
      // Auto-migrate gave oo_app the password derived from the secret key (as a SCRAM verifier).
      const password = derivedAppPassword(Buffer.from(secretKey))
      expect(t.engine.config.database.appUrl).toBe(appLoginUrl(database.config.url!, password))
      const stored = await t.engine.database.asOwner(
        async (owner) =>
          (await owner.raw(`select rolpassword from pg_authid where rolname = 'oo_app'`)).rows[0]
            .rolpassword,
      )
      expect(scramMatches(stored, password)).toBe(true)
      expect(scramMatches(stored, `${password}x`)).toBe(false)
    } finally {
      await t.close()
      await database.drop()
    }
  })

  it('refuses to start in production with a pool that logs in as a superuser', async () => {
    const database = await createTestDatabase()
    try {
      await expect(
        createTestApp({
          plugins: [tenancy()],
          database: { ...database, config: { ...database.config, appUrl: database.config.url } },
          config: { mode: 'production', secretKey: 'boundary-test-secret-key-0123456789abcdef' },
        }),
      ).rejects.toMatchObject({ code: 'OO_DATABASE_APP_PRIVILEGED' })
      // The owner pool runs as a superuser here, and a client outside the engine proves it.
      const client = new pg.Client({ connectionString: database.config.url })
      await client.connect()
      const { rows } = await client.query(
        'select usesuper from pg_user where usename = current_user',
      )
      await client.end()
      expect(rows).toEqual([{ usesuper: true }])
    } finally {
      await database.drop()
    }
  })
})

describe('the secret key at boot', () => {
  it('is required in production', async () => {
    await expect(
      createTestApp({ plugins: [tenancy()], config: { mode: 'production' } }),
    ).rejects.toMatchObject({ code: 'OO_SECRET_KEY_REQUIRED' })
  })

  it('refuses a key other than the one the database was first started with', async () => {
    const database = await createTestDatabase({ onDisk: true })
    try {
      const first = await createTestApp({
        plugins: [tenancy()],
        database,
        config: { secretKey: 'the-first-secret-key-0123456789abcdef' },
      })
      await first.close()
      await expect(
        createTestApp({
          plugins: [tenancy()],
          database,
          config: { secretKey: 'another-secret-key-0123456789abcdefgh' },
        }),
      ).rejects.toMatchObject({ code: 'OO_SECRET_KEY_MISMATCH' })
      const again = await createTestApp({
        plugins: [tenancy()],
        database,
        config: { secretKey: 'the-first-secret-key-0123456789abcdef' },
      })
      await again.close()
    } finally {
      await database.drop()
    }
  })
})

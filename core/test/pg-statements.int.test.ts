import { createHash } from 'node:crypto'
import { Database } from '@oo/core'
import {
  createTestApp,
  createTestDatabase,
  hasPostgres,
  type TestApp,
  type TestDatabase,
} from '@oo/core/testing'
import type { Knex } from 'knex'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../plugins/tenancy/index.js'

type Shop = Awaited<ReturnType<TestApp['seedTenant']>>

describe('statements of the engine pool', () => {
  let database: TestDatabase
  let t: TestApp
  let shop: Shop

  beforeAll(async () => {
    database = await createTestDatabase()
    // No dispatcher: every statement on the pool during a test is the test's own.
    t = await createTestApp({
      plugins: [tenancy()],
      database,
      boot: { outbox: { autoDispatch: false } },
    })
    shop = await t.seedTenant('statements')
  })
  afterAll(async () => {
    await t?.close()
    await database?.drop()
  })

  const app = () => t.engine.database.app

  function inTenantTx<T>(
    fn: (trx: Knex.Transaction) => Promise<T>,
    opts?: { asyncCommit?: boolean },
  ): Promise<T> {
    return t.engine.container.cradle.scopes.run(shop.id, (scope) => scope.cradle.db.tx(fn, opts))
  }

  async function setting(knex: Knex | Knex.Transaction, name: string): Promise<string | null> {
    const { rows } = await knex.raw(`select current_setting(?, true) as value`, [name])
    return rows[0].value
  }

  /**
   * The settings a later user of each pooled connection would start with. Holding every
   * connection of the pool at once is the only way to be sure the one a transaction used is
   * among them.
   */
  async function settingsOfEveryConnection(): Promise<
    { tenant: string | null; synchronousCommit: string | null }[]
  > {
    if (t.engine.database.kind === 'pglite')
      return [
        {
          tenant: await setting(app(), 'app.tenant_id'),
          synchronousCommit: await setting(app(), 'synchronous_commit'),
        },
      ]
    const connections = await Promise.all(
      Array.from({ length: database.config.poolMax! }, () => app().client.acquireConnection()),
    )
    try {
      return await Promise.all(
        connections.map(async (connection) => {
          const [row] = await app()
            .select(
              app().raw(`current_setting('app.tenant_id', true) as tenant`),
              app().raw(`current_setting('synchronous_commit') as "synchronousCommit"`),
            )
            .connection(connection)
          return row
        }),
      )
    } finally {
      for (const connection of connections) await app().client.releaseConnection(connection)
    }
  }

  describe('a tenant transaction', () => {
    it('sees its tenant in app.tenant_id and leaves no trace on the connection', async () => {
      expect(await inTenantTx((trx) => setting(trx, 'app.tenant_id'))).toBe(shop.id)
      // After commit a transaction-local setting reads '' (or null on a connection that never
      // had it); a session-level one would bind the next user of the connection to this tenant.
      for (const { tenant } of await settingsOfEveryConnection()) expect(tenant ?? '').toBe('')
    })
  })

  describe.skipIf(!hasPostgres)('on PostgreSQL', () => {
    it('binds the tenant with BEGIN in one round trip, not with a statement of its own', async () => {
      const sent: string[] = []
      const record = (q: { sql: string }) => sent.push(q.sql)
      app().on('query', record)
      try {
        expect(await inTenantTx((trx) => setting(trx, 'app.tenant_id'))).toBe(shop.id)
      } finally {
        app().off('query', record)
      }
      // knex reports BEGIN as it was before the engine's client appended the tenant binding.
      expect(sent).toEqual(['BEGIN;', 'select current_setting($1, true) as value', 'COMMIT;'])
    })

    it('does not bind a plain transaction opened inside a tenant transaction', async () => {
      const [inner, outer] = await inTenantTx(async (trx) => {
        const plain = await app().transaction((other) => setting(other, 'app.tenant_id'))
        return [plain, await setting(trx, 'app.tenant_id')]
      })
      expect(outer).toBe(shop.id)
      expect(inner ?? '').toBe('')
    })

    it('commits asynchronously only when asked to, for that transaction only', async () => {
      const show = (trx: Knex.Transaction) =>
        trx.raw('show synchronous_commit').then((r) => r.rows[0].synchronous_commit as string)
      expect(await inTenantTx(show, { asyncCommit: true })).toBe('off')
      expect(await inTenantTx(show)).toBe('on')
      expect(await inTenantTx(show, { asyncCommit: true })).toBe('off')
      for (const connection of await settingsOfEveryConnection()) {
        expect(connection).toEqual({
          tenant: expect.toBeOneOf(['', null]),
          synchronousCommit: 'on',
        })
      }
    })

    it('prepares each DML statement once per connection under a name derived from its text', async () => {
      const dml: [sql: string, bindings: number[]][] = [
        [`select 'prepared-probe' as label`, []],
        ['insert into pg_statements_probe (n) values (?)', [1]],
        ['update pg_statements_probe set n = n + 1', []],
        ['delete from pg_statements_probe where n > 100', []],
        [
          'with doubled as (select n * 2 as n from pg_statements_probe) select sum(n) from doubled',
          [],
        ],
      ]
      const prepared = await app().transaction(async (trx) => {
        await trx.raw('create temporary table pg_statements_probe (n int) on commit drop')
        for (let run = 0; run < 2; run++) {
          for (const [sql, bindings] of dml) await trx.raw(sql, bindings)
          await trx.raw('show search_path')
        }
        const { rows } = await trx.raw(
          `select name, statement from pg_prepared_statements where not from_sql`,
        )
        return rows as { name: string; statement: string }[]
      })
      const byText = new Map(prepared.map((p) => [p.statement, p.name]))
      for (const [sql] of dml) {
        const sent = sql.replace('?', '$1')
        const sha = createHash('sha1').update(sent).digest('hex').slice(0, 20)
        expect(byText.get(sent)).toMatch(new RegExp(`^oo_\\d+_${sha}$`))
      }
      // Each text once, however often it ran; never BEGIN, DDL or SHOW.
      expect(prepared.length).toBe(byText.size)
      expect(
        [...byText.keys()].filter((s) => !/^\s*(select|insert|update|delete|with)\b/i.test(s)),
      ).toEqual([])
    })

    it('keeps at most 256 statements prepared per connection, running the rest unnamed', async () => {
      // A pool of one fresh connection, so that every statement it ever prepared is one of ours.
      const single = await Database.connect({
        url: database.config.url,
        appUrl: database.config.appUrl,
        dataDir: '',
        poolMax: 1,
      })
      try {
        const texts = Array.from({ length: 300 }, (_, i) => `select ${i}::int as n`)
        const answers: number[] = []
        for (const sql of texts) answers.push((await single.app.raw(sql)).rows[0].n)
        expect(answers).toEqual(texts.map((_, i) => i))
        const { rows } = await single.app.raw(
          `select statement from pg_prepared_statements where not from_sql order by prepare_time`,
        )
        expect(rows.map((r: { statement: string }) => r.statement)).toEqual(texts.slice(0, 256))
      } finally {
        await single.close()
      }
    })

    describe('after a schema change under a prepared select *', () => {
      beforeAll(async () => {
        await t.engine.database.asOwner(async (owner) => {
          await owner.raw('create table pg_statements_scratch (id int primary key)')
          await owner.raw('insert into pg_statements_scratch values (1)')
          await owner.raw('grant select on pg_statements_scratch to oo_app')
        })
      })

      it('fails the statement once, then prepares it again and sees the new column', async () => {
        // One connection held outside any transaction: the statements are prepared on it, and
        // the ALTER TABLE is not blocked by a lock a transaction of ours would hold.
        const connection = await app().client.acquireConnection()
        try {
          const selectAll = () =>
            app().select('*').from('pg_statements_scratch').connection(connection)
          const namesOnConnection = async () =>
            (
              await app()
                .select('name')
                .from('pg_prepared_statements')
                .where({ statement: 'select * from "pg_statements_scratch"' })
                .orderBy('prepare_time')
                .connection(connection)
            ).map((r: { name: string }) => r.name)
          for (let run = 0; run < 3; run++) expect(await selectAll()).toEqual([{ id: 1 }])
          const [before] = await namesOnConnection()
          expect(before).toMatch(/^oo_\d+_[0-9a-f]{20}$/)

          await t.engine.database.asOwner((owner) =>
            owner.raw('alter table pg_statements_scratch add column label text'),
          )
          await expect(selectAll()).rejects.toMatchObject({ code: '0A000' })
          expect(await selectAll()).toEqual([{ id: 1, label: null }])
          expect(await selectAll()).toEqual([{ id: 1, label: null }])

          const [, generation, sha] = before!.split('_')
          // Same text, next generation: the stale name is never used again on this connection.
          expect(await namesOnConnection()).toContain(`oo_${Number(generation) + 1}_${sha}`)
        } finally {
          await app().client.releaseConnection(connection)
        }
      })
    })
  })
})

import { createHash } from 'node:crypto'
import { Database, type OoEvent } from '@oo/core'
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

declare module '@oo/core' {
  interface EventMap {
    'pg_statements.probed': { text: string }
  }
}

type Shop = Awaited<ReturnType<TestApp['seedTenant']>>

/** What one connection of the pool sent to the server: the text as `pg` got it. */
interface Sent {
  connection: number
  text: string
}

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

  /**
   * The texts the pool's connections send to the server while `fn` runs, with the connection each
   * went on. knex's 'query' event shows BEGIN and COMMIT as they were before the engine's client
   * rewrote them, so each pooled connection's `query` is wrapped instead (every connection of the
   * pool held at once, as above), and unwrapped afterwards.
   */
  async function onTheWire(fn: () => Promise<void>): Promise<Sent[]> {
    type Connection = { query: (config: string | { text: string }, ...rest: unknown[]) => unknown }
    const eachConnection = async (visit: (connection: Connection, index: number) => void) => {
      const connections: Connection[] = await Promise.all(
        Array.from({ length: database.config.poolMax! }, () => app().client.acquireConnection()),
      )
      connections.forEach(visit)
      for (const connection of connections) await app().client.releaseConnection(connection)
    }
    const sent: Sent[] = []
    await eachConnection((connection, index) => {
      const query = connection.query
      connection.query = (config, ...rest) => {
        sent.push({ connection: index, text: typeof config === 'string' ? config : config.text })
        return query.call(connection, config, ...rest)
      }
    })
    try {
      await fn()
    } finally {
      await eachConnection((connection) => delete (connection as Partial<Connection>).query)
    }
    return sent
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

    describe('statements sent with COMMIT', () => {
      const PROBED = 'pg_statements.probed'
      // A quote, backslashes (escapeLiteral's E'' form), JSON escapes, a line break, non-ASCII and
      // astral characters, and text that means something to knex (? and :name) or to PostgreSQL ($$).
      const tricky = `it's a \\ backslash, \\\\ two, \\' one quoted; "json" \\u0041 \n ünïcødé ☃ 😀 \u2028 $$ ? :name`
      const delivered: OoEvent[] = []

      beforeAll(async () => {
        await t.engine.database.asOwner(async (owner) => {
          await owner.raw(
            'create table pg_statements_commit_probe (tenant_id uuid not null, label text not null, primary key (tenant_id, label))',
          )
          await owner.raw('grant select, insert on pg_statements_commit_probe to oo_app')
        })
        t.engine.container.cradle.outbox.on(PROBED, 'pg-statements-test', async ({ event }) => {
          delivered.push(event)
        })
      })

      const labels = async () =>
        (
          await app()('pg_statements_commit_probe')
            .where({ tenant_id: shop.id })
            .orderBy('label')
            .select('label')
        ).map((r: { label: string }) => r.label)

      // As the owner: oo_app sees a tenant's outbox rows only in a transaction bound to it.
      const outboxRows = (text: string) =>
        t.engine.database.asOwner((owner) =>
          owner('oo_outbox')
            .where({ name: PROBED })
            .whereRaw(`payload->>'text' = ?`, [text])
            .orderBy('id')
            .select('event_id', 'tenant_id', 'payload', 'dispatched_at'),
        )

      /** A tenant transaction that inserts `label` and emits an event (for `tenantId`, if given). */
      const insertAndEmit = (label: string, text: string, tenantId?: string) =>
        t.engine.container.cradle.scopes.run(shop.id, (scope) =>
          scope.cradle.db.tx(async (trx) => {
            await trx.raw(
              `insert into pg_statements_commit_probe (tenant_id, label) values (?, ?)`,
              [shop.id, label],
            )
            scope.cradle.eventBus.emit(PROBED, { text }, tenantId ? { tenantId } : {})
          }),
        )

      const statement = <R>(sql: string, bindings: Record<string, string>) =>
        t.engine.container.cradle.scopes.run(shop.id, (scope) =>
          scope.cradle.db.statement<R>(sql, bindings),
        )

      it("sends the outbox rows in the COMMIT's query, escaped so the payload round-trips", async () => {
        const sent = await onTheWire(() => insertAndEmit('outbox-with-commit', tricky))
        expect(sent.map((s) => s.text)).toEqual([
          expect.stringMatching(
            new RegExp(
              `^BEGIN; SELECT set_config\\('app\\.tenant_id', '${shop.id}', true\\), set_config\\('app\\.tenant_sig', '[0-9a-f]{64}', true\\)$`,
            ),
          ),
          'insert into pg_statements_commit_probe (tenant_id, label) values ($1, $2)',
          expect.stringMatching(/^insert into oo_outbox .*;\nCOMMIT;$/s),
        ])
        const rows = await outboxRows(tricky)
        expect(rows).toEqual([
          {
            event_id: expect.any(String),
            tenant_id: shop.id,
            payload: { text: tricky },
            dispatched_at: null,
          },
        ])
        expect(sent.at(-1)!.text).toContain(`'${rows[0].event_id}'::uuid`)
        expect(await labels()).toContain('outbox-with-commit')

        await t.engine.container.cradle.outbox.drain()
        expect(delivered.filter((e) => e.id === rows[0].event_id)).toEqual([
          expect.objectContaining({ name: PROBED, tenantId: shop.id, payload: { text: tricky } }),
        ])
        expect((await outboxRows(tricky))[0].dispatched_at).toBeInstanceOf(Date)
      })

      it('undoes the whole transaction when its outbox insert fails, and rolls the connection back', async () => {
        let failure: unknown
        const sent = await onTheWire(async () => {
          // tenant_id is a uuid column: the insert fails at COMMIT, after the probe row went in.
          failure = await insertAndEmit('undone-with-commit', 'never written', 'not-a-uuid').catch(
            (err: unknown) => err,
          )
        })
        expect(failure).toMatchObject({ code: '22P02', message: expect.stringMatching(/uuid/) })
        expect(sent.map((s) => s.text)).toEqual([
          expect.stringMatching(/^BEGIN; /),
          expect.stringMatching(/^insert into pg_statements_commit_probe /),
          expect.stringMatching(/^insert into oo_outbox .*;\nCOMMIT;$/s),
          'ROLLBACK;',
        ])
        expect(new Set(sent.map((s) => s.connection)).size).toBe(1)
        expect(await labels()).not.toContain('undone-with-commit')
        expect(await outboxRows('never written')).toEqual([])

        // The pool hands the same connection out next: it must not be left in the failed transaction.
        const after = await onTheWire(async () => {
          for (let i = 0; i < 3; i++) await insertAndEmit(`after-outbox-failure-${i}`, `after ${i}`)
        })
        expect(new Set(after.map((s) => s.connection))).toEqual(new Set([sent[0]!.connection]))
        expect(after.filter((s) => s.text.endsWith('COMMIT;'))).toHaveLength(3)
        expect(await labels()).toEqual(
          expect.arrayContaining([0, 1, 2].map((i) => `after-outbox-failure-${i}`)),
        )
        for (const i of [0, 1, 2]) expect(await outboxRows(`after ${i}`)).toHaveLength(1)
        for (const { tenant } of await settingsOfEveryConnection()) expect(tenant ?? '').toBe('')
      })

      it('runs a one-statement transaction in one round trip and returns its rows', async () => {
        let rows: unknown
        const sent = await onTheWire(async () => {
          rows = await statement<{ label: string; tenant_id: string }>(
            `insert into pg_statements_commit_probe (tenant_id, label) values (:tenant, :label), (:tenant, :label || ' again')
             returning label, tenant_id`,
            { tenant: shop.id, label: tricky },
          )
        })
        expect(rows).toEqual([
          { label: tricky, tenant_id: shop.id },
          { label: `${tricky} again`, tenant_id: shop.id },
        ])
        // One implicit transaction: the tenant setting lasts to its end, then nothing is left set.
        expect(sent.map((s) => s.text)).toEqual([
          expect.stringMatching(
            new RegExp(
              `^select set_config\\('app\\.tenant_id', '${shop.id}', true\\), set_config\\('app\\.tenant_sig', '[0-9a-f]{64}', true\\);\\ninsert into pg_statements_commit_probe .*returning label, tenant_id$`,
              's',
            ),
          ),
        ])
        for (const { tenant } of await settingsOfEveryConnection()) expect(tenant ?? '').toBe('')
        expect(await labels()).toEqual(expect.arrayContaining([tricky, `${tricky} again`]))
      })

      it('confines a one-statement transaction to its tenant (row-level security, as oo_app)', async () => {
        const other = await t.seedTenant('statements-other')
        const rows = await statement<{ tenant_id: string; role: string }>(
          `select tenant_id, current_user as role from members`,
          {},
        )
        expect(rows.length).toBeGreaterThan(0)
        expect(new Set(rows.map((r) => r.tenant_id))).toEqual(new Set([shop.id]))
        expect(new Set(rows.map((r) => r.role))).toEqual(new Set(['oo_app']))
        expect(rows.map((r) => r.tenant_id)).not.toContain(other.id)
      })

      it('rejects a one-statement transaction with its error, and leaves the connection usable', async () => {
        let failure: unknown
        const sent = await onTheWire(async () => {
          // The second row breaks the primary key: the first is undone with it.
          failure = await statement(
            `insert into pg_statements_commit_probe (tenant_id, label) values (:tenant, :label), (:tenant, :label)`,
            { tenant: shop.id, label: 'duplicated-with-commit' },
          ).catch((err: unknown) => err)
        })
        expect(failure).toMatchObject({ code: '23505' })
        expect(sent.map((s) => s.text)).toEqual([
          expect.stringMatching(
            /^select set_config\(.*;\ninsert into pg_statements_commit_probe /s,
          ),
        ])
        expect(await labels()).not.toContain('duplicated-with-commit')

        const after = await onTheWire(async () => {
          for (let i = 0; i < 3; i++)
            expect(
              await statement<{ n: number }>(`select :n::int * 2 as n`, { n: String(i) }),
            ).toEqual([{ n: i * 2 }])
        })
        expect(new Set(after.map((s) => s.connection))).toEqual(new Set([sent[0]!.connection]))
        expect(after).toHaveLength(3)
        for (const { tenant } of await settingsOfEveryConnection()) expect(tenant ?? '').toBe('')
      })
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

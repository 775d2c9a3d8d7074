import type { Knex } from 'knex'
import type { Tenant } from '../container/cradle.js'
import type { ScopedEventBus } from '../events/event-bus.js'
import type { OutboxRow } from '../events/outbox-dispatcher.js'
import { isUuid } from '../ids.js'
import type { Database } from './database.js'
import { withTenantBegin, type TenantBinding } from './tenant-begin.js'

/**
 * The tenant's database handle, only on scopes. Every transaction sets `app.tenant_id` and its
 * signature (transaction-local) so row-level security policies confine every statement to the tenant,
 * even one that forgets its `where`. Events emitted inside `tx()` are written to the outbox
 * in the same transaction and dispatched only after commit.
 */
export class TenantDb {
  readonly tenantId: string
  readonly #database: Database
  readonly #events: ScopedEventBus

  constructor({
    database,
    tenant,
    eventBus,
  }: {
    database: Database
    tenant: Tenant
    eventBus: ScopedEventBus
  }) {
    this.#database = database
    this.tenantId = tenant.id
    this.#events = eventBus
  }

  /**
   * Runs `fn` in a transaction bound to the tenant. `asyncCommit` is for derived data that a
   * redelivered event rebuilds (kitchen tickets): the commit does not wait for the WAL flush, so
   * a database crash can lose the last fraction of a second of such commits — together with the
   * outbox marks written after them, so their events are delivered again. Orders, payments and
   * anything a customer was told about are never written this way.
   */
  async tx<T>(
    fn: (trx: Knex.Transaction) => Promise<T>,
    opts: { asyncCommit?: boolean } = {},
  ): Promise<T> {
    const mark = this.#events.mark()
    let written: Promise<OutboxRow[]> = Promise.resolve([])
    try {
      const settings = (pid: number) => this.#database.tenantSettings(this.tenantId, pid)
      const result = await withTenantBegin(this.tenantId, settings, !!opts.asyncCommit, (binding) =>
        this.#database.app
          .transaction(async (trx) => {
            if (!binding.bound) await bindTenant(trx, this.#database, this.tenantId)
            const value = await fn(trx)
            // The outbox rows go with the COMMIT when the engine's pg client sends it.
            written = binding.bound
              ? this.#events.writeAtCommit(mark, (sql) => atCommit<OutboxRow>(binding, sql))
              : Promise.resolve(await this.#events.writeSince(mark, trx))
            return value
          })
          .finally(() => notSentWithCommit(binding)),
      )
      this.#events.committed(await written)
      return result
    } catch (err) {
      this.#events.discardSince(mark)
      throw err
    }
  }

  /**
   * A transaction of one statement (named `:bindings`), returning its rows. On PostgreSQL it is
   * one round trip: the tenant binding and the statement (values inlined by knex's escaping) as
   * one simple-protocol query, which PostgreSQL runs as one implicit transaction (all or nothing;
   * the settings last to its end), on a pooled connection that an error leaves clean.
   */
  async statement<R>(
    sql: string,
    bindings: Knex.ValueDict,
    opts: { asyncCommit?: boolean } = {},
  ): Promise<R[]> {
    if (this.#database.kind === 'pg' && isUuid(this.tenantId)) {
      const relaxed = opts.asyncCommit ? `, set_config('synchronous_commit', 'off', true)` : ''
      const statement = this.#database.app.raw(sql, bindings).toQuery()
      const results = await this.#database.simpleQuery(
        (pid) =>
          `select ${this.#database.tenantSettings(this.tenantId, pid)}${relaxed};\n${statement}`,
      )
      return results.at(-1)!.rows as R[]
    }
    return this.tx(async (trx) => ((await trx.raw(sql, bindings)) as { rows: R[] }).rows, opts)
  }
}

/** Queues a statement for the transaction's COMMIT; resolves with its rows once committed. */
function atCommit<R>(binding: TenantBinding, sql: string): Promise<R[]> {
  const rows = new Promise<R[]>((resolve, reject) => {
    binding.atCommit = {
      sql,
      settle: (result) => (result instanceof Error ? reject(result) : resolve(result.rows as R[])),
    }
  })
  // A rolled-back transaction rejects this too, and its caller has the error already.
  rows.catch(() => undefined)
  return rows
}

/** A COMMIT that did not take its statement (a rollback, or a knex that commits otherwise). */
function notSentWithCommit(binding: TenantBinding): void {
  binding.atCommit?.settle(new Error('The transaction ended without sending its last statement'))
  binding.atCommit = undefined
}

/**
 * Binds a transaction to a tenant: the signed setting RLS reads (signed for the transaction's
 * own backend) and, on PGlite, the restricted role.
 */
export async function bindTenant(
  trx: Knex.Transaction,
  database: Database,
  tenantId: string,
): Promise<void> {
  if (database.kind === 'pglite') await trx.raw('set local role oo_app')
  // knex hands a transaction's own connection back (pg's carries its backend pid).
  const connection = (await (
    trx.client as { acquireConnection(): Promise<{ processID?: number | null }> }
  ).acquireConnection()) as { processID?: number | null }
  await trx.raw(`select ${database.tenantSettings(tenantId, connection.processID ?? undefined)}`)
}

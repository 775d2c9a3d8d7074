import type { Knex } from 'knex'
import type { Tenant } from '../container/cradle.js'
import type { ScopedEventBus } from '../events/event-bus.js'
import type { OutboxRow } from '../events/outbox-dispatcher.js'
import type { Database } from './database.js'
import { withTenantBegin } from './tenant-begin.js'

/**
 * The tenant's database handle, only on scopes. Every transaction sets `app.tenant_id`
 * (transaction-local) so row-level security policies confine every statement to the tenant,
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
    let written: OutboxRow[] = []
    try {
      const result = await withTenantBegin(this.tenantId, !!opts.asyncCommit, (binding) =>
        this.#database.app.transaction(async (trx) => {
          if (!binding.bound) await bindTenant(trx, this.#database.kind, this.tenantId)
          const value = await fn(trx)
          written = await this.#events.writeSince(mark, trx)
          return value
        }),
      )
      this.#events.committed(written)
      return result
    } catch (err) {
      this.#events.discardSince(mark)
      throw err
    }
  }
}

/** Binds a transaction to a tenant: the setting RLS reads and, on PGlite, the restricted role. */
export async function bindTenant(
  trx: Knex.Transaction,
  kind: Database['kind'],
  tenantId: string,
): Promise<void> {
  if (kind === 'pglite') await trx.raw('set local role oo_app')
  await trx.raw(`select set_config('app.tenant_id', ?, true)`, [tenantId])
}

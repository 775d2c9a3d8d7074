import type { Knex } from 'knex'
import type { Tenant } from '../container/cradle.js'
import type { ScopedEventBus } from '../events/event-bus.js'
import type { OutboxDispatcher } from '../events/outbox-dispatcher.js'
import type { Database } from './database.js'

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
  readonly #outbox: OutboxDispatcher

  constructor({
    database,
    tenant,
    eventBus,
    outbox,
  }: {
    database: Database
    tenant: Tenant
    eventBus: ScopedEventBus
    outbox: OutboxDispatcher
  }) {
    this.#database = database
    this.tenantId = tenant.id
    this.#events = eventBus
    this.#outbox = outbox
  }

  async tx<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    const mark = this.#events.mark()
    let wroteEvents = false
    try {
      const result = await this.#database.app.transaction(async (trx) => {
        await bindTenant(trx, this.#database.kind, this.tenantId)
        const value = await fn(trx)
        wroteEvents = await this.#events.writeSince(mark, trx)
        return value
      })
      if (wroteEvents) this.#outbox.kick()
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

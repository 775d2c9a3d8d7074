import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import type { EventMap } from '../container/cradle.js'
import type { Database } from '../db/database.js'
import type { OutboxDispatcher } from './outbox-dispatcher.js'

interface PendingEvent {
  id: string
  name: string
  tenantId: string | null
  payload: unknown
}

/**
 * Request-scoped event buffer. Events emitted inside `TenantDb.tx()` go to the outbox in that
 * transaction; any left over are written by `flush()` when the scope ends successfully.
 * Nothing reaches a handler before its change is committed.
 */
export class ScopedEventBus {
  readonly #pending: PendingEvent[] = []
  readonly #database: Database
  readonly #outbox: OutboxDispatcher
  readonly #currentTenantId: () => string | null

  constructor(database: Database, outbox: OutboxDispatcher, currentTenantId: () => string | null) {
    this.#database = database
    this.#outbox = outbox
    this.#currentTenantId = currentTenantId
  }

  emit<E extends keyof EventMap>(
    name: E,
    payload: EventMap[E],
    opts: { tenantId?: string | null } = {},
  ): void {
    const tenantId = opts.tenantId === undefined ? this.#currentTenantId() : opts.tenantId
    this.#pending.push({ id: randomUUID(), name: String(name), tenantId, payload })
  }

  mark(): number {
    return this.#pending.length
  }

  discardSince(mark: number): void {
    this.#pending.splice(mark)
  }

  /** Writes the events emitted since `mark` in the caller's transaction. */
  async writeSince(mark: number, trx: Knex.Transaction): Promise<boolean> {
    const events = this.#pending.slice(mark)
    if (!events.length) return false
    await insertOutboxRows(trx, events)
    this.#pending.splice(mark)
    return true
  }

  /** Writes events emitted outside any transaction. Called when a scope ends without error. */
  async flush(): Promise<void> {
    if (!this.#pending.length) return
    const events = this.#pending.splice(0)
    await insertOutboxRows(this.#database.app, events)
    this.#outbox.kick()
  }

  /** Drops unflushed events: the scope failed, so its changes never happened. */
  clear(): void {
    this.#pending.splice(0)
  }
}

async function insertOutboxRows(
  knex: Knex | Knex.Transaction,
  events: PendingEvent[],
): Promise<void> {
  await knex('oo_outbox').insert(
    events.map((e) => ({
      event_id: e.id,
      tenant_id: e.tenantId,
      name: e.name,
      payload: JSON.stringify(e.payload),
    })),
  )
}

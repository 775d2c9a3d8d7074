import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import pg from 'pg'
import type { EventMap } from '../container/cradle.js'
import type { Database } from '../db/database.js'
import { bindTenant } from '../db/tenant-db.js'
import type { OutboxDispatcher, OutboxRow } from './outbox-dispatcher.js'

const { escapeLiteral } = pg

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

  /**
   * Writes the events emitted since `mark` in the caller's transaction, leased to this process.
   * The caller hands the returned rows to `delivered()` once the transaction has committed.
   */
  async writeSince(mark: number, trx: Knex.Transaction): Promise<OutboxRow[]> {
    const events = this.#pending.slice(mark)
    if (!events.length) return []
    const rows = await insertOutboxRows(trx, events, this.#outbox.lease())
    this.#pending.splice(mark)
    return rows
  }

  /**
   * Like `writeSince`, but as one statement with its values inlined that `send` puts on the
   * transaction's COMMIT (no round trip of its own); resolves with the rows once committed.
   */
  writeAtCommit(mark: number, send: (sql: string) => Promise<OutboxRow[]>): Promise<OutboxRow[]> {
    const events = this.#pending.slice(mark)
    if (!events.length) return Promise.resolve([])
    this.#pending.splice(mark)
    return send(outboxInsertSql(events, this.#outbox.lease()))
  }

  /** After commit: this process delivers the rows it wrote (no claim round trip). */
  committed(rows: OutboxRow[]): void {
    if (rows.length && rows[0]!.claimed_by) this.#outbox.deliverCommitted(rows)
  }

  /**
   * Writes events emitted outside any transaction. Called when a scope ends without error. A
   * tenant's events are written in a transaction bound to it (row-level security on the outbox).
   */
  async flush(): Promise<void> {
    if (!this.#pending.length) return
    const events = this.#pending.splice(0)
    const byTenant = new Map<string | null, PendingEvent[]>()
    for (const e of events) byTenant.set(e.tenantId, [...(byTenant.get(e.tenantId) ?? []), e])
    for (const [tenantId, group] of byTenant) {
      const rows = await this.#database.app.transaction(async (trx) => {
        if (tenantId) await bindTenant(trx, this.#database, tenantId)
        return insertOutboxRows(trx, group, this.#outbox.lease())
      })
      this.committed(rows)
    }
  }

  /** Drops unflushed events: the scope failed, so its changes never happened. */
  clear(): void {
    this.#pending.splice(0)
  }
}

const RETURNING = 'id, event_id, tenant_id, name, payload, created_at, attempts, claimed_by'

/** The outbox insert with its values as literals (pg's escaping), for the simple protocol. */
function outboxInsertSql(
  events: PendingEvent[],
  lease: { workerId: string; seconds: number } | null,
): string {
  const text = (v: string | null) => (v === null ? 'null' : escapeLiteral(v))
  const until = lease ? `now() + interval '${Number(lease.seconds)} seconds'` : 'null'
  const values = events.map(
    (e) =>
      `(${text(e.id)}::uuid, ${text(e.tenantId)}::uuid, ${text(e.name)}, ${text(JSON.stringify(e.payload))}::jsonb, ${text(lease?.workerId ?? null)}, ${until}, ${lease ? 1 : 0})`,
  )
  return `insert into oo_outbox (event_id, tenant_id, name, payload, claimed_by, claimed_until, attempts) values ${values.join(', ')} returning ${RETURNING}`
}

async function insertOutboxRows(
  knex: Knex | Knex.Transaction,
  events: PendingEvent[],
  lease: { workerId: string; seconds: number } | null,
): Promise<OutboxRow[]> {
  const claimedUntil = lease ? knex.raw(`now() + (? * interval '1 second')`, [lease.seconds]) : null
  return (await knex('oo_outbox')
    .insert(
      events.map((e) => ({
        event_id: e.id,
        tenant_id: e.tenantId,
        name: e.name,
        payload: JSON.stringify(e.payload),
        claimed_by: lease?.workerId ?? null,
        claimed_until: claimedUntil,
        attempts: lease ? 1 : 0,
      })),
    )
    .returning(RETURNING.split(', '))) as OutboxRow[]
}

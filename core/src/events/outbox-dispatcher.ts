import { hostname } from 'node:os'
import type { AwilixContainer } from 'awilix'
import type { Cradle, EventHandler, EventMap, OoEvent, RequestCradle } from '../container/cradle.js'
import { withScope } from '../container/scope.js'
import type { Database } from '../db/database.js'
import type { Logger } from '../logger.js'

interface OutboxRow {
  id: string
  event_id: string
  tenant_id: string | null
  name: string
  payload: unknown
  created_at: Date
  attempts: number
}

interface Registered {
  plugin: string
  handler: EventHandler<keyof EventMap>
}

const BATCH = 50
const LEASE_SECONDS = 30
const MAX_ATTEMPTS = 10

/**
 * Delivers outbox rows to plugin handlers. Rows are claimed with `FOR UPDATE SKIP LOCKED` and a
 * lease, so with several engine processes each event is handled by exactly one of them; a
 * process that dies mid-delivery loses its lease and another takes the row over. After a commit
 * the writer kicks its own dispatcher for low latency; a poll loop picks up the rest.
 */
export class OutboxDispatcher {
  readonly #handlers = new Map<string, Registered[]>()
  readonly #workerId = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`
  #database?: Database
  #root?: AwilixContainer<Cradle>
  #logger?: Logger
  #timer?: NodeJS.Timeout
  #running?: Promise<void>
  #again = false
  #stopped = true
  #pollIntervalMs = 1000
  delivered = 0

  on(name: string, plugin: string, handler: EventHandler<keyof EventMap>): void {
    const list = this.#handlers.get(name) ?? []
    list.push({ plugin, handler })
    this.#handlers.set(name, list)
  }

  start(opts: {
    database: Database
    root: AwilixContainer<Cradle>
    logger: Logger
    pollIntervalMs: number
    autoDispatch: boolean
  }): void {
    this.#database = opts.database
    this.#root = opts.root
    this.#logger = opts.logger
    this.#pollIntervalMs = opts.pollIntervalMs
    if (!opts.autoDispatch) return
    this.#stopped = false
    this.#schedule(0)
  }

  /** Called after a commit that wrote outbox rows. Coalesces into one drain. */
  kick(): void {
    if (this.#stopped) return
    if (this.#running) {
      this.#again = true
      return
    }
    this.#schedule(0)
  }

  /** Delivers everything due now. Used by shutdown and by tests. */
  async drain(): Promise<void> {
    while (this.#running) await this.#running
    this.#running = this.#drainLoop()
    try {
      await this.#running
    } finally {
      this.#running = undefined
    }
  }

  /** Stops polling, waits for the delivery in flight, then delivers what is left. */
  async stop(opts: { drain: boolean } = { drain: true }): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    while (this.#running) await this.#running
    if (opts.drain && this.#database) await this.drain()
  }

  /** Seconds since the oldest undelivered event was written (the `oo_outbox_lag_seconds` gauge). */
  async lagSeconds(): Promise<number> {
    if (!this.#database) return 0
    const row = await this.#database
      .app('oo_outbox')
      .whereNull('dispatched_at')
      .whereNull('failed_at')
      .min({ oldest: 'created_at' })
      .first()
    return row?.oldest ? Math.max(0, (Date.now() - new Date(row.oldest).getTime()) / 1000) : 0
  }

  #schedule(delay: number): void {
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => void this.#tick(), delay)
    this.#timer.unref()
  }

  async #tick(): Promise<void> {
    if (this.#stopped || this.#running) return
    try {
      await this.drain()
    } catch (err) {
      this.#logger?.error({ err }, 'outbox drain failed')
    }
    if (this.#stopped) return
    const again = this.#again
    this.#again = false
    this.#schedule(again ? 0 : this.#pollIntervalMs)
  }

  async #drainLoop(): Promise<void> {
    for (;;) {
      const rows = await this.#claim()
      // Tenants do not wait for each other; within a tenant, events keep their commit order.
      const byTenant = new Map<string | null, OutboxRow[]>()
      for (const row of rows)
        byTenant.set(row.tenant_id, [...(byTenant.get(row.tenant_id) ?? []), row])
      await Promise.all(
        [...byTenant.values()].map(async (list) => {
          for (const row of list) await this.#deliver(row)
        }),
      )
      if (rows.length < BATCH) return
    }
  }

  async #claim(): Promise<OutboxRow[]> {
    const db = this.#database
    if (!db) return []
    const { rows } = await db.app.raw(
      `update oo_outbox set claimed_by = ?, claimed_until = now() + interval '${LEASE_SECONDS} seconds', attempts = attempts + 1
        where id in (
          select id from oo_outbox
           where dispatched_at is null and failed_at is null and available_at <= now()
             and (claimed_until is null or claimed_until < now())
           order by id limit ${BATCH} for update skip locked)
        returning id, event_id, tenant_id, name, payload, created_at, attempts`,
      [this.#workerId],
    )
    return (rows as OutboxRow[]).sort((a, b) => Number(a.id) - Number(b.id))
  }

  async #deliver(row: OutboxRow): Promise<void> {
    const db = this.#database!
    const event: OoEvent = {
      id: row.event_id,
      name: row.name as keyof EventMap,
      tenantId: row.tenant_id,
      payload: row.payload as never,
      occurredAt: new Date(row.created_at),
    }
    try {
      for (const { plugin, handler } of this.#handlers.get(row.name) ?? []) {
        await withScope(
          this.#root!,
          row.tenant_id,
          async (scope: AwilixContainer<RequestCradle>) => {
            try {
              await handler({ event, scope })
            } catch (err) {
              throw Object.assign(new Error(`${plugin} failed to handle ${row.name}`), {
                cause: err,
              })
            }
          },
        )
      }
      await db
        .app('oo_outbox')
        .where({ id: row.id, claimed_by: this.#workerId })
        .update({ dispatched_at: db.app.fn.now() })
      this.delivered++
    } catch (err) {
      const failed = row.attempts >= MAX_ATTEMPTS
      this.#logger?.error(
        { err, event: row.name, eventId: row.event_id, attempts: row.attempts, failed },
        'event handler failed',
      )
      await db.app.raw(
        `update oo_outbox set claimed_until = null, last_error = ?, failed_at = ${failed ? 'now()' : 'null'},
           available_at = now() + (? * interval '1 second') where id = ?`,
        [
          String((err as Error).cause ?? err).slice(0, 2000),
          2 ** Math.min(row.attempts, 8),
          row.id,
        ],
      )
    }
  }
}

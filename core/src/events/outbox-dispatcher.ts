import { hostname } from 'node:os'
import type { AwilixContainer } from 'awilix'
import type { Cradle, EventHandler, EventMap, OoEvent, RequestCradle } from '../container/cradle.js'
import { withScope } from '../container/scope.js'
import type { Database } from '../db/database.js'
import type { Logger } from '../logger.js'

/** One outbox row as the dispatcher delivers it (also what a writer gets back from its insert). */
export interface OutboxRow {
  id: string
  event_id: string
  tenant_id: string | null
  name: string
  payload: unknown
  created_at: Date
  attempts: number
  /** Set when a writer leased the row to its own process at insert. */
  claimed_by?: string | null
}

interface Registered {
  plugin: string
  handler: EventHandler<keyof EventMap>
}

interface Queued {
  row: OutboxRow
  done: () => void
}

const BATCH = 50
const MAX_ATTEMPTS = 10
const PURGE_EVERY_MS = 60_000
const PURGE_BATCH = 1000
/** A lease is renewed this often, as a share of its length: two renewals may fail before it lapses. */
const RENEW_SHARE = 0.3

/**
 * Delivers outbox rows to plugin handlers, exactly once across engine processes unless one dies
 * mid-delivery. A writer inserts its rows already leased to its own process and hands them over
 * after commit, so the common path costs no claim query and no timer. A poll loop claims the
 * rest with `FOR UPDATE SKIP LOCKED` (rows written while this process was not dispatching,
 * retries after a failure, rows whose lease ran out because their process died). Per tenant,
 * rows are delivered one after another in the order they reached this process; tenants never
 * wait for each other. Delivered rows are marked in batches.
 * Its own statements (claim, marks, retries, purge, lag) cross tenants, so they run with owner
 * rights (`Database.ownerQuery`): `oo_app` itself sees only the bound tenant's outbox rows.
 *
 * Leases are short (`leaseSeconds`, 5) and renewed while this process lives: every 30 % of a lease
 * it extends the rows it holds (queued, in delivery, delivered but not yet marked), so a slow
 * handler keeps its rows and the rows of a process that died are taken over within seconds.
 */
export class OutboxDispatcher {
  readonly #handlers = new Map<string, Registered[]>()
  readonly #workerId = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`
  readonly #queues = new Map<string | null, Queued[]>()
  readonly #runners = new Map<string | null, Promise<void>>()
  #database?: Database
  #root?: AwilixContainer<Cradle>
  #logger?: Logger
  #timer?: NodeJS.Timeout
  #renewTimer?: NodeJS.Timeout
  #renewing?: Promise<void>
  #polling?: Promise<void>
  #stopped = true
  #abandon = false
  #outOfTime = false
  readonly #handedBack: string[] = []
  #pollIntervalMs = 1000
  #leaseSeconds = 5
  #retainSeconds = 86_400
  #lastPurge = Date.now()
  #toMark: string[] = []
  #marking?: Promise<void>
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
    leaseSeconds: number
    retainSeconds: number
  }): void {
    this.#database = opts.database
    this.#root = opts.root
    this.#logger = opts.logger
    this.#pollIntervalMs = opts.pollIntervalMs
    this.#leaseSeconds = opts.leaseSeconds
    this.#retainSeconds = opts.retainSeconds
    if (!opts.autoDispatch) return
    this.#stopped = false
    this.#schedule(0)
    this.#renewTimer = setInterval(
      () => void this.#renewLeases(),
      this.#leaseSeconds * 1000 * RENEW_SHARE,
    )
    this.#renewTimer.unref()
  }

  /**
   * The lease a writer puts on the rows it inserts, so that it can deliver them itself right after
   * commit; null while this process does not dispatch (the rows then wait for a claim).
   */
  lease(): { workerId: string; seconds: number } | null {
    return this.#stopped ? null : { workerId: this.#workerId, seconds: this.#leaseSeconds }
  }

  /** Rows committed under this process's lease: delivered now, in order per tenant. */
  deliverCommitted(rows: OutboxRow[]): void {
    void this.#enqueue(rows)
  }

  /** Delivers everything due now and waits for deliveries in flight. Used by shutdown and tests. */
  async drain(): Promise<void> {
    while (this.#polling) await this.#polling
    this.#polling = this.#claimLoop()
    try {
      await this.#polling
    } finally {
      this.#polling = undefined
    }
    await this.#settle()
  }

  /**
   * Stops polling and waits for the deliveries in flight; with `drain`, delivers what is left.
   * Without it, rows still queued here stay leased and another process takes them when the
   * lease runs out (what a crash would leave behind).
   */
  async stop(opts: { drain: boolean; withinMs?: number } = { drain: true }): Promise<void> {
    this.#stopped = true
    this.#abandon = !opts.drain
    clearTimeout(this.#timer)
    // A busy tenant's queue can hold thousands of rows: past the budget, the deliveries in
    // flight finish and the rest is handed back for another process to claim at once.
    const budget =
      opts.withinMs === undefined
        ? undefined
        : setTimeout(() => {
            this.#outOfTime = true
            this.#abandon = true
          }, opts.withinMs)
    try {
      while (this.#polling) await this.#polling
      if (opts.drain && this.#database) await this.drain()
      await this.#settle()
    } finally {
      clearTimeout(budget)
    }
    clearInterval(this.#renewTimer)
    await this.#renewing
    await this.#handBack()
  }

  /** Ends this process's lease on the rows a stop left undelivered: the next poll elsewhere takes them. */
  async #handBack(): Promise<void> {
    const ids = this.#handedBack.splice(0)
    if (!ids.length || !this.#database) return
    try {
      await this.#database!.ownerQuery(
        `update oo_outbox set claimed_by = null, claimed_until = null
          where id = any(?::bigint[]) and claimed_by = ? and dispatched_at is null`,
        [`{${ids.join(',')}}`, this.#workerId],
      )
      this.#logger?.warn({ rows: ids.length }, 'outbox rows handed back at stop, undelivered')
    } catch (err) {
      // Their leases lapse instead: delivered elsewhere a few seconds later.
      this.#logger?.error({ err, rows: ids.length }, 'could not hand back outbox rows')
    }
  }

  /** Waits for the deliveries in flight and the marks they left. */
  async #settle(): Promise<void> {
    while (this.#runners.size) await Promise.all(this.#runners.values())
    while (this.#marking) await this.#marking
  }

  /** Seconds since the oldest undelivered event was written (the `oo_outbox_lag_seconds` gauge). */
  async lagSeconds(): Promise<number> {
    if (!this.#database) return 0
    const { rows } = await this.#database.ownerQuery<{ oldest: Date | null }>(
      `select min(created_at) as oldest from oo_outbox where dispatched_at is null and failed_at is null`,
    )
    const row = rows[0]
    return row?.oldest ? Math.max(0, (Date.now() - new Date(row.oldest).getTime()) / 1000) : 0
  }

  /**
   * Extends the lease of every row this process holds. Without it a row would wait the full lease
   * after its process died, and a lease shorter than the slowest handler would hand the row to a
   * second process while the first still delivers it.
   */
  async #renewLeases(): Promise<void> {
    if (this.#renewing || !this.#database) return
    const ids = [...this.#toMark]
    for (const queue of this.#queues.values()) for (const { row } of queue) ids.push(row.id)
    if (!ids.length) return
    this.#renewing = (async () => {
      try {
        await this.#database!.ownerQuery(
          `update oo_outbox set claimed_until = now() + (? * interval '1 second')
            where id = any(?::bigint[]) and claimed_by = ? and dispatched_at is null`,
          [this.#leaseSeconds, `{${ids.join(',')}}`, this.#workerId],
        )
      } catch (err) {
        // A lease that lapses means at most one more delivery elsewhere: at least once, never lost.
        this.#logger?.error({ err, rows: ids.length }, 'could not renew outbox leases')
      } finally {
        this.#renewing = undefined
      }
    })()
    await this.#renewing
  }

  #schedule(delay: number): void {
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => void this.#tick(), delay)
    this.#timer.unref()
  }

  async #tick(): Promise<void> {
    if (this.#stopped || this.#polling) return
    this.#polling = this.#claimLoop()
    try {
      await this.#polling
    } catch (err) {
      this.#logger?.error({ err }, 'outbox poll failed')
    } finally {
      this.#polling = undefined
    }
    if (Date.now() - this.#lastPurge >= PURGE_EVERY_MS) {
      this.#lastPurge = Date.now()
      await this.purgeDelivered().catch((err: unknown) =>
        this.#logger?.error({ err }, 'outbox purge failed'),
      )
    }
    if (!this.#stopped) this.#schedule(this.#pollIntervalMs)
  }

  /**
   * Deletes rows delivered more than `retainSeconds` ago, a batch at a time (every process does
   * this about once a minute; concurrent purges skip each other's rows). Dead rows stay.
   */
  async purgeDelivered(): Promise<number> {
    const db = this.#database
    if (!db) return 0
    let purged = 0
    for (;;) {
      const result = await db.ownerQuery(
        `delete from oo_outbox where id in (
           select id from oo_outbox
            where dispatched_at is not null and dispatched_at < now() - (? * interval '1 second')
            order by dispatched_at limit ${PURGE_BATCH} for update skip locked)`,
        [this.#retainSeconds],
      )
      const deleted = Number(result.rowCount ?? result.affectedRows) || 0
      purged += deleted
      if (deleted < PURGE_BATCH) return purged
    }
  }

  async #claimLoop(): Promise<void> {
    for (;;) {
      if (this.#abandon) return
      const rows = await this.#claim()
      await this.#enqueue(rows)
      if (rows.length < BATCH) return
    }
  }

  /** Resolves when these rows have been handled (delivered, failed, or abandoned by a stop). */
  #enqueue(rows: OutboxRow[]): Promise<void> {
    return Promise.all(
      rows.map(
        (row) =>
          new Promise<void>((done) => {
            const queue = this.#queues.get(row.tenant_id)
            if (queue) return void queue.push({ row, done })
            this.#queues.set(row.tenant_id, [{ row, done }])
            this.#runners.set(row.tenant_id, this.#run(row.tenant_id))
          }),
      ),
    ).then(() => undefined)
  }

  /** One tenant's queue, one row at a time: within a tenant, handlers see events in order. */
  async #run(tenantId: string | null): Promise<void> {
    const queue = this.#queues.get(tenantId)!
    try {
      while (queue.length && !this.#abandon) {
        await this.#deliver(queue[0]!.row).catch((err: unknown) =>
          this.#logger?.error({ err }, 'outbox delivery failed'),
        )
        queue.shift()!.done()
      }
    } finally {
      for (const { row, done } of queue.splice(0)) {
        if (this.#outOfTime) this.#handedBack.push(row.id)
        done()
      }
      this.#queues.delete(tenantId)
      this.#runners.delete(tenantId)
      this.#flushMarksSoon()
    }
  }

  async #claim(): Promise<OutboxRow[]> {
    const db = this.#database
    if (!db) return []
    const { rows } = await db.ownerQuery(
      `update oo_outbox set claimed_by = ?, claimed_until = now() + (? * interval '1 second'), attempts = attempts + 1
        where id in (
          select id from oo_outbox
           where dispatched_at is null and failed_at is null and available_at <= now()
             and (claimed_until is null or claimed_until < now())
           order by id limit ${BATCH} for update skip locked)
        returning id, event_id, tenant_id, name, payload, created_at, attempts`,
      [this.#workerId, this.#leaseSeconds],
    )
    return (rows as unknown as OutboxRow[]).sort((a, b) => Number(a.id) - Number(b.id))
  }

  /**
   * Marks delivered rows in one statement per batch instead of one per row: when a tenant's queue
   * runs dry (a checkout's rows are delivered together, then marked together) or a batch is full.
   */
  #markDelivered(id: string): void {
    this.#toMark.push(id)
    if (this.#toMark.length >= BATCH) this.#flushMarksSoon()
  }

  #flushMarksSoon(): void {
    if (!this.#toMark.length || this.#marking) return
    this.#marking = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#flushMarks())
      .finally(() => {
        this.#marking = undefined
        // Rows delivered while the last statement was on its way.
        if (!this.#runners.size) this.#flushMarksSoon()
      })
  }

  async #flushMarks(): Promise<void> {
    while (this.#toMark.length) {
      const ids = this.#toMark.splice(0)
      try {
        // Not worth a WAL flush each: a mark lost in a database crash means one more delivery,
        // which a crash mid-handler can cause anyway (at least once). The initplan makes this
        // statement's own transaction commit asynchronously.
        await this.#database!.ownerQuery(
          `update oo_outbox set dispatched_at = now()
            where id = any(?::bigint[]) and claimed_by = ?
              and (select set_config('synchronous_commit', 'off', true)) = 'off'`,
          [`{${ids.join(',')}}`, this.#workerId],
        )
      } catch (err) {
        // Unmarked rows are delivered again once their lease runs out: at least once, never lost.
        this.#logger?.error({ err, rows: ids.length }, 'could not mark delivered outbox rows')
      }
    }
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
      this.#markDelivered(row.id)
      this.delivered++
    } catch (err) {
      const failed = row.attempts >= MAX_ATTEMPTS
      this.#logger?.error(
        { err, event: row.name, eventId: row.event_id, attempts: row.attempts, failed },
        'event handler failed',
      )
      await db.ownerQuery(
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

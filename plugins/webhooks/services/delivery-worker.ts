import { hostname } from 'node:os'
import type { Database, Logger, ScopedEventBus, ScopeRunner, TenantDb } from '@oo/core'
import type { WebhooksOptions } from '../config.js'
import type { SigningSecrets } from './secrets.js'
import { sendAttempt, type AttemptResult } from './sender.js'

interface Claimed {
  id: string
  endpoint_id: string
  message_id: string
  payload: unknown
  attempts: number
  url: string
  secret: string
}

const DUE_TENANTS_PER_PASS = 100
/** Heads claimed per tenant at a time (each one a different endpoint). */
const PER_TENANT = 4
/** A claim outlives its attempt by this much (the result is written after the send). */
const LEASE_MARGIN_MS = 30_000

/**
 * Each endpoint's next delivery ("head": its oldest pending one) may be claimed once its time
 * has come and no live claim holds it. A later delivery therefore waits for the earlier one to
 * be delivered or given up. Two processes racing for a head both try the UPDATE; the second
 * waits for the first's row lock, re-checks the claim on the new row and takes nothing.
 */
const CLAIM_SQL = `
  with heads as (
    select distinct on (d.endpoint_id) d.id, d.next_attempt_at, d.claimed_until
      from webhook_deliveries d
     where d.status = 'pending'
     order by d.endpoint_id, d.seq
  ), due as (
    select h.id from heads h
      join webhook_deliveries d on d.id = h.id
      join webhook_endpoints e on e.id = d.endpoint_id and e.enabled
     where h.next_attempt_at <= now() and (h.claimed_until is null or h.claimed_until < now())
     limit :max
  )
  update webhook_deliveries d
     set claimed_by = :worker, claimed_until = now() + (:leaseMs * interval '1 millisecond')
    from due, webhook_endpoints e
   where d.id = due.id and e.id = d.endpoint_id
     and d.status = 'pending' and d.next_attempt_at <= now()
     and (d.claimed_until is null or d.claimed_until < now())
  returning d.id, d.endpoint_id, d.message_id, d.payload, d.attempts, e.url, e.secret`

/** A success, as one statement: the delivery is done and the endpoint's failure clock stops. */
const DELIVERED_SQL = `
  with done as (
    update webhook_deliveries
       set status = 'delivered', attempts = attempts + 1, last_attempt_at = now(),
           delivered_at = now(), response_status = :status, last_error = null,
           claimed_by = null, claimed_until = null, updated_at = now()
     where id = :id and claimed_by = :worker
    returning endpoint_id
  )
  update webhook_endpoints set failing_since = null
   where id in (select endpoint_id from done) and failing_since is not null
  returning id`

/**
 * Sends queued deliveries: one process-wide loop that wakes on `nudge()` (an event was just
 * enqueued here) or every `pollIntervalMs` (retries, and events enqueued by other processes).
 * Only the question "which tenants have something due?" crosses tenants (a SECURITY DEFINER
 * function returning tenant ids); claims, sends' inputs and results stay behind RLS.
 */
export class WebhookDeliveryWorker {
  readonly #database: Database
  readonly #secrets: SigningSecrets
  readonly #scopes: ScopeRunner
  readonly #logger: Logger
  readonly #options: WebhooksOptions
  readonly #workerId = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`
  readonly #inFlight = new Set<AbortController>()
  #timer?: NodeJS.Timeout
  #pass?: Promise<void>
  #again = false
  #stopped = true
  /** Attempts made by this process (tests and logs). */
  attempts = 0

  constructor(deps: {
    database: Database
    scopes: ScopeRunner
    logger: Logger
    webhooksOptions: WebhooksOptions
    webhookSigningSecrets: SigningSecrets
  }) {
    this.#secrets = deps.webhookSigningSecrets
    this.#database = deps.database
    this.#scopes = deps.scopes
    this.#logger = deps.logger
    this.#options = deps.webhooksOptions
  }

  start(): void {
    this.#stopped = false
    this.#schedule(0)
  }

  /**
   * Stops the loop and cancels attempts in flight; their claims are released without counting an
   * attempt, so another process (or the next start) sends them. No timer is left behind.
   */
  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    this.#timer = undefined
    for (const controller of this.#inFlight) controller.abort(new Error('engine stopping'))
    while (this.#pass) await this.#pass
  }

  /** Something was enqueued on this process: look now rather than at the next poll. */
  nudge(): void {
    if (this.#stopped) return
    if (this.#pass) this.#again = true
    else this.#schedule(0)
  }

  #schedule(delay: number): void {
    if (this.#stopped) return
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => void this.#tick(), delay)
    this.#timer.unref()
  }

  async #tick(): Promise<void> {
    if (this.#stopped || this.#pass) return
    this.#again = false
    this.#pass = this.#runPass().catch((err: unknown) =>
      this.#logger.error({ err }, 'webhook delivery pass failed'),
    )
    await this.#pass
    this.#pass = undefined
    this.#schedule(this.#again ? 0 : this.#options.pollIntervalMs)
  }

  async #runPass(): Promise<void> {
    while (!this.#stopped) {
      const { rows } = (await this.#database.app.raw(
        'select tenant_id from oo_webhooks_due_tenants(?)',
        [DUE_TENANTS_PER_PASS],
      )) as { rows: { tenant_id: string }[] }
      if (!rows.length) return
      let claimed = 0
      await inBatches(rows, this.#options.concurrency, async ({ tenant_id }) => {
        claimed += await this.#runTenant(tenant_id)
      })
      // Due but nothing claimable (another process holds them): wait for the next poll.
      if (!claimed) return
    }
  }

  /** Claims and sends a tenant's due heads until none is left; returns how many were sent. */
  async #runTenant(tenantId: string): Promise<number> {
    let total = 0
    await this.#scopes.run(tenantId, async (scope) => {
      const { db } = scope.cradle
      while (!this.#stopped) {
        const claimed = await db.statement<Claimed>(CLAIM_SQL, {
          max: PER_TENANT,
          worker: this.#workerId,
          leaseMs: this.#options.timeoutMs + LEASE_MARGIN_MS,
        })
        if (!claimed.length) return
        // stop() came while the claim was on its way: hand the rows back unsent.
        if (this.#stopped)
          return void (await this.#release(
            db,
            claimed.map((d) => d.id),
          ))
        total += claimed.length
        await Promise.all(claimed.map((d) => this.#attempt(db, scope.cradle.eventBus, d)))
      }
    })
    return total
  }

  async #attempt(db: TenantDb, events: ScopedEventBus, d: Claimed): Promise<void> {
    const controller = new AbortController()
    const timer = setTimeout(
      () => controller.abort(Object.assign(new Error('timed out'), { name: 'TimeoutError' })),
      this.#options.timeoutMs,
    )
    this.#inFlight.add(controller)
    let result: AttemptResult
    try {
      result = await sendAttempt(
        {
          url: d.url,
          secret: this.#secrets.open(d.secret, db.tenantId),
          messageId: d.message_id,
          body: JSON.stringify(d.payload),
        },
        { allowPrivate: this.#options.allowPrivateTargets, signal: controller.signal },
      )
    } finally {
      clearTimeout(timer)
      this.#inFlight.delete(controller)
    }
    if (this.#stopped && !result.ok && controller.signal.aborted) return this.#release(db, [d.id])
    this.attempts++
    await this.#record(db, events, d, result)
  }

  /** Claims given back without counting an attempt: the next claim (any process) sends them. */
  async #release(db: TenantDb, ids: string[]): Promise<void> {
    await db.statement(
      `update webhook_deliveries set claimed_by = null, claimed_until = null
        where id = any(cast(:ids as uuid[])) and claimed_by = :worker`,
      { ids: `{${ids.join(',')}}`, worker: this.#workerId },
    )
  }

  /** Writes an attempt's outcome; repeated failure gives the delivery up, then the endpoint. */
  async #record(
    db: TenantDb,
    events: ScopedEventBus,
    d: Claimed,
    result: AttemptResult,
  ): Promise<void> {
    if (result.ok) {
      await db.statement(DELIVERED_SQL, {
        id: d.id,
        worker: this.#workerId,
        status: result.status,
      })
      return
    }
    const delays = this.#options.retryDelaysMs
    const giveUp = d.attempts + 1 > delays.length
    await db.tx(async (trx) => {
      const updated = await trx('webhook_deliveries')
        .where({ id: d.id, claimed_by: this.#workerId })
        .update({
          attempts: trx.raw('attempts + 1'),
          last_attempt_at: trx.fn.now(),
          response_status: result.status,
          last_error: result.error.slice(0, 2000),
          claimed_by: null,
          claimed_until: null,
          status: giveUp ? 'failed' : 'pending',
          ...(!giveUp && {
            next_attempt_at: trx.raw(`now() + (? * interval '1 millisecond')`, [
              delays[d.attempts] ?? 0,
            ]),
          }),
          updated_at: trx.fn.now(),
        })
      if (!updated) return // the endpoint was deleted meanwhile
      await trx('webhook_endpoints')
        .where({ id: d.endpoint_id })
        .whereNull('failing_since')
        .update({ failing_since: trx.fn.now() })
      const reason = `Failing without a success since the first failure for over ${Math.round(this.#options.disableAfterMs / 1000)} s; last error: ${result.error}`
      const [disabled] = await trx('webhook_endpoints')
        .where({ id: d.endpoint_id, enabled: true })
        .whereRaw(`failing_since <= now() - (? * interval '1 millisecond')`, [
          this.#options.disableAfterMs,
        ])
        .update({
          enabled: false,
          disabled_at: trx.fn.now(),
          disabled_reason: reason.slice(0, 2000),
          updated_at: trx.fn.now(),
        })
        .returning(['id', 'url', 'failing_since', 'disabled_at'])
      if (disabled) {
        this.#logger.warn(
          { endpointId: disabled.id, url: disabled.url },
          'webhook endpoint disabled',
        )
        events.emit('webhooks.endpoint.disabled', {
          endpointId: disabled.id,
          url: disabled.url,
          failingSince: new Date(disabled.failing_since).toISOString(),
          disabledAt: new Date(disabled.disabled_at).toISOString(),
          lastError: result.error.slice(0, 500),
        })
      }
    })
  }
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function inBatches<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane))
}

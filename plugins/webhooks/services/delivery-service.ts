import { applyListQuery, OoError, type ListQuery, type OoEvent, type TenantDb } from '@oo/core'
import type { DeliveryFilter } from '../routes/schemas.js'
import { DELIVERY_SORT, toDelivery, type Delivery, type DeliveryRow } from './rows.js'

const notFound = (id: string) =>
  new OoError('WEBHOOKS_DELIVERY_NOT_FOUND', 404, `Webhook delivery ${id} not found`)

/**
 * One delivery per subscribed, enabled endpoint, as one statement. A redelivered outbox event
 * (at least once) meets the unique (endpoint, event) index and adds nothing.
 */
const ENQUEUE_SQL = `
  insert into webhook_deliveries (tenant_id, endpoint_id, event_id, event_name, message_id, payload)
  select e.tenant_id, e.id, :eventId, :name, 'msg_' || replace(gen_random_uuid()::text, '-', ''),
         cast(:payload as jsonb)
    from webhook_endpoints e
   where e.enabled and e.events @> array[cast(:name as text)]
  on conflict (endpoint_id, event_id) where replay_of is null do nothing
  returning id`

/** A tenant's delivery log, the outbox handler's enqueue and the manual replay. */
export class WebhookDeliveryService {
  readonly #db: TenantDb

  constructor(deps: { db: TenantDb }) {
    this.#db = deps.db
  }

  /** Queues the event for every endpoint of the tenant subscribed to it; returns how many. */
  async enqueue(event: OoEvent): Promise<number> {
    // The body every attempt sends, as the Standard Webhooks spec shapes it.
    const payload = {
      type: event.name,
      timestamp: event.occurredAt.toISOString(),
      data: event.payload,
    }
    const rows = await this.#db.statement<{ id: string }>(ENQUEUE_SQL, {
      eventId: event.id,
      name: event.name,
      payload: JSON.stringify(payload),
    })
    return rows.length
  }

  async list(query: ListQuery<DeliveryFilter>): Promise<{ rows: Delivery[]; total: number }> {
    return this.#db.tx(async (trx) => {
      const { id, endpointId, status, eventName } = query.filter
      const base = trx('webhook_deliveries').modify((qb) => {
        if (id) qb.whereIn('id', Array.isArray(id) ? id : [id])
        if (endpointId) qb.where('endpoint_id', endpointId)
        if (status) qb.whereIn('status', Array.isArray(status) ? status : [status])
        if (eventName) qb.where('event_name', eventName)
      })
      const [counted] = await base.clone().count<{ total: string }[]>({ total: '*' })
      const rows: DeliveryRow[] = await applyListQuery(
        base.clone().select('*'),
        query,
        (f) => DELIVERY_SORT[f] ?? 'seq',
      ).orderBy('seq', 'desc')
      return { rows: rows.map((r) => toDelivery(r)), total: Number(counted?.total ?? 0) }
    })
  }

  async get(id: string): Promise<Delivery> {
    const row = await this.#db.tx((trx) => trx('webhook_deliveries').where({ id }).first())
    if (!row) throw notFound(id)
    return toDelivery(row, { withPayload: true })
  }

  /**
   * Sends a delivery's message again, whatever became of it: a new delivery at the end of its
   * endpoint's queue with the same `webhook-id` and body (receivers that dedupe see a resend).
   */
  async replay(id: string): Promise<Delivery> {
    return this.#db.tx(async (trx) => {
      const original: DeliveryRow | undefined = await trx('webhook_deliveries')
        .where({ id })
        .first()
      if (!original) throw notFound(id)
      const endpoint = await trx('webhook_endpoints')
        .where({ id: original.endpoint_id })
        .first('enabled')
      if (!endpoint?.enabled)
        throw new OoError(
          'WEBHOOKS_ENDPOINT_DISABLED',
          409,
          'The endpoint is disabled: enable it before replaying its deliveries',
          { field: 'endpointId' },
        )
      const [row] = await trx('webhook_deliveries')
        .insert({
          tenant_id: original.tenant_id,
          endpoint_id: original.endpoint_id,
          event_id: original.event_id,
          event_name: original.event_name,
          message_id: original.message_id,
          payload: JSON.stringify(original.payload),
          replay_of: original.replay_of ?? original.id,
        })
        .returning('*')
      return toDelivery(row as DeliveryRow, { withPayload: true })
    })
  }
}

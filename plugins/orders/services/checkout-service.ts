import { createHash } from 'node:crypto'
import { OoError, type Principal, type ScopedEventBus, type TenantDb } from '@oo/core'
import type { Knex } from 'knex'
import type { CheckoutBody } from '../routes/schemas.js'
import {
  actorOf,
  toLine,
  toOrder,
  toPlaced,
  type LineRow,
  type Order,
  type OrderRow,
} from './order-rows.js'
import type { OrderService } from './order-service.js'
import type { CatalogStock, PricedLine } from './ports.js'

/**
 * Guest checkout in two statements after BEGIN: the catalog prices the cart from the database
 * (client prices are never read) and takes its stock, then the order, lines and history are
 * written at once, so concurrent checkouts cannot oversell. The `Idempotency-Key` is claimed by
 * the order insert: a concurrent duplicate waits on the unique index (or the stock rows), rolls
 * back its own take and answers with the committed order; any failed checkout with a key checks
 * for an earlier order under that key before it reports the failure.
 */
export class CheckoutService {
  readonly #db: TenantDb
  readonly #orders: OrderService
  readonly #stock: CatalogStock
  readonly #events: ScopedEventBus
  readonly #principal: Principal | null

  constructor(deps: {
    db: TenantDb
    orderService: OrderService
    catalogStock: CatalogStock
    eventBus: ScopedEventBus
    principal: Principal | null
  }) {
    this.#db = deps.db
    this.#orders = deps.orderService
    this.#stock = deps.catalogStock
    this.#events = deps.eventBus
    this.#principal = deps.principal
  }

  async checkout(
    body: CheckoutBody,
    idempotencyKey?: string,
  ): Promise<{ order: Order; replayed: boolean }> {
    const items = mergeItems(body.items)
    const hash = idempotencyKey ? requestHash({ ...body, items }) : null
    try {
      return await this.#db.tx(async (trx) => {
        const priced = await this.#stock.priceAndTake(trx, items, { currency: body.currency })
        const row = await this.#insert(trx, body, priced, idempotencyKey ?? null, hash)
        // The key is taken (by an earlier checkout, or a concurrent one we waited for on the
        // index): roll back the stock just taken and answer with that order below.
        if (!row) throw new KeyTaken()
        const lines = row.lines.sort((x, y) => Number(x.line_no) - Number(y.line_no)).map(toLine)
        const order = toOrder(row, lines)
        this.#events.emit('orders.order.placed', {
          orderId: order.id,
          number: order.number,
          order: toPlaced(order),
        })
        return { order, replayed: false }
      })
    } catch (err) {
      if (!idempotencyKey) throw err
      // A retry whose first attempt went through is answered with that order, even when the
      // stock it took is now gone.
      const replay = await this.#db.tx((trx) => this.#replay(trx, idempotencyKey, hash))
      if (replay) return replay
      if (err instanceof KeyTaken)
        throw new OoError(
          'ORDERS_IDEMPOTENCY_CONFLICT',
          409,
          'A checkout with this Idempotency-Key is in progress; retry',
        )
      throw err
    }
  }

  /**
   * The order, its lines and the first history entry in one round trip, after the stock was taken
   * (the stock rows stay locked until commit, so everything after the take is this one
   * statement). Null when the Idempotency-Key is already taken.
   */
  async #insert(
    trx: Knex.Transaction,
    body: CheckoutBody,
    priced: PricedLine[],
    idempotencyKey: string | null,
    hash: string | null,
  ): Promise<(OrderRow & { lines: LineRow[] }) | null> {
    const actor = actorOf(this.#principal)
    const lines = priced.map((line, i) => ({
      line_no: i + 1,
      product_id: line.productId,
      name: line.name,
      quantity: line.quantity,
      unit_price_minor: line.unitPriceMinor,
      currency: line.currency,
      category_id: line.categoryId ?? null,
      category_slug: line.categorySlug ?? null,
      farmer_id: line.farmerId ?? null,
    }))
    const { rows } = (await trx.raw(
      `with o as (
         insert into orders (tenant_id, customer_name, customer_phone, pickup_name, note, idempotency_key, request_hash, total_minor, currency)
         values (:tenant, :customerName, :customerPhone, :pickupName, :note, :idempotencyKey, :hash, :total, :currency)
         on conflict (tenant_id, idempotency_key) do nothing
         returning *),
       l as (
         insert into order_lines (tenant_id, order_id, line_no, product_id, name, quantity, unit_price_minor, currency, category_id, category_slug, farmer_id)
         select :tenant, o.id, x.line_no, x.product_id, x.name, x.quantity, x.unit_price_minor, x.currency, x.category_id, x.category_slug, x.farmer_id
           from o cross join json_to_recordset(:lines::json) as x(line_no int, product_id text, name text, quantity int, unit_price_minor bigint, currency text,
                                                                  category_id text, category_slug text, farmer_id text)
         returning *),
       h as (
         insert into order_history (tenant_id, order_id, from_status, to_status, actor_kind, actor_id, actor_label)
         select :tenant, o.id, null, 'placed', :actorKind, :actorId, :actorLabel from o)
       select o.*, (select json_agg(l) from l) as lines from o`,
      {
        tenant: this.#db.tenantId,
        customerName: body.customer.name ?? null,
        customerPhone: body.customer.phone ?? null,
        pickupName: body.customer.pickupName ?? body.customer.name ?? null,
        note: body.note || null,
        idempotencyKey,
        hash,
        total: priced.reduce((sum, l) => sum + l.unitPriceMinor * l.quantity, 0),
        currency: priced[0]?.currency ?? null,
        lines: JSON.stringify(lines),
        actorKind: actor.kind,
        actorId: actor.id,
        actorLabel: actor.label,
      },
    )) as { rows: (OrderRow & { lines: LineRow[] })[] }
    return rows[0] ?? null
  }

  async #replay(
    trx: Knex.Transaction,
    key: string,
    hash: string | null,
  ): Promise<{ order: Order; replayed: true } | null> {
    const existing = (await trx('orders')
      .where({ idempotency_key: key })
      .first('id', 'request_hash')) as { id: string; request_hash: string | null } | undefined
    if (!existing) return null
    if (existing.request_hash !== hash) {
      throw new OoError(
        'ORDERS_IDEMPOTENCY_KEY_REUSED',
        422,
        'This Idempotency-Key was used for a different checkout',
        { field: 'Idempotency-Key' },
      )
    }
    return { order: await this.#orders.getIn(trx, existing.id), replayed: true }
  }
}

/** The same product twice in a cart is one line. */
function mergeItems(items: CheckoutBody['items']): { productId: string; quantity: number }[] {
  const merged = new Map<string, number>()
  for (const { productId, quantity } of items)
    merged.set(productId.toLowerCase(), (merged.get(productId.toLowerCase()) ?? 0) + quantity)
  return [...merged].map(([productId, quantity]) => ({ productId, quantity }))
}

function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex')
}

/** The Idempotency-Key belongs to another checkout; thrown to roll the transaction back. */
class KeyTaken extends Error {}

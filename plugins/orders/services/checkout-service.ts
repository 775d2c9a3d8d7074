import { createHash } from 'node:crypto'
import { OoError, type Principal, type ScopedEventBus, type TenantDb } from '@oo/core'
import type { Knex } from 'knex'
import type { CheckoutBody } from '../routes/schemas.js'
import { actorOf, toLine, toOrder, type LineRow, type Order, type OrderRow } from './order-rows.js'
import type { OrderService } from './order-service.js'
import type { CatalogStock, PricedLine } from './ports.js'

/**
 * Guest checkout. The cart is priced by the catalog from the database (client prices are never
 * read) and stock is taken in the same transaction as the order, so concurrent checkouts cannot
 * oversell. An `Idempotency-Key` is claimed by inserting the order row first: a concurrent
 * duplicate waits on the unique index, then finds the committed order and returns it.
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

  checkout(
    body: CheckoutBody,
    idempotencyKey?: string,
  ): Promise<{ order: Order; replayed: boolean }> {
    const items = mergeItems(body.items)
    const hash = idempotencyKey ? requestHash({ ...body, items }) : null
    return this.#db.tx(async (trx) => {
      const [created] = (await trx('orders')
        .insert({
          tenant_id: this.#db.tenantId,
          customer_name: body.customer.name ?? null,
          customer_phone: body.customer.phone ?? null,
          pickup_name: body.customer.pickupName ?? body.customer.name ?? null,
          note: body.note || null,
          idempotency_key: idempotencyKey ?? null,
          request_hash: hash,
        })
        .onConflict(['tenant_id', 'idempotency_key'])
        .ignore()
        .returning('*')) as OrderRow[]
      if (!created) {
        // The key is taken: by an earlier checkout, or by a concurrent one we waited for on the index.
        const replay = await this.#replay(trx, idempotencyKey!, hash)
        if (replay) return replay
        throw new OoError(
          'ORDERS_IDEMPOTENCY_CONFLICT',
          409,
          'A checkout with this Idempotency-Key is in progress; retry',
        )
      }
      const priced = await this.#stock.priceAndTake(trx, items, { currency: body.currency })
      // The stock rows stay locked until commit: everything after the take is one statement.
      const row = await this.#complete(trx, created, priced)
      this.#events.emit('orders.order.placed', {
        orderId: created.id,
        number: Number(created.number),
      })
      const lines = row.lines.sort((x, y) => Number(x.line_no) - Number(y.line_no)).map(toLine)
      return { order: toOrder(row, lines), replayed: false }
    })
  }

  /** Lines, total and the first history entry, written in one round trip. */
  async #complete(
    trx: Knex.Transaction,
    order: OrderRow,
    priced: PricedLine[],
  ): Promise<OrderRow & { lines: LineRow[] }> {
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
    const total = priced.reduce((sum, l) => sum + l.unitPriceMinor * l.quantity, 0)
    const { rows } = (await trx.raw(
      `with l as (
         insert into order_lines (tenant_id, order_id, line_no, product_id, name, quantity, unit_price_minor, currency, category_id, category_slug, farmer_id)
         select :tenant, :orderId, x.line_no, x.product_id, x.name, x.quantity, x.unit_price_minor, x.currency, x.category_id, x.category_slug, x.farmer_id
           from json_to_recordset(:lines::json) as x(line_no int, product_id text, name text, quantity int, unit_price_minor bigint, currency text,
                                                   category_id text, category_slug text, farmer_id text)
         returning *),
       h as (
         insert into order_history (tenant_id, order_id, from_status, to_status, actor_kind, actor_id, actor_label)
         values (:tenant, :orderId, null, 'placed', :actorKind, :actorId, :actorLabel))
       update orders o set total_minor = :total, currency = :currency where o.id = :orderId
       returning o.*, (select json_agg(l) from l) as lines`,
      {
        tenant: this.#db.tenantId,
        orderId: order.id,
        lines: JSON.stringify(lines),
        actorKind: actor.kind,
        actorId: actor.id,
        actorLabel: actor.label,
        total,
        currency: priced[0]?.currency ?? null,
      },
    )) as { rows: (OrderRow & { lines: LineRow[] })[] }
    return rows[0]!
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

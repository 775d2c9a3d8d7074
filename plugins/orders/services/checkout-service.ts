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
import type { AfterTake, CatalogStock } from './ports.js'

/**
 * Guest checkout in one statement after BEGIN: the catalog prices the cart from the database
 * (client prices are never read) and takes its stock, and the same statement writes the order,
 * its lines and its history from the taken rows, so concurrent checkouts cannot oversell and the
 * stock rows stay locked only until the COMMIT that follows. The `Idempotency-Key` is claimed by
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
        const { after: row } = await this.#stock.priceAndTakeThen<{
          order: OrderRow
          lines: LineRow[]
        }>(trx, items, {
          currency: body.currency,
          after: this.#orderWrite(body, items, idempotencyKey ?? null, hash),
        })
        // The key is taken (by an earlier checkout, or a concurrent one we waited for on the
        // index): roll back the stock just taken and answer with that order below.
        if (!row) throw new KeyTaken()
        const lines = row.lines.sort((x, y) => Number(x.line_no) - Number(y.line_no)).map(toLine)
        const order = toOrder(row.order, lines)
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
   * The order, its lines and the first history entry, written in the stock take's statement from
   * the rows it priced (`priced`), only when the whole cart was taken. The result is null when
   * the Idempotency-Key is already taken. The order's number is the next of the shop's own
   * sequence (`oo_next_order_number()`, taken only when the cart was taken; it holds no lock a
   * second checkout waits on, and a rolled-back checkout leaves a gap).
   */
  #orderWrite(
    body: CheckoutBody,
    items: { productId: string; quantity: number }[],
    idempotencyKey: string | null,
    hash: string | null,
  ): AfterTake {
    const actor = actorOf(this.#principal)
    return {
      ctes: `cart as (
         select * from json_to_recordset(:cart::json) as x(line_no int, product_id text, quantity int)),
       o as (
         insert into orders (tenant_id, number, customer_name, customer_phone, pickup_name, note, idempotency_key, request_hash, total_minor, currency)
         select :tenant, public.oo_next_order_number(), :customerName, :customerPhone, :pickupName, :note, :idempotencyKey, :hash,
                (select sum(p.price_minor * x.quantity) from cart x join priced p on p.id::text = x.product_id),
                (select min(p.currency) from priced p)
          where (select ok from take_complete)
         on conflict (tenant_id, idempotency_key) do nothing
         returning *),
       l as (
         insert into order_lines (tenant_id, order_id, line_no, product_id, name, quantity, unit_price_minor, currency, category_id, category_slug, farmer_id)
         select :tenant, o.id, x.line_no, p.id, p.name, x.quantity, p.price_minor, p.currency, p.category_id, p.category_slug, p.farmer_id
           from o cross join cart x join priced p on p.id::text = x.product_id
         returning *),
       h as (
         insert into order_history (tenant_id, order_id, from_status, to_status, actor_kind, actor_id, actor_label)
         select :tenant, o.id, null, 'placed', :actorKind, :actorId, :actorLabel from o)`,
      result: `(select json_build_object('order', to_json(o), 'lines', (select json_agg(l) from l)) from o)`,
      bindings: {
        tenant: this.#db.tenantId,
        customerName: body.customer.name ?? null,
        customerPhone: body.customer.phone ?? null,
        pickupName: body.customer.pickupName ?? body.customer.name ?? null,
        note: body.note || null,
        idempotencyKey,
        hash,
        cart: JSON.stringify(
          items.map((item, i) => ({
            line_no: i + 1,
            product_id: item.productId,
            quantity: item.quantity,
          })),
        ),
        actorKind: actor.kind,
        actorId: actor.id,
        actorLabel: actor.label,
      },
    }
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

import { createHash } from 'node:crypto'
import { OoError, type TenantDb } from '@oo/core'
import type { Knex } from 'knex'
import type { CheckoutBody } from '../routes/schemas.js'
import { toLine, toOrder, type LineRow, type Order, type OrderRow } from './order-rows.js'
import type { OrderService } from './order-service.js'
import type { CatalogStock } from './ports.js'

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

  constructor(deps: { db: TenantDb; orderService: OrderService; catalogStock: CatalogStock }) {
    this.#db = deps.db
    this.#orders = deps.orderService
    this.#stock = deps.catalogStock
  }

  checkout(body: CheckoutBody, idempotencyKey?: string): Promise<{ order: Order; replayed: boolean }> {
    const items = mergeItems(body.items)
    const hash = idempotencyKey ? requestHash({ ...body, items }) : null
    return this.#db.tx(async (trx) => {
      if (idempotencyKey) {
        const replay = await this.#replay(trx, idempotencyKey, hash)
        if (replay) return replay
      }
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
        // Lost the race for this key: the winner has committed (we waited on its index entry).
        const replay = await this.#replay(trx, idempotencyKey!, hash)
        if (replay) return replay
        throw new OoError('ORDERS_IDEMPOTENCY_CONFLICT', 409, 'A checkout with this Idempotency-Key is in progress; retry')
      }
      const priced = await this.#stock.priceAndTake(trx, items, { currency: body.currency })
      const lineRows = (await trx('order_lines').insert(
        priced.map((line, i) => ({
          tenant_id: this.#db.tenantId,
          order_id: created.id,
          line_no: i + 1,
          product_id: line.productId,
          name: line.name,
          quantity: line.quantity,
          unit_price_minor: line.unitPriceMinor,
          currency: line.currency,
          category_id: line.categoryId ?? null,
          category_slug: line.categorySlug ?? null,
          farmer_id: line.farmerId ?? null,
        })),
      ).returning('*')) as LineRow[]
      const total = priced.reduce((sum, l) => sum + l.unitPriceMinor * l.quantity, 0)
      const [row] = (await trx('orders').where({ id: created.id }).update({ total_minor: total, currency: priced[0]?.currency ?? body.currency ?? null }).returning('*')) as OrderRow[]
      await this.#orders.recordPlaced(trx, created.id, Number(created.number))
      const lines = lineRows.sort((x, y) => Number(x.line_no) - Number(y.line_no)).map(toLine)
      return { order: toOrder(row!, lines), replayed: false }
    })
  }

  async #replay(trx: Knex.Transaction, key: string, hash: string | null): Promise<{ order: Order; replayed: true } | null> {
    const existing = (await trx('orders').where({ idempotency_key: key }).first('id', 'request_hash')) as { id: string; request_hash: string | null } | undefined
    if (!existing) return null
    if (existing.request_hash !== hash) {
      throw new OoError('ORDERS_IDEMPOTENCY_KEY_REUSED', 422, 'This Idempotency-Key was used for a different checkout', { field: 'Idempotency-Key' })
    }
    return { order: await this.#orders.getIn(trx, existing.id), replayed: true }
  }
}

/** The same product twice in a cart is one line. */
function mergeItems(items: CheckoutBody['items']): { productId: string; quantity: number }[] {
  const merged = new Map<string, number>()
  for (const { productId, quantity } of items) merged.set(productId.toLowerCase(), (merged.get(productId.toLowerCase()) ?? 0) + quantity)
  return [...merged].map(([productId, quantity]) => ({ productId, quantity }))
}

function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex')
}

import {
  applyListQuery,
  OoError,
  type ListQuery,
  type Principal,
  type ScopedEventBus,
  type TenantDb,
} from '@oo/core'
import type { Knex } from 'knex'
import type { ListOrdersFilter } from '../routes/schemas.js'
import { forwardPath, nextStatus, recallStatus, type OrderStatus } from './order-state.js'
import {
  actorOf,
  toHistory,
  toLine,
  toOrder,
  type LineRow,
  type Order,
  type OrderHistoryEntry,
  type OrderRow,
} from './order-rows.js'
import type { CatalogStock } from './ports.js'

const SORTABLE: Record<string, string> = {
  placedAt: 'placed_at',
  number: 'number',
  status: 'status',
  statusChangedAt: 'status_changed_at',
  id: 'id',
}
export const SORTABLE_FIELDS = Object.keys(SORTABLE)

/** Whose view of the orders: a farmer sees only orders with their products, and only those lines. */
export interface OrderViewer {
  farmerId?: string
}

/**
 * Reads orders and moves them through their lifecycle. Every change takes the order's row lock,
 * is checked by the state machine, written to the history and announced as an event in the same
 * transaction. The `*In(trx, …)` variants let another plugin (the KDS) act inside its own
 * transaction, so its changes and ours commit together.
 */
export class OrderService {
  readonly #db: TenantDb
  readonly #events: ScopedEventBus
  readonly #principal: Principal | null
  readonly #stock: CatalogStock

  constructor(deps: {
    db: TenantDb
    eventBus: ScopedEventBus
    principal: Principal | null
    catalogStock: CatalogStock
  }) {
    this.#db = deps.db
    this.#events = deps.eventBus
    this.#principal = deps.principal
    this.#stock = deps.catalogStock
  }

  get(id: string, viewer: OrderViewer = {}): Promise<Order> {
    return this.#db.tx((trx) => this.getIn(trx, id, viewer))
  }

  async getIn(trx: Knex.Transaction, id: string, viewer: OrderViewer = {}): Promise<Order> {
    const order = await this.findIn(trx, id, viewer)
    if (!order) throw new OoError('ORDERS_ORDER_NOT_FOUND', 404, `Order ${id} not found`)
    return order
  }

  /** One round trip: the order with its lines (only the viewer's, for a farmer). */
  async findIn(trx: Knex.Transaction, id: string, viewer: OrderViewer = {}): Promise<Order | null> {
    const farmer = viewer.farmerId ? 'and l.farmer_id = ?' : ''
    const { rows } = (await trx.raw(
      `select o.*, coalesce((select json_agg(l order by l.line_no) from order_lines l where l.order_id = o.id ${farmer}), '[]'::json) as lines
         from orders o where o.id = ?`,
      viewer.farmerId ? [viewer.farmerId, id] : [id],
    )) as { rows: (OrderRow & { lines: LineRow[] })[] }
    const found = rows[0]
    if (!found) return null
    const { lines, ...row } = found
    return toOrder(row as OrderRow, lines.map(toLine))
  }

  history(id: string): Promise<OrderHistoryEntry[]> {
    return this.#db.tx(async (trx) => {
      const rows = await trx('order_history')
        .where({ order_id: id })
        .orderBy([{ column: 'created_at' }, { column: 'id' }])
      return rows.map(toHistory)
    })
  }

  list(
    query: ListQuery<ListOrdersFilter>,
    viewer: OrderViewer = {},
  ): Promise<{ rows: Order[]; total: number }> {
    return this.#db.tx(async (trx) => {
      const base = trx('orders')
      const { filter } = query
      if (filter.id) base.whereIn('id', ([] as string[]).concat(filter.id))
      if (filter.status) base.whereIn('status', ([] as string[]).concat(filter.status))
      if (filter.placedAt_gte) base.where('placed_at', '>=', filter.placedAt_gte)
      if (filter.placedAt_lte) base.where('placed_at', '<=', filter.placedAt_lte)
      if (filter.q) {
        const q = filter.q
        base.where((w) => {
          w.whereILike('pickup_name', `%${q}%`).orWhereILike('customer_name', `%${q}%`)
          if (/^\d{1,15}$/.test(q)) w.orWhere('number', Number(q))
        })
      }
      if (viewer.farmerId) {
        base.whereExists((sub) =>
          sub
            .select(trx.raw('1'))
            .from('order_lines as l')
            .whereRaw('l.order_id = orders.id')
            .andWhere('l.farmer_id', viewer.farmerId!),
        )
      }
      const [{ count }] = (await base.clone().count({ count: '*' })) as [{ count: string }]
      const rows = (await applyListQuery(
        base.select('*'),
        query,
        (f) => SORTABLE[f] ?? 'placed_at',
      )) as OrderRow[]
      return { rows: await this.#withLines(trx, rows, viewer), total: Number(count) }
    })
  }

  transition(id: string, to: OrderStatus, opts: { reason?: string } = {}): Promise<Order> {
    return this.#db.tx((trx) => this.transitionIn(trx, id, to, opts))
  }

  recall(id: string): Promise<Order> {
    return this.#db.tx((trx) => this.recallIn(trx, id))
  }

  /** One legal step. Cancelling returns the stock in the same transaction. */
  async transitionIn(
    trx: Knex.Transaction,
    id: string,
    to: OrderStatus,
    opts: { reason?: string } = {},
  ): Promise<Order> {
    const row = await this.#lock(trx, id)
    const from = row.status as OrderStatus
    await this.#move(trx, row, nextStatus(from, to), opts.reason)
    return this.getIn(trx, id)
  }

  async recallIn(trx: Knex.Transaction, id: string): Promise<Order> {
    const row = await this.#lock(trx, id)
    await this.#move(trx, row, recallStatus(row.status as OrderStatus), 'recall')
    return this.getIn(trx, id)
  }

  /** Every forward step up to `to` (a ticket bumped straight to ready). */
  async advanceIn(trx: Knex.Transaction, id: string, to: OrderStatus): Promise<Order> {
    const row = await this.#lock(trx, id)
    for (const step of forwardPath(row.status as OrderStatus, to)) {
      await this.#move(trx, row, step)
      row.status = step
    }
    return this.getIn(trx, id)
  }

  async #lock(trx: Knex.Transaction, id: string): Promise<OrderRow> {
    const row = (await trx('orders').where({ id }).forUpdate().first()) as OrderRow | undefined
    if (!row) throw new OoError('ORDERS_ORDER_NOT_FOUND', 404, `Order ${id} not found`)
    return row
  }

  async #move(
    trx: Knex.Transaction,
    row: OrderRow,
    to: OrderStatus,
    reason?: string,
  ): Promise<void> {
    const from = row.status as OrderStatus
    const actor = actorOf(this.#principal)
    const [{ at }] = (await trx('orders')
      .where({ id: row.id })
      .update({ status: to, status_changed_at: trx.fn.now(), updated_at: trx.fn.now() })
      .returning('status_changed_at as at')) as [{ at: Date }]
    await trx('order_history').insert({
      tenant_id: this.#db.tenantId,
      order_id: row.id,
      from_status: from,
      to_status: to,
      actor_kind: actor.kind,
      actor_id: actor.id,
      actor_label: actor.label,
      reason: reason ?? null,
    })
    if (to === 'cancelled') {
      const lines = (await trx('order_lines')
        .where({ order_id: row.id })
        .select('product_id', 'quantity')) as { product_id: string; quantity: number }[]
      await this.#stock.giveBack(
        trx,
        lines.map((l) => ({ productId: l.product_id, quantity: Number(l.quantity) })),
      )
    }
    this.#events.emit('orders.order.status-changed', {
      orderId: row.id,
      number: Number(row.number),
      from,
      to,
      at: new Date(at).toISOString(),
      actor: { kind: actor.kind, id: actor.id },
    })
  }

  async #withLines(trx: Knex.Transaction, rows: OrderRow[], viewer: OrderViewer): Promise<Order[]> {
    if (!rows.length) return []
    const q = trx('order_lines')
      .whereIn(
        'order_id',
        rows.map((r) => r.id),
      )
      .orderBy([{ column: 'order_id' }, { column: 'line_no' }])
    if (viewer.farmerId) q.where('farmer_id', viewer.farmerId)
    const lines = (await q) as LineRow[]
    const byOrder = new Map<string, LineRow[]>()
    for (const line of lines)
      byOrder.set(line.order_id, [...(byOrder.get(line.order_id) ?? []), line])
    return rows.map((row) => toOrder(row, (byOrder.get(row.id) ?? []).map(toLine)))
  }
}

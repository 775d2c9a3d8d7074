import { OoError, type ListQuery, type TenantDb } from '@oo/core'
import type { Knex } from 'knex'
import { PurchaseOrderLine, SalesOrder } from '../models/orders.js'
import type { OrderFilter, SalesOrderBody, SalesOrderUpdate } from '../routes/schemas.js'
import { assertMayEdit, type Actor } from './actor.js'
import { translateDbError } from './db-errors.js'
import { historyOf, nextNumber, priceLines, recordTransition } from './documents.js'
import { listPage } from './list.js'
import { salesOrderState, type SalesOrderStatus } from './state/sales-order-state.js'

const DETAIL = '[lines.[productType, purchaseOrderLine.purchaseOrder], customer, plant]'

export class SalesOrderService {
  readonly #db: TenantDb

  constructor({ db }: { db: TenantDb }) {
    this.#db = db
  }

  list(query: ListQuery<OrderFilter>) {
    return this.#db.tx(async (trx) =>
      listPage(SalesOrder.query(trx), query as ListQuery<Record<string, unknown>>, {
        filters: ['status', 'customerId'],
      }),
    )
  }

  get(id: string) {
    return this.#db.tx(async (trx) => this.#detail(trx, id))
  }

  create(body: SalesOrderBody, actor: Actor) {
    const { lines, totalMinor } = priceLines(body.lines)
    return this.#db
      .tx(async (trx) => {
        await assertLinks(trx, body.lines)
        const so = await SalesOrder.query(trx)
          .insertGraph({
            ...body,
            lines,
            totalMinor,
            number: await nextNumber(trx, 'sales_order'),
            status: salesOrderState.initial,
            createdBy: actor.id,
          })
          .returning('*')
        await recordTransition(
          trx,
          { entity: 'sales_order', entityId: so.id, from: null, to: so.status },
          actor,
        )
        return this.#detail(trx, so.id)
      })
      .catch((err: unknown) => translateDbError(err))
  }

  update(id: string, body: SalesOrderUpdate, actor: Actor) {
    return this.#db
      .tx(async (trx) => {
        const so = await this.#lock(trx, id, actor)
        if (so.status !== 'draft')
          throw new OoError(
            'BROKERAGE_NOT_EDITABLE',
            409,
            `Sales order ${so.number} is ${so.status}; only drafts change`,
          )
        await assertLinks(trx, body.lines)
        const current = new Set((await so.$relatedQuery('lines', trx)).map((l) => l.id))
        const { lines, totalMinor } = priceLines(
          body.lines.map(({ id: lineId, ...line }) =>
            lineId && current.has(lineId) ? { id: lineId, ...line } : line,
          ),
        )
        await SalesOrder.query(trx).upsertGraph(
          { ...body, id, lines, totalMinor },
          { noRelate: true },
        )
        return this.#detail(trx, id)
      })
      .catch((err: unknown) => translateDbError(err))
  }

  transition(id: string, to: SalesOrderStatus, actor: Actor, reason?: string) {
    return this.#db.tx(async (trx) => {
      const so = await this.#lock(trx, id, actor)
      const status = salesOrderState.next(so.status, to)
      await SalesOrder.query(trx).findById(id).patch({ status })
      await recordTransition(
        trx,
        { entity: 'sales_order', entityId: id, from: so.status, to: status, reason },
        actor,
      )
      return this.#detail(trx, id)
    })
  }

  async #lock(trx: Knex.Transaction, id: string, actor: Actor) {
    const so = await SalesOrder.query(trx).findById(id).forUpdate()
    if (!so) throw notFound(id)
    assertMayEdit(actor, so, 'sales orders')
    return so
  }

  /** The order with its lines, the purchase orders they come from, its margin and history. */
  async #detail(trx: Knex.Transaction, id: string) {
    const so = await SalesOrder.query(trx).findById(id).withGraphFetched(DETAIL)
    if (!so) throw notFound(id)
    const purchaseOrders = new Map<string, { id: string; number: number; status: string }>()
    let costMinor = 0
    for (const line of so.lines ?? []) {
      const source = line.purchaseOrderLine
      if (!source) continue
      costMinor += Math.round(line.weight * source.pricePerUnitMinor)
      const po = source.purchaseOrder!
      purchaseOrders.set(po.id, { id: po.id, number: po.number, status: po.status })
    }
    const sourcedMinor = (so.lines ?? [])
      .filter((l) => l.purchaseOrderLine)
      .reduce((n, l) => n + l.lineTotalMinor, 0)
    return {
      ...so.toJSON(),
      purchaseOrderIds: [...purchaseOrders.keys()],
      purchaseOrders: [...purchaseOrders.values()],
      /** Revenue minus cost over the lines sourced from a purchase order. */
      marginMinor: sourcedMinor - costMinor,
      nextStatuses: salesOrderState.allowed(so.status),
      history: await historyOf(trx, id),
    }
  }
}

/**
 * A sales line may name the purchase-order line it is sourced from: it must exist in this
 * tenant, carry the same product, and belong to a purchase order that is not cancelled.
 */
async function assertLinks(
  trx: Knex.Transaction,
  lines: { productTypeId: string; purchaseOrderLineId?: string | null }[],
): Promise<void> {
  const ids = [...new Set(lines.map((l) => l.purchaseOrderLineId).filter((x): x is string => !!x))]
  if (!ids.length) return
  const found = new Map(
    (await PurchaseOrderLine.query(trx).whereIn('id', ids).withGraphFetched('purchaseOrder')).map(
      (l) => [l.id, l],
    ),
  )
  lines.forEach((line, i) => {
    if (!line.purchaseOrderLineId) return
    const field = `lines.${i}.purchaseOrderLineId`
    const source = found.get(line.purchaseOrderLineId)
    if (!source)
      throw new OoError(
        'BROKERAGE_REFERENCE_NOT_FOUND',
        422,
        `${field} names no purchase-order line of this tenant`,
        { field },
      )
    if (source.productTypeId !== line.productTypeId)
      throw new OoError('BROKERAGE_LINK_MISMATCH', 422, `${field} is for another product`, {
        field,
      })
    if (source.purchaseOrder?.status === 'cancelled')
      throw new OoError(
        'BROKERAGE_LINK_MISMATCH',
        422,
        `${field} belongs to a cancelled purchase order`,
        { field },
      )
  })
}

function notFound(id: string): OoError {
  return new OoError('BROKERAGE_SALES_ORDER_NOT_FOUND', 404, `No sales order ${id}`, {
    field: 'id',
  })
}

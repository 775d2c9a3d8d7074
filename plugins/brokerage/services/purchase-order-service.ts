import { OoError, type ListQuery, type TenantDb } from '@oo/core'
import type { Knex } from 'knex'
import { PurchaseOrder } from '../models/orders.js'
import type { OrderFilter, PurchaseOrderBody, PurchaseOrderUpdate } from '../routes/schemas.js'
import { assertMayEdit, type Actor } from './actor.js'
import { translateDbError } from './db-errors.js'
import { historyOf, nextNumber, priceLines, recordTransition } from './documents.js'
import { listPage } from './list.js'
import { purchaseOrderState, type PurchaseOrderStatus } from './state/purchase-order-state.js'

export const ORDER_SORTABLE = ['number', 'status', 'createdAt', 'totalMinor'] as const
const DETAIL = '[lines.productType, supplier, plant, carrier]'

export class PurchaseOrderService {
  readonly #db: TenantDb

  constructor({ db }: { db: TenantDb }) {
    this.#db = db
  }

  list(query: ListQuery<OrderFilter>) {
    return this.#db.tx(async (trx) =>
      listPage(PurchaseOrder.query(trx), query as ListQuery<Record<string, unknown>>, {
        filters: ['status', 'supplierId'],
      }),
    )
  }

  get(id: string) {
    return this.#db.tx(async (trx) => this.#detail(trx, id))
  }

  create(body: PurchaseOrderBody, actor: Actor) {
    return this.#db.tx(async (trx) => this.createIn(trx, body, actor))
  }

  /** Creates a purchase order in the caller's tenant transaction (the document desk's confirm). */
  async createIn(trx: Knex.Transaction, body: PurchaseOrderBody, actor: Actor) {
    const { lines, totalMinor } = priceLines(body.lines)
    try {
      const po = await PurchaseOrder.query(trx)
        .insertGraph({
          ...body,
          lines,
          totalMinor,
          number: await nextNumber(trx, 'purchase_order'),
          status: purchaseOrderState.initial,
          createdBy: actor.id,
        })
        .returning('*')
      await recordTransition(
        trx,
        { entity: 'purchase_order', entityId: po.id, from: null, to: po.status },
        actor,
      )
      return this.#detail(trx, po.id)
    } catch (err) {
      return translateDbError(err)
    }
  }

  /** Replaces header and lines while the PO is a draft; lines keep their ids (and SO links). */
  update(id: string, body: PurchaseOrderUpdate, actor: Actor) {
    return this.#db
      .tx(async (trx) => {
        const po = await this.#lock(trx, id, actor)
        if (po.status !== 'draft')
          throw new OoError(
            'BROKERAGE_NOT_EDITABLE',
            409,
            `Purchase order ${po.number} is ${po.status}; only drafts change`,
          )
        const current = new Set((await po.$relatedQuery('lines', trx)).map((l) => l.id))
        const { lines, totalMinor } = priceLines(
          body.lines.map(({ id: lineId, ...line }) =>
            lineId && current.has(lineId) ? { id: lineId, ...line } : line,
          ),
        )
        await PurchaseOrder.query(trx).upsertGraph(
          { ...body, id, lines, totalMinor },
          { noRelate: true },
        )
        return this.#detail(trx, id)
      })
      .catch((err: unknown) => translateDbError(err))
  }

  transition(id: string, to: PurchaseOrderStatus, actor: Actor, reason?: string) {
    return this.#db.tx(async (trx) => {
      const po = await this.#lock(trx, id, actor)
      const status = purchaseOrderState.next(po.status, to)
      await PurchaseOrder.query(trx).findById(id).patch({ status })
      await recordTransition(
        trx,
        { entity: 'purchase_order', entityId: id, from: po.status, to: status, reason },
        actor,
      )
      return this.#detail(trx, id)
    })
  }

  async #lock(trx: Knex.Transaction, id: string, actor: Actor) {
    const po = await PurchaseOrder.query(trx).findById(id).forUpdate()
    if (!po) throw notFound(id)
    assertMayEdit(actor, po, 'purchase orders')
    return po
  }

  async #detail(trx: Knex.Transaction, id: string) {
    const po = await this.#find(trx, id)
    return {
      ...po.toJSON(),
      nextStatuses: purchaseOrderState.allowed(po.status),
      history: await historyOf(trx, id),
    }
  }

  async #find(trx: Knex.Transaction, id: string) {
    const po = await PurchaseOrder.query(trx).findById(id).withGraphFetched(DETAIL)
    if (!po) throw notFound(id)
    return po
  }
}

function notFound(id: string): OoError {
  return new OoError('BROKERAGE_PURCHASE_ORDER_NOT_FOUND', 404, `No purchase order ${id}`, {
    field: 'id',
  })
}

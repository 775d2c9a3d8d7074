import { parse, type TenantDb } from '@oo/core'
import type { Knex } from 'knex'
import { Carrier, Plant, ProductType, Supplier } from '../models/parties.js'
import { PurchaseOrderBody } from '../routes/schemas.js'
import type { Actor } from './actor.js'
import type { PurchaseOrderService } from './purchase-order-service.js'

const named = (rows: { id: string; name: string }[]) => rows.map(({ id, name }) => ({ id, name }))

/**
 * The purchase-order desk that the document assistant (chat-assistant) sends confirmed drafts
 * to, matching its `PurchaseOrderDesk` port: the names a draft may use, and the create.
 */
export class DocumentDesk {
  readonly #db: TenantDb
  readonly #orders: PurchaseOrderService

  constructor(deps: { db: TenantDb; brokeragePurchaseOrderService: PurchaseOrderService }) {
    this.#db = deps.db
    this.#orders = deps.brokeragePurchaseOrderService
  }

  vocabulary() {
    return this.#db.tx(async (trx) => ({
      suppliers: named(await Supplier.query(trx).select('id', 'name').orderBy('name')),
      plants: named(await Plant.query(trx).select('id', 'name').orderBy('name')),
      carriers: named(await Carrier.query(trx).select('id', 'name').orderBy('name')),
      productTypes: named(await ProductType.query(trx).select('id', 'name').orderBy('name')),
    }))
  }

  async createPurchaseOrder(trx: Knex.Transaction, order: unknown, actor: Actor) {
    const po = await this.#orders.createIn(trx, parse(PurchaseOrderBody, order), actor)
    return { id: po.id, number: po.number }
  }
}

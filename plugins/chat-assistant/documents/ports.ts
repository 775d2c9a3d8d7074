import type { Knex } from 'knex'
import type { Vocabulary } from './draft.js'

/**
 * What the document assistant needs of a plugin that keeps purchase orders (scoped cradle key
 * `brokerageDocumentDesk`, registered by brokerage). Absent: the assistant has nowhere to send
 * a draft, and its document routes answer 404.
 */
export interface PurchaseOrderDesk {
  vocabulary(): Promise<Vocabulary>
  /**
   * Validates like its own create route (400 naming the field) and creates the order in the
   * caller's tenant transaction, so the order and the confirmed draft commit together.
   */
  createPurchaseOrder(
    trx: Knex.Transaction,
    order: unknown,
    actor: { id: string | null; label: string | null; ownOnly: boolean },
  ): Promise<{ id: string; number: number }>
}

export const DESK_KEY = 'brokerageDocumentDesk'

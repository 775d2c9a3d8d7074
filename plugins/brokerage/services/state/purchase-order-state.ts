import { defineMachine } from './machine.js'

/**
 * draft → submitted (sent to the supplier) → confirmed (supplier accepted) → shipped (picked up)
 * → received (at the plant) → closed. Cancelled before pickup only; a submitted PO may be sent
 * back to draft for changes.
 */
export const purchaseOrderState = defineMachine('purchase_order', 'draft', {
  draft: ['submitted', 'cancelled'],
  submitted: ['confirmed', 'draft', 'cancelled'],
  confirmed: ['shipped', 'cancelled'],
  shipped: ['received'],
  received: ['closed'],
  closed: [],
  cancelled: [],
})
export type PurchaseOrderStatus = (typeof purchaseOrderState.statuses)[number]

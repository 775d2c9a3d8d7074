import { defineMachine } from './machine.js'

/** draft → confirmed (customer agreed) → shipped → delivered → closed; cancelled before shipping. */
export const salesOrderState = defineMachine('sales_order', 'draft', {
  draft: ['confirmed', 'cancelled'],
  confirmed: ['shipped', 'draft', 'cancelled'],
  shipped: ['delivered'],
  delivered: ['closed'],
  closed: [],
  cancelled: [],
})
export type SalesOrderStatus = (typeof salesOrderState.statuses)[number]

import { defineMachine } from './machine.js'

/**
 * draft → issued (numbered copy sent, due date fixed) → partially_paid → paid. Payments move
 * it, not people: `transition` accepts only issue and void. Void is for an invoice issued in
 * error and never paid; a paid one stays.
 */
export const invoiceState = defineMachine('invoice', 'draft', {
  draft: ['issued', 'void'],
  issued: ['partially_paid', 'paid', 'void'],
  partially_paid: ['partially_paid', 'paid'],
  paid: [],
  void: [],
})
export type InvoiceStatus = (typeof invoiceState.statuses)[number]

/** What a person may ask for; the paid statuses follow from payments. */
export const MANUAL_INVOICE_STATUSES = ['issued', 'void'] as const

/** The status after a payment: paid once nothing is owed. */
export function statusAfterPayment(totalMinor: number, paidMinor: number): InvoiceStatus {
  return paidMinor >= totalMinor ? 'paid' : 'partially_paid'
}

import { describe, expect, it } from 'vitest'
import { invoiceState, statusAfterPayment } from './invoice-state.js'
import { purchaseOrderState } from './purchase-order-state.js'
import { salesOrderState } from './sales-order-state.js'

function refusal(fn: () => unknown) {
  try {
    fn()
  } catch (err) {
    return err as { code: string; status: number; details: unknown; field: string }
  }
  throw new Error('expected a refusal')
}

describe('purchase order state', () => {
  it('walks draft → submitted → confirmed → shipped → received → closed', () => {
    const path = ['submitted', 'confirmed', 'shipped', 'received', 'closed'] as const
    let at: (typeof purchaseOrderState.statuses)[number] = purchaseOrderState.initial
    for (const to of path) at = purchaseOrderState.next(at, to)
    expect(at).toBe('closed')
    expect(purchaseOrderState.isFinal(at)).toBe(true)
  })

  it('cancels before pickup, never after', () => {
    expect(purchaseOrderState.next('confirmed', 'cancelled')).toBe('cancelled')
    const err = refusal(() => purchaseOrderState.next('shipped', 'cancelled'))
    expect(err).toMatchObject({
      code: 'BROKERAGE_INVALID_TRANSITION',
      status: 409,
      details: {
        entity: 'purchase_order',
        from: 'shipped',
        to: 'cancelled',
        allowed: ['received'],
      },
    })
  })

  it('rejects skipping a step', () => {
    expect(refusal(() => purchaseOrderState.next('draft', 'confirmed')).code).toBe(
      'BROKERAGE_INVALID_TRANSITION',
    )
  })

  it('knows its statuses', () => {
    expect(purchaseOrderState.isStatus('received')).toBe(true)
    expect(purchaseOrderState.isStatus('delivered')).toBe(false)
  })
})

describe('sales order state', () => {
  it('rejects cancelling a shipped order and reopening a closed one', () => {
    expect(salesOrderState.next('draft', 'confirmed')).toBe('confirmed')
    expect(refusal(() => salesOrderState.next('shipped', 'cancelled')).status).toBe(409)
    expect(refusal(() => salesOrderState.next('closed', 'draft')).status).toBe(409)
  })
})

describe('invoice state', () => {
  it('is paid once nothing is owed, partially paid before', () => {
    expect(statusAfterPayment(10_000, 4_000)).toBe('partially_paid')
    expect(statusAfterPayment(10_000, 10_000)).toBe('paid')
    expect(invoiceState.next('issued', statusAfterPayment(10_000, 4_000))).toBe('partially_paid')
    expect(invoiceState.next('partially_paid', 'paid')).toBe('paid')
  })

  it('takes no payment as a draft and cannot void a paid invoice', () => {
    expect(refusal(() => invoiceState.next('draft', 'paid')).status).toBe(409)
    expect(refusal(() => invoiceState.next('paid', 'void')).status).toBe(409)
    expect(refusal(() => invoiceState.next('partially_paid', 'void')).status).toBe(409)
  })
})

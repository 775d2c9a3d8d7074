import { type TestApp } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bootBrokerage,
  on,
  purchaseOrder,
  seedDesk,
  seedParties,
  type Desk,
  type Parties,
} from './helpers.js'

describe('brokerage: a week on the desk', () => {
  let t: TestApp
  let desk: Desk
  let p: Parties

  beforeAll(async () => {
    t = await bootBrokerage()
    desk = await seedDesk(t, 'meats')
    p = await seedParties(t, desk)
  })
  afterAll(() => t?.close())

  it('buys on a purchase order, sells it on, invoices, takes a partial payment and ages the rest', async () => {
    const api = on(t, desk)
    const po = (await api.post('/brokerage-purchase-orders', purchaseOrder(p)).expect(201)).body
    expect(po).toMatchObject({
      number: 1,
      status: 'draft',
      pickupDate: '2026-03-02',
      totalMinor: 40_000 * 312.5 + 20_000 * 189,
      supplier: { name: 'Prairie Packers' },
      plant: { name: 'Omaha Cold Store' },
      carrier: { name: 'Reefer Lines' },
      lines: [
        {
          lineNo: 1,
          weight: 40_000,
          pricePerUnitMinor: 312.5,
          productType: { name: 'Chuck roll' },
        },
        { lineNo: 2, weight: 20_000, pricePerUnitMinor: 189, lineTotalMinor: 3_780_000 },
      ],
    })
    for (const status of ['submitted', 'confirmed'])
      await api.post(`/brokerage-purchase-orders/${po.id}/transitions`, { status }).expect(200)

    const so = (
      await api
        .post('/brokerage-sales-orders', {
          customerId: p.customer.id,
          deliveryDate: '2026-03-05',
          lines: [
            {
              productTypeId: p.chuck.id,
              weight: 40_000,
              pricePerUnitMinor: 335,
              purchaseOrderLineId: po.lines[0].id,
            },
          ],
        })
        .expect(201)
    ).body
    expect(so).toMatchObject({
      number: 1,
      totalMinor: 13_400_000,
      purchaseOrderIds: [po.id],
      marginMinor: 40_000 * (335 - 312.5),
      customer: { name: 'Harbor Foods' },
    })
    await api
      .post(`/brokerage-sales-orders/${so.id}/transitions`, { status: 'confirmed' })
      .expect(200)

    const invoice = (
      await api.post('/brokerage-invoices', { salesOrderId: so.id, taxRateBp: 825 }).expect(201)
    ).body
    expect(invoice).toMatchObject({
      number: 1,
      status: 'draft',
      subtotalMinor: 13_400_000,
      taxMinor: 1_105_500,
      totalMinor: 14_505_500,
    })
    const issued = (
      await api
        .post(`/brokerage-invoices/${invoice.id}/transitions`, {
          status: 'issued',
          issuedOn: '2026-03-05',
        })
        .expect(200)
    ).body
    expect(issued).toMatchObject({
      status: 'issued',
      issuedOn: '2026-03-05',
      dueDate: '2026-04-04',
    })

    const agingOn = async (asOf: string) =>
      (await api.get(`/brokerage-receivables/aging?asOf=${asOf}`).expect(200)).body
    expect((await agingOn('2026-04-10')).totals).toEqual({
      '0-30': 14_505_500,
      '31-60': 0,
      '61-90': 0,
      '90+': 0,
    })

    const payment = (
      await api
        .post('/brokerage-payments', {
          invoiceId: invoice.id,
          amountMinor: 5_000_000,
          receivedOn: '2026-04-20',
          reference: 'wire 778',
        })
        .expect(201)
    ).body
    expect(payment.invoice).toMatchObject({ status: 'partially_paid', balanceMinor: 9_505_500 })
    const aged = await agingOn('2026-05-20')
    expect(aged.totals).toEqual({ '0-30': 0, '31-60': 9_505_500, '61-90': 0, '90+': 0 })
    expect(aged.customers).toEqual([
      expect.objectContaining({ customerName: 'Harbor Foods', totalMinor: 9_505_500 }),
    ])

    const shown = (await api.get(`/brokerage-invoices/${invoice.id}`).expect(200)).body
    expect(shown.payments).toHaveLength(1)
    expect(shown.history.map((h: { toStatus: string }) => h.toStatus)).toEqual([
      'draft',
      'issued',
      'partially_paid',
    ])
    expect(shown.history[2]).toMatchObject({
      fromStatus: 'issued',
      actorLabel: desk.owner,
      reason: 'payment of 5000000 (wire 778)',
    })

    const dashboard = (await api.get('/brokerage-dashboard?asOf=2026-05-20').expect(200)).body
    expect(dashboard.openPurchaseOrders).toEqual({ total: 1, byStatus: { confirmed: 1 } })
    expect(dashboard.marginByCustomer).toEqual([
      {
        customerId: p.customer.id,
        customerName: 'Harbor Foods',
        revenueMinor: 13_400_000,
        costMinor: 12_500_000,
        marginMinor: 900_000,
      },
    ])
  })

  it('refuses a payment above the balance and one on a draft', async () => {
    const api = on(t, desk)
    const [invoice] = (await api.get('/brokerage-invoices').expect(200)).body
    const over = await api
      .post('/brokerage-payments', {
        invoiceId: invoice.id,
        amountMinor: 99_000_000,
        receivedOn: '2026-04-21',
      })
      .expect(422)
    expect(over.body.error).toMatchObject({
      code: 'BROKERAGE_PAYMENT_EXCEEDS_BALANCE',
      field: 'amountMinor',
    })
    const again = await api
      .post('/brokerage-invoices', { salesOrderId: invoice.salesOrderId })
      .expect(409)
    expect(again.body.error.code).toBe('BROKERAGE_ALREADY_INVOICED')
  })

  it('keeps the history of who moved a purchase order, when and why', async () => {
    const api = on(t, desk)
    const po = (await api.post('/brokerage-purchase-orders', purchaseOrder(p)).expect(201)).body
    await api
      .post(`/brokerage-purchase-orders/${po.id}/transitions`, {
        status: 'cancelled',
        reason: 'supplier short on trim',
      })
      .expect(200)
    const shown = (await api.get(`/brokerage-purchase-orders/${po.id}`).expect(200)).body
    expect(shown.history).toEqual([
      expect.objectContaining({ fromStatus: null, toStatus: 'draft', actorLabel: desk.owner }),
      expect.objectContaining({
        fromStatus: 'draft',
        toStatus: 'cancelled',
        reason: 'supplier short on trim',
        createdAt: expect.any(String),
      }),
    ])
    const refused = await api
      .post(`/brokerage-purchase-orders/${po.id}/transitions`, { status: 'submitted' })
      .expect(409)
    expect(refused.body.error).toMatchObject({
      code: 'BROKERAGE_INVALID_TRANSITION',
      details: { from: 'cancelled', to: 'submitted' },
    })
  })

  it('edits a draft purchase order in place, keeping line ids, and freezes it once submitted', async () => {
    const api = on(t, desk)
    const po = (await api.post('/brokerage-purchase-orders', purchaseOrder(p)).expect(201)).body
    const edited = (
      await api
        .put(`/brokerage-purchase-orders/${po.id}`, {
          ...po,
          lines: [{ ...po.lines[0], weight: 42_000 }],
        })
        .expect(200)
    ).body
    expect(edited.lines).toHaveLength(1)
    expect(edited.lines[0]).toMatchObject({ id: po.lines[0].id, weight: 42_000 })
    expect(edited.totalMinor).toBe(42_000 * 312.5)
    await api.post(`/brokerage-purchase-orders/${po.id}/transitions`, { status: 'submitted' })
    const frozen = await api.put(`/brokerage-purchase-orders/${po.id}`, edited).expect(409)
    expect(frozen.body.error.code).toBe('BROKERAGE_NOT_EDITABLE')
  })

  it('numbers documents per tenant, without gaps or twins under concurrency', async () => {
    const other = await seedDesk(t, 'other-meats')
    const q = await seedParties(t, other)
    const first = (
      await on(t, other).post('/brokerage-purchase-orders', purchaseOrder(q)).expect(201)
    ).body
    expect(first.number).toBe(1)
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        on(t, other).post('/brokerage-purchase-orders', purchaseOrder(q)),
      ),
    )
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201))
    expect(results.map((r) => r.body.number).sort((a, b) => a - b)).toEqual([
      2, 3, 4, 5, 6, 7, 8, 9,
    ])
  })

  it('answers bad input with a 400 naming the field', async () => {
    const api = on(t, desk)
    const cases: [string, object, string][] = [
      ['/brokerage-purchase-orders', { ...purchaseOrder(p), lines: [] }, 'lines'],
      [
        '/brokerage-purchase-orders',
        purchaseOrder(p, [{ productTypeId: p.chuck.id, weight: -1, pricePerUnitMinor: 1 }]),
        'lines.0.weight',
      ],
      [
        '/brokerage-purchase-orders',
        { ...purchaseOrder(p), pickupDate: '03/02/2026' },
        'pickupDate',
      ],
      ['/brokerage-suppliers', { name: 'X', qualityRating: 9 }, 'qualityRating'],
      [
        '/brokerage-contacts',
        { name: 'Dana', supplierId: p.supplier.id, customerId: p.customer.id },
        'supplierId',
      ],
      [
        '/brokerage-payments',
        { invoiceId: 'nope', amountMinor: 1, receivedOn: '2026-01-01' },
        'invoiceId',
      ],
    ]
    for (const [path, body, field] of cases) {
      const res = await api.post(path, body)
      expect(res.status, `${path} ${field}`).toBe(400)
      expect(res.body.error, `${path} ${field}`).toMatchObject({
        code: 'OO_VALIDATION_FAILED',
        field,
      })
    }
    const taken = await api.post('/brokerage-suppliers', { name: 'Prairie Packers' }).expect(409)
    expect(taken.body.error).toMatchObject({ code: 'BROKERAGE_NAME_TAKEN', field: 'name' })
    const inUse = await api.delete(`/brokerage-suppliers/${p.supplier.id}`).expect(409)
    expect(inUse.body.error.code).toBe('BROKERAGE_IN_USE')
  })
})

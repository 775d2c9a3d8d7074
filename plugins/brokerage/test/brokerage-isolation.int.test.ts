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

describe('brokerage: tenants and roles', () => {
  let t: TestApp
  let a: Desk
  let b: Desk
  let pa: Parties
  let pb: Parties
  const ids: Record<string, string> = {}

  beforeAll(async () => {
    t = await bootBrokerage()
    a = await seedDesk(t, 'desk-a')
    b = await seedDesk(t, 'desk-b')
    pa = await seedParties(t, a)
    pb = await seedParties(t, b)
    const api = on(t, a)
    const po = (await api.post('/brokerage-purchase-orders', purchaseOrder(pa)).expect(201)).body
    await api.post(`/brokerage-purchase-orders/${po.id}/transitions`, { status: 'submitted' })
    await api.post(`/brokerage-purchase-orders/${po.id}/transitions`, { status: 'confirmed' })
    const so = (
      await api
        .post('/brokerage-sales-orders', {
          customerId: pa.customer.id,
          lines: [
            {
              productTypeId: pa.chuck.id,
              weight: 1000,
              pricePerUnitMinor: 300,
              purchaseOrderLineId: po.lines[0].id,
            },
          ],
        })
        .expect(201)
    ).body
    await api
      .post(`/brokerage-sales-orders/${so.id}/transitions`, { status: 'confirmed' })
      .expect(200)
    const invoice = (await api.post('/brokerage-invoices', { salesOrderId: so.id }).expect(201))
      .body
    await api
      .post(`/brokerage-invoices/${invoice.id}/transitions`, { status: 'issued' })
      .expect(200)
    const payment = (
      await api
        .post('/brokerage-payments', {
          invoiceId: invoice.id,
          amountMinor: 100,
          receivedOn: '2026-03-01',
        })
        .expect(201)
    ).body
    const contact = (
      await api.post('/brokerage-contacts', { name: 'Sam', supplierId: pa.supplier.id }).expect(201)
    ).body
    Object.assign(ids, {
      'brokerage-suppliers': pa.supplier.id,
      'brokerage-customers': pa.customer.id,
      'brokerage-carriers': pa.carrier.id,
      'brokerage-plants': pa.plant.id,
      'brokerage-product-types': pa.chuck.id,
      'brokerage-contacts': contact.id,
      'brokerage-purchase-orders': po.id,
      'brokerage-sales-orders': so.id,
      'brokerage-invoices': invoice.id,
      payment: payment.id,
      poLine: po.lines[0].id,
    })
  })
  afterAll(() => t?.close())

  it('protects every brokerage table with ENABLE + FORCE row-level security', async () => {
    const { rows } = await t.engine.database.app.raw(
      `select relname, relrowsecurity, relforcerowsecurity from pg_class where relname like 'brokerage\\_%' and relkind = 'r' order by relname`,
    )
    expect(rows.map((r: { relname: string }) => r.relname)).toEqual([
      'brokerage_carriers',
      'brokerage_contacts',
      'brokerage_counters',
      'brokerage_customers',
      'brokerage_invoices',
      'brokerage_payments',
      'brokerage_plants',
      'brokerage_product_types',
      'brokerage_purchase_order_lines',
      'brokerage_purchase_orders',
      'brokerage_sales_order_lines',
      'brokerage_sales_orders',
      'brokerage_status_history',
      'brokerage_suppliers',
    ])
    for (const row of rows)
      expect(row, row.relname).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true })
  })

  it('answers 404 for another tenant’s id on every resource, and lists none of its rows', async () => {
    const api = on(t, b)
    for (const [resource, id] of Object.entries(ids)) {
      if (!resource.startsWith('brokerage-')) continue
      const got = await api.get(`/${resource}/${id}`)
      expect(got.status, resource).toBe(404)
      expect(got.body.error.code, resource).toMatch(/^BROKERAGE_[A-Z_]+_NOT_FOUND$/)
      const list = await api.get(
        `/${resource}?filter=${encodeURIComponent(JSON.stringify({ id: [id] }))}`,
      )
      expect(list.status, resource).toBe(200)
      expect(list.body, resource).toEqual([])
    }
    for (const resource of ['brokerage-suppliers', 'brokerage-customers', 'brokerage-carriers']) {
      expect((await api.put(`/${resource}/${ids[resource]}`, { name: 'Mine now' })).status).toBe(
        404,
      )
      expect((await api.delete(`/${resource}/${ids[resource]}`)).status).toBe(404)
    }
    for (const resource of ['brokerage-purchase-orders', 'brokerage-sales-orders']) {
      const moved = await api.post(`/${resource}/${ids[resource]}/transitions`, {
        status: 'cancelled',
      })
      expect(moved.status, resource).toBe(404)
    }
    const voided = await api.post(`/brokerage-invoices/${ids['brokerage-invoices']}/transitions`, {
      status: 'void',
    })
    expect(voided.status).toBe(404)
    const payments = await api.get('/brokerage-payments').expect(200)
    expect(payments.body).toEqual([])
    expect((await api.get('/brokerage-receivables/aging').expect(200)).body.totalMinor).toBe(0)
  })

  it('refuses another tenant’s ids as references (422 naming the field), in the API and in the database', async () => {
    const api = on(t, b)
    const po = await api.post('/brokerage-purchase-orders', {
      ...purchaseOrder(pb),
      supplierId: pa.supplier.id,
    })
    expect(po.status).toBe(422)
    expect(po.body.error).toMatchObject({
      code: 'BROKERAGE_REFERENCE_NOT_FOUND',
      field: 'supplierId',
    })
    const plant = await api.post('/brokerage-plants', {
      name: 'Sneaky',
      kind: 'warehouse',
      customerId: pa.customer.id,
    })
    expect(plant.body.error).toMatchObject({
      code: 'BROKERAGE_REFERENCE_NOT_FOUND',
      field: 'customerId',
    })
    const so = await api.post('/brokerage-sales-orders', {
      customerId: pb.customer.id,
      lines: [
        {
          productTypeId: pb.chuck.id,
          weight: 1,
          pricePerUnitMinor: 1,
          purchaseOrderLineId: ids.poLine,
        },
      ],
    })
    expect(so.body.error).toMatchObject({
      code: 'BROKERAGE_REFERENCE_NOT_FOUND',
      field: 'lines.0.purchaseOrderLineId',
    })
    const invoice = await api.post('/brokerage-invoices', {
      salesOrderId: ids['brokerage-sales-orders'],
    })
    expect(invoice.body.error).toMatchObject({
      code: 'BROKERAGE_REFERENCE_NOT_FOUND',
      field: 'salesOrderId',
    })
    const payment = await api.post('/brokerage-payments', {
      invoiceId: ids['brokerage-invoices'],
      amountMinor: 1,
      receivedOn: '2026-03-02',
    })
    expect(payment.body.error).toMatchObject({
      code: 'BROKERAGE_REFERENCE_NOT_FOUND',
      field: 'invoiceId',
    })
  })

  it('lets the staff role create and edit its own records only; readonly reads; finance is for managers up', async () => {
    const staff = on(t, a, a.staff)
    const mine = (await staff.post('/brokerage-carriers', { name: 'Staff Haulage' }).expect(201))
      .body
    await staff.put(`/brokerage-carriers/${mine.id}`, { name: 'Staff Haulage LLC' }).expect(200)
    const theirs = await staff
      .put(`/brokerage-carriers/${pa.carrier.id}`, { name: 'Taken over' })
      .expect(403)
    expect(theirs.body.error.code).toBe('BROKERAGE_NOT_YOURS')
    const po = await staff
      .post(`/brokerage-purchase-orders/${ids['brokerage-purchase-orders']}/transitions`, {
        status: 'cancelled',
      })
      .expect(403)
    expect(po.body.error.code).toBe('BROKERAGE_NOT_YOURS')
    expect(
      (await staff.post('/brokerage-invoices', { salesOrderId: ids['brokerage-sales-orders'] }))
        .status,
    ).toBe(403)
    expect((await staff.delete(`/brokerage-carriers/${mine.id}`)).status).toBe(403)

    const auditor = on(t, a, a.readonly)
    await auditor.get('/brokerage-suppliers').expect(200)
    await auditor.get('/brokerage-dashboard').expect(200)
    const summary = await auditor.get('/brokerage-dashboard/summary').expect(200)
    expect(summary.body).toMatchObject({ id: 'summary', openPurchaseOrders: { total: 1 } })
    const refused = await auditor.post('/brokerage-suppliers', { name: 'Nope' }).expect(403)
    expect(refused.body.error).toMatchObject({
      code: 'OO_FORBIDDEN',
      details: { permission: 'brokerage.write' },
    })
  })

  it('exports parties as CSV and imports them back by name, all or nothing', async () => {
    const api = on(t, a)
    const exported = await api.get('/brokerage-suppliers/export.csv').expect(200)
    expect(exported.headers['content-type']).toMatch(/^text\/csv/)
    expect(exported.text.split('\r\n')[0]).toBe(
      'name,email,phone,capabilities,certifications,qualityRating,notes',
    )
    expect(exported.text).toContain('Prairie Packers,,,boxed beef; trim,USDA; halal,4,')

    const csv = [
      'name,email,qualityRating,certifications',
      'Prairie Packers,sales@prairie.test,5,USDA',
      '"Smith, ""Prime"" Meats",smith@prime.test,3,',
    ].join('\n')
    const imported = (await api.post('/brokerage-suppliers/import', { csv }).expect(200)).body
    expect(imported).toEqual({ created: 1, updated: 1 })
    const list = (await api.get('/brokerage-suppliers?sort=["name","ASC"]').expect(200)).body
    expect(
      list.map((s: { name: string; qualityRating: number }) => [s.name, s.qualityRating]),
    ).toEqual([
      ['Prairie Packers', 5],
      ['Smith, "Prime" Meats', 3],
    ])

    const bad = await api
      .post('/brokerage-suppliers/import', { csv: 'name,qualityRating\nGood One,2\nBad One,11\n' })
      .expect(400)
    expect(bad.body.error).toMatchObject({
      code: 'BROKERAGE_CSV_INVALID',
      field: 'csv.line3.qualityRating',
    })
    const unknown = await api
      .post('/brokerage-customers/import', { csv: 'name,colour\nX,red' })
      .expect(400)
    expect(unknown.body.error).toMatchObject({ code: 'BROKERAGE_CSV_INVALID', field: 'csv.header' })
    const names = (await api.get('/brokerage-suppliers').expect(200)).body.map(
      (s: { name: string }) => s.name,
    )
    expect(names).not.toContain('Good One')
  })
})

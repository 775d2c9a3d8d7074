import { OoError, type ListQuery, type TenantDb } from '@oo/core'
import { Invoice, Payment } from '../models/billing.js'
import { PurchaseOrder, SalesOrderLine } from '../models/orders.js'
import type { Actor } from './actor.js'
import { ageReceivables } from './aging.js'
import { recordTransition, today } from './documents.js'
import { listPage } from './list.js'
import { invoiceState, statusAfterPayment } from './state/invoice-state.js'

const OPEN_INVOICE = ['issued', 'partially_paid']
const CLOSED_PO = ['closed', 'cancelled']

/** Payments against invoices, what is still owed, how old it is, and the dashboard's figures. */
export class ReceivablesService {
  readonly #db: TenantDb

  constructor({ db }: { db: TenantDb }) {
    this.#db = db
  }

  listPayments(query: ListQuery<Record<string, unknown>>) {
    return this.#db.tx(async (trx) =>
      listPage(Payment.query(trx), query, { filters: ['invoiceId'] }),
    )
  }

  /** Records a payment and moves the invoice to partially paid or paid; never beyond the balance. */
  recordPayment(
    input: {
      invoiceId: string
      amountMinor: number
      receivedOn: string
      method: string
      reference?: string | null
    },
    actor: Actor,
  ) {
    return this.#db.tx(async (trx) => {
      const invoice = await Invoice.query(trx).findById(input.invoiceId).forUpdate()
      if (!invoice)
        throw new OoError(
          'BROKERAGE_REFERENCE_NOT_FOUND',
          422,
          'invoiceId names no invoice of this tenant',
          { field: 'invoiceId' },
        )
      if (!OPEN_INVOICE.includes(invoice.status))
        throw new OoError(
          'BROKERAGE_NOT_PAYABLE',
          409,
          `Invoice ${invoice.number} is ${invoice.status}`,
          { field: 'invoiceId' },
        )
      const balance = invoice.totalMinor - invoice.paidMinor
      if (input.amountMinor > balance)
        throw new OoError(
          'BROKERAGE_PAYMENT_EXCEEDS_BALANCE',
          422,
          `Invoice ${invoice.number} has ${balance} left to pay`,
          { field: 'amountMinor', details: { balanceMinor: balance } },
        )
      const payment = await Payment.query(trx)
        .insert({ ...input, createdBy: actor.id })
        .returning('*')
      const paidMinor = invoice.paidMinor + input.amountMinor
      const status = invoiceState.next(
        invoice.status,
        statusAfterPayment(invoice.totalMinor, paidMinor),
      )
      await Invoice.query(trx).findById(invoice.id).patch({ paidMinor, status })
      await recordTransition(
        trx,
        {
          entity: 'invoice',
          entityId: invoice.id,
          from: invoice.status,
          to: status,
          reason: `payment of ${input.amountMinor}${input.reference ? ` (${input.reference})` : ''}`,
        },
        actor,
      )
      return {
        ...payment.toJSON(),
        invoice: {
          id: invoice.id,
          status,
          paidMinor,
          balanceMinor: invoice.totalMinor - paidMinor,
        },
      }
    })
  }

  /** Open balances by customer in the buckets 0–30, 31–60, 61–90, 90+ days past due. */
  aging(asOf = today()) {
    return this.#db.tx(async (trx) => {
      const open = await Invoice.query(trx)
        .whereIn('status', OPEN_INVOICE)
        .withGraphFetched('customer')
      return {
        asOf,
        ...ageReceivables(
          open.map((inv) => ({
            customerId: inv.customerId,
            customerName: inv.customer!.name,
            dueDate: inv.dueDate ?? asOf,
            balanceMinor: inv.totalMinor - inv.paidMinor,
          })),
          asOf,
        ),
      }
    })
  }

  /** Open purchase orders, margin by customer (sourced lines of live sales orders), AR aging. */
  async dashboard(asOf = today()) {
    const figures = await this.#db.tx(async (trx) => {
      const openPos = await PurchaseOrder.query(trx)
        .whereNotIn('status', CLOSED_PO)
        .select('status')
        .count('* as n')
        .groupBy('status')
      const lines = await SalesOrderLine.query(trx)
        .joinRelated('purchaseOrderLine')
        .join('brokerage_sales_orders as so', 'so.id', 'brokerage_sales_order_lines.sales_order_id')
        .join('brokerage_customers as c', 'c.id', 'so.customer_id')
        .whereNot('so.status', 'cancelled')
        .select(
          'c.id as customer_id',
          'c.name as customer_name',
          'brokerage_sales_order_lines.weight',
          'brokerage_sales_order_lines.line_total_minor',
          'purchaseOrderLine.price_per_unit_minor as cost_per_unit_minor',
        )
      return { openPos, lines }
    })
    const margins = new Map<
      string,
      {
        customerId: string
        customerName: string
        revenueMinor: number
        costMinor: number
        marginMinor: number
      }
    >()
    for (const raw of figures.lines as unknown as Record<string, unknown>[]) {
      const id = String(raw.customerId)
      const m = margins.get(id) ?? {
        customerId: id,
        customerName: String(raw.customerName),
        revenueMinor: 0,
        costMinor: 0,
        marginMinor: 0,
      }
      const revenue = Number(raw.lineTotalMinor)
      const cost = Math.round(Number(raw.weight) * Number(raw.costPerUnitMinor))
      m.revenueMinor += revenue
      m.costMinor += cost
      m.marginMinor += revenue - cost
      margins.set(id, m)
    }
    const byStatus = Object.fromEntries(
      (figures.openPos as unknown as { status: string; n: string | number }[]).map((r) => [
        r.status,
        Number(r.n),
      ]),
    )
    return {
      openPurchaseOrders: { total: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus },
      marginByCustomer: [...margins.values()].sort((a, b) => b.marginMinor - a.marginMinor),
      aging: await this.aging(asOf),
    }
  }
}

import { OoError, type ListQuery, type TenantDb } from '@oo/core'
import type { Knex } from 'knex'
import { Invoice } from '../models/billing.js'
import { SalesOrder } from '../models/orders.js'
import type { OrderFilter } from '../routes/schemas.js'
import type { Actor } from './actor.js'
import { addDays, historyOf, nextNumber, recordTransition, today } from './documents.js'
import { listPage } from './list.js'
import { invoiceState, MANUAL_INVOICE_STATUSES, type InvoiceStatus } from './state/invoice-state.js'

const INVOICEABLE = ['confirmed', 'shipped', 'delivered', 'closed']

/** Invoices from sales orders: numbered per tenant, taxed, due after the customer's terms. */
export class InvoiceService {
  readonly #db: TenantDb

  constructor({ db }: { db: TenantDb }) {
    this.#db = db
  }

  list(query: ListQuery<OrderFilter>) {
    return this.#db.tx(async (trx) =>
      listPage(Invoice.query(trx), query as ListQuery<Record<string, unknown>>, {
        filters: ['status', 'customerId', 'salesOrderId'],
      }),
    )
  }

  get(id: string) {
    return this.#db.tx(async (trx) => this.#detail(trx, id))
  }

  /** A draft invoice for the whole sales order; one live (not void) invoice per order. */
  create(input: { salesOrderId: string; taxRateBp: number }, actor: Actor) {
    return this.#db.tx(async (trx) => {
      const so = await SalesOrder.query(trx).findById(input.salesOrderId).forUpdate()
      if (!so)
        throw new OoError(
          'BROKERAGE_REFERENCE_NOT_FOUND',
          422,
          `salesOrderId names no sales order of this tenant`,
          { field: 'salesOrderId' },
        )
      if (!INVOICEABLE.includes(so.status))
        throw new OoError(
          'BROKERAGE_NOT_INVOICEABLE',
          409,
          `Sales order ${so.number} is ${so.status}; confirm it first`,
          { field: 'salesOrderId' },
        )
      const live = await Invoice.query(trx)
        .where('sales_order_id', so.id)
        .whereNot('status', 'void')
        .first()
      if (live)
        throw new OoError(
          'BROKERAGE_ALREADY_INVOICED',
          409,
          `Sales order ${so.number} is on invoice ${live.number}`,
          { field: 'salesOrderId', details: { invoiceId: live.id } },
        )
      const taxMinor = Math.round((so.totalMinor * input.taxRateBp) / 10_000)
      const invoice = await Invoice.query(trx)
        .insert({
          number: await nextNumber(trx, 'invoice'),
          status: invoiceState.initial,
          salesOrderId: so.id,
          customerId: so.customerId,
          currency: so.currency,
          subtotalMinor: so.totalMinor,
          taxRateBp: input.taxRateBp,
          taxMinor,
          totalMinor: so.totalMinor + taxMinor,
          createdBy: actor.id,
        })
        .returning('*')
      await recordTransition(
        trx,
        { entity: 'invoice', entityId: invoice.id, from: null, to: invoice.status },
        actor,
      )
      return this.#detail(trx, invoice.id)
    })
  }

  /** Issue (fixes the issue day and the due date from the customer's terms) or void. */
  transition(
    id: string,
    to: Extract<InvoiceStatus, 'issued' | 'void'>,
    actor: Actor,
    opts: { reason?: string; issuedOn?: string } = {},
  ) {
    return this.#db.tx(async (trx) => {
      const invoice = await Invoice.query(trx).findById(id).forUpdate().withGraphFetched('customer')
      if (!invoice) throw notFound(id)
      const status = invoiceState.next(invoice.status, to)
      const issuedOn = opts.issuedOn ?? today()
      await invoice
        .$query(trx)
        .patch(
          status === 'issued'
            ? { status, issuedOn, dueDate: addDays(issuedOn, invoice.customer!.paymentTermsDays) }
            : { status },
        )
      await recordTransition(
        trx,
        { entity: 'invoice', entityId: id, from: invoice.status, to: status, reason: opts.reason },
        actor,
      )
      return this.#detail(trx, id)
    })
  }

  async #detail(trx: Knex.Transaction, id: string) {
    const invoice = await Invoice.query(trx)
      .findById(id)
      .withGraphFetched('[customer, salesOrder, payments]')
    if (!invoice) throw notFound(id)
    return {
      ...invoice.toJSON(),
      balanceMinor: invoice.totalMinor - invoice.paidMinor,
      nextStatuses: invoiceState
        .allowed(invoice.status)
        .filter((s) => (MANUAL_INVOICE_STATUSES as readonly string[]).includes(s)),
      history: await historyOf(trx, id),
    }
  }
}

export function notFound(id: string): OoError {
  return new OoError('BROKERAGE_INVOICE_NOT_FOUND', 404, `No invoice ${id}`, { field: 'id' })
}

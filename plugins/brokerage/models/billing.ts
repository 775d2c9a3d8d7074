import { TenantModel } from '@oo/core'
import type { InvoiceStatus } from '../services/state/invoice-state.js'
import { SalesOrder } from './orders.js'
import { belongsTo, Customer, hasMany } from './parties.js'

export class Payment extends TenantModel {
  static override tableName = 'brokerage_payments'
  static override numberColumns = ['amountMinor']
  static override dateColumns = ['receivedOn']
  invoiceId!: string
  amountMinor!: number
  receivedOn!: string
  method!: string
  reference!: string | null
  createdBy!: string | null
  invoice?: Invoice
  static override relationMappings = () => ({
    invoice: belongsTo(Invoice, 'brokerage_payments.invoice_id', 'brokerage_invoices.id'),
  })
}

export class Invoice extends TenantModel {
  static override tableName = 'brokerage_invoices'
  static override numberColumns = ['subtotalMinor', 'taxMinor', 'totalMinor', 'paidMinor']
  static override dateColumns = ['issuedOn', 'dueDate']
  number!: number
  status!: InvoiceStatus
  salesOrderId!: string
  customerId!: string
  currency!: string
  subtotalMinor!: number
  taxRateBp!: number
  taxMinor!: number
  totalMinor!: number
  paidMinor!: number
  issuedOn!: string | null
  dueDate!: string | null
  createdBy!: string | null
  customer?: Customer
  salesOrder?: SalesOrder
  payments?: Payment[]
  static override relationMappings = () => ({
    customer: belongsTo(Customer, 'brokerage_invoices.customer_id', 'brokerage_customers.id'),
    salesOrder: belongsTo(
      SalesOrder,
      'brokerage_invoices.sales_order_id',
      'brokerage_sales_orders.id',
    ),
    payments: hasMany(Payment, 'brokerage_invoices.id', 'brokerage_payments.invoice_id'),
  })
}

export class StatusChange extends TenantModel {
  static override tableName = 'brokerage_status_history'
  entity!: string
  entityId!: string
  fromStatus!: string | null
  toStatus!: string
  actorId!: string | null
  actorLabel!: string | null
  reason!: string | null
}

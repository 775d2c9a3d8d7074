import { z } from 'zod'
import { MANUAL_INVOICE_STATUSES } from '../services/state/invoice-state.js'
import { purchaseOrderState } from '../services/state/purchase-order-state.js'
import { salesOrderState } from '../services/state/sales-order-state.js'

const text = (max: number) => z.string().trim().min(1).max(max)
const optionalText = (max: number) => z.string().trim().max(max).nullish()
const tags = z.array(text(80)).max(50)
const id = z.uuid('must be an id')
export const day = z.iso.date('must be a date (YYYY-MM-DD)')

export const IdParam = z.object({ id })

const contactInfo = {
  email: z.email('must be an email address').max(320).nullish(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()./-]{5,30}$/, 'must be a phone number')
    .nullish(),
  notes: optionalText(5000),
}

export const SupplierBody = z.object({
  name: text(200),
  ...contactInfo,
  capabilities: tags.default([]),
  certifications: tags.default([]),
  qualityRating: z.number().int().min(1).max(5).nullish(),
})

export const CustomerBody = z.object({
  name: text(200),
  ...contactInfo,
  preferences: tags.default([]),
  creditLimitMinor: z.number().int().min(0).max(1e13).default(0),
  paymentTermsDays: z.number().int().min(0).max(365).default(30),
})

export const CarrierBody = z.object({
  name: text(200),
  ...contactInfo,
  mcNumber: optionalText(40),
})

export const PROTEINS = ['beef', 'pork', 'poultry', 'lamb', 'veal', 'seafood', 'other'] as const
export const ProductTypeBody = z.object({
  name: text(200),
  protein: z.enum(PROTEINS),
  description: optionalText(2000),
})

export const PlantBody = z.object({
  name: text(200),
  kind: z.enum(['processing', 'distribution', 'warehouse']),
  addressLine: optionalText(300),
  city: optionalText(120),
  region: optionalText(120),
  postalCode: optionalText(20),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 code such as US')
    .nullish(),
  supplierId: id.nullish(),
  customerId: id.nullish(),
})

export const ContactBody = z
  .object({
    name: text(200),
    title: optionalText(120),
    email: contactInfo.email,
    phone: contactInfo.phone,
    supplierId: id.nullish(),
    customerId: id.nullish(),
    carrierId: id.nullish(),
  })
  .refine((c) => [c.supplierId, c.customerId, c.carrierId].filter(Boolean).length === 1, {
    message: 'a contact belongs to exactly one supplier, customer or carrier',
    path: ['supplierId'],
  })

/** react-admin list filters: `q` searches names; `id` is getMany; the rest are references. */
export const PartyFilter = z.object({
  q: z.string().max(200).optional(),
  id: z.union([id, z.array(id).max(500)]).optional(),
  supplierId: id.optional(),
  customerId: id.optional(),
  carrierId: id.optional(),
  kind: z.string().max(20).optional(),
  protein: z.string().max(20).optional(),
})
export type PartyFilter = z.infer<typeof PartyFilter>

export const CsvImportBody = z.object({ csv: z.string().min(1).max(2_000_000) })

const weight = z.number().positive('must be more than 0').max(1e9)
const unitPrice = z.number().min(0).max(1e9)
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')

const PurchaseOrderLineBody = z.object({
  productTypeId: id,
  weight,
  pricePerUnitMinor: unitPrice,
})

export const PurchaseOrderBody = z.object({
  supplierId: id,
  plantId: id,
  carrierId: id.nullish(),
  pickupDate: day.nullish(),
  deliveryDate: day.nullish(),
  currency: currency.default('USD'),
  weightUnit: z.enum(['lb', 'kg']).default('lb'),
  notes: optionalText(5000),
  lines: z.array(PurchaseOrderLineBody).min(1, 'a purchase order needs a line').max(200),
})
export type PurchaseOrderBody = z.infer<typeof PurchaseOrderBody>

// react-admin's edit form sends each line back with its id; ids are kept so links survive.
const lineId = { id: id.optional() }
export const PurchaseOrderUpdate = PurchaseOrderBody.extend({
  lines: z
    .array(PurchaseOrderLineBody.extend(lineId))
    .min(1, 'a purchase order needs a line')
    .max(200),
})
export type PurchaseOrderUpdate = z.infer<typeof PurchaseOrderUpdate>

const SalesOrderLineBody = z.object({
  productTypeId: id,
  weight,
  pricePerUnitMinor: unitPrice,
  purchaseOrderLineId: id.nullish(),
})

export const SalesOrderBody = z.object({
  customerId: id,
  plantId: id.nullish(),
  deliveryDate: day.nullish(),
  currency: currency.default('USD'),
  weightUnit: z.enum(['lb', 'kg']).default('lb'),
  notes: optionalText(5000),
  lines: z.array(SalesOrderLineBody).min(1, 'a sales order needs a line').max(200),
})
export type SalesOrderBody = z.infer<typeof SalesOrderBody>
export const SalesOrderUpdate = SalesOrderBody.extend({
  lines: z.array(SalesOrderLineBody.extend(lineId)).min(1, 'a sales order needs a line').max(200),
})
export type SalesOrderUpdate = z.infer<typeof SalesOrderUpdate>

const reason = z.string().trim().max(500).optional()
export const PurchaseOrderTransition = z.object({
  status: z.enum(purchaseOrderState.statuses as [string, ...string[]]),
  reason,
})
export const SalesOrderTransition = z.object({
  status: z.enum(salesOrderState.statuses as [string, ...string[]]),
  reason,
})
export const InvoiceTransition = z.object({ status: z.enum(MANUAL_INVOICE_STATUSES), reason })

export const OrderFilter = z.object({
  q: z.string().max(200).optional(),
  id: z.union([id, z.array(id).max(500)]).optional(),
  status: z.string().max(20).optional(),
  supplierId: id.optional(),
  customerId: id.optional(),
  salesOrderId: id.optional(),
  invoiceId: id.optional(),
})
export type OrderFilter = z.infer<typeof OrderFilter>

export const InvoiceBody = z.object({
  salesOrderId: id,
  /** Tax in basis points: 825 = 8.25 %. */
  taxRateBp: z.number().int().min(0).max(10_000).default(0),
})

export const PaymentBody = z.object({
  invoiceId: id,
  amountMinor: z.number().int('must be whole cents').positive('must be more than 0').max(1e13),
  receivedOn: day,
  method: z.enum(['wire', 'ach', 'check', 'card', 'cash', 'other']).default('wire'),
  reference: optionalText(120),
})

export const AgingQuery = z.object({ asOf: day.optional() })

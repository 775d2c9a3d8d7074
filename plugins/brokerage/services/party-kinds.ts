import type { z } from 'zod'
import {
  type BrokerageRecord,
  Carrier,
  Contact,
  Customer,
  Plant,
  ProductType,
  Supplier,
} from '../models/parties.js'
import {
  CarrierBody,
  ContactBody,
  CustomerBody,
  PlantBody,
  ProductTypeBody,
  SupplierBody,
} from '../routes/schemas.js'

/** One CRUD resource of reference data: its model, body schema, filters, graph and CSV columns. */
export interface PartyKind {
  resource: string
  /** Singular, for messages. */
  noun: string
  model: typeof BrokerageRecord
  body: z.ZodType<Record<string, unknown>>
  /** Filter keys (camelCase properties) that are plain equality on a column. */
  filters: readonly string[]
  /** Relations fetched for the show/edit view. */
  graph?: string
  /** Columns of the CSV export and import (absent: no CSV). `name` is the import's key. */
  csv?: readonly string[]
}

export const PARTY_KINDS = {
  'brokerage-suppliers': {
    resource: 'brokerage-suppliers',
    noun: 'supplier',
    model: Supplier,
    body: SupplierBody,
    filters: [],
    graph: '[contacts, plants]',
    csv: ['name', 'email', 'phone', 'capabilities', 'certifications', 'qualityRating', 'notes'],
  },
  'brokerage-customers': {
    resource: 'brokerage-customers',
    noun: 'customer',
    model: Customer,
    body: CustomerBody,
    filters: [],
    graph: '[contacts, plants]',
    csv: ['name', 'email', 'phone', 'preferences', 'creditLimitMinor', 'paymentTermsDays', 'notes'],
  },
  'brokerage-carriers': {
    resource: 'brokerage-carriers',
    noun: 'carrier',
    model: Carrier,
    body: CarrierBody,
    filters: [],
    graph: '[contacts]',
    csv: ['name', 'email', 'phone', 'mcNumber', 'notes'],
  },
  'brokerage-product-types': {
    resource: 'brokerage-product-types',
    noun: 'product type',
    model: ProductType,
    body: ProductTypeBody,
    filters: ['protein'],
  },
  'brokerage-plants': {
    resource: 'brokerage-plants',
    noun: 'plant',
    model: Plant,
    body: PlantBody,
    filters: ['supplierId', 'customerId', 'kind'],
    graph: '[supplier, customer]',
  },
  'brokerage-contacts': {
    resource: 'brokerage-contacts',
    noun: 'contact',
    model: Contact,
    body: ContactBody,
    filters: ['supplierId', 'customerId', 'carrierId'],
  },
} as const satisfies Record<string, PartyKind>

export type PartyResource = keyof typeof PARTY_KINDS

// react-admin resources of the brokerage plugin (admin.entry in ../index.ts).
import type { AdminResource } from '@oo/admin/plugin-api'
import { invoices, payments } from './billing.tsx'
import { dashboard } from './dashboard.tsx'
import { purchaseOrders, salesOrders } from './orders.tsx'
import { carriers, contacts, customers, plants, productTypes, suppliers } from './parties.tsx'

const resources: AdminResource[] = [
  dashboard,
  purchaseOrders,
  salesOrders,
  invoices,
  payments,
  suppliers,
  customers,
  carriers,
  plants,
  contacts,
  productTypes,
]
export default resources

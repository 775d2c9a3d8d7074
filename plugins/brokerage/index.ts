import { asClass, definePlugin } from '@oo/core'
import { brokeragePermissions } from './permissions.js'
import { billingRoutes } from './routes/billing.js'
import { orderRoutes } from './routes/orders.js'
import { partyRoutes } from './routes/parties.js'
import { DocumentDesk } from './services/document-desk.js'
import { InvoiceService } from './services/invoice-service.js'
import { PartyService } from './services/party-service.js'
import { PurchaseOrderService } from './services/purchase-order-service.js'
import { ReceivablesService } from './services/receivables-service.js'
import { SalesOrderService } from './services/sales-order-service.js'
import './cradle.js'

/**
 * The meat-brokerage business (ProjectMeats): parties, purchase and sales orders, invoices and
 * receivables. Built as an outside plugin would be: it imports only `@oo/core`.
 */
export default definePlugin({
  name: 'brokerage',
  dependsOn: ['tenancy'],
  migrations: new URL('./migrations/', import.meta.url),
  permissions: brokeragePermissions,

  register({ container }) {
    container.register({
      brokeragePartyService: asClass(PartyService).scoped(),
      brokeragePurchaseOrderService: asClass(PurchaseOrderService).scoped(),
      brokerageSalesOrderService: asClass(SalesOrderService).scoped(),
      brokerageInvoiceService: asClass(InvoiceService).scoped(),
      brokerageReceivablesService: asClass(ReceivablesService).scoped(),
      // The document assistant's port (chat-assistant's PurchaseOrderDesk), when it is listed.
      brokerageDocumentDesk: asClass(DocumentDesk).scoped(),
    })
  },

  admin: { entry: './admin/index.ts' },

  routes: {
    admin(router) {
      partyRoutes(router)
      orderRoutes(router)
      billingRoutes(router)
    },
  },
})

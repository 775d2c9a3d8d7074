import type { DocumentDesk } from './services/document-desk.js'
import type { InvoiceService } from './services/invoice-service.js'
import type { PartyService } from './services/party-service.js'
import type { PurchaseOrderService } from './services/purchase-order-service.js'
import type { ReceivablesService } from './services/receivables-service.js'
import type { SalesOrderService } from './services/sales-order-service.js'

declare module '@oo/core' {
  interface RequestCradle {
    brokeragePartyService: PartyService
    brokeragePurchaseOrderService: PurchaseOrderService
    brokerageSalesOrderService: SalesOrderService
    brokerageInvoiceService: InvoiceService
    brokerageReceivablesService: ReceivablesService
    brokerageDocumentDesk: DocumentDesk
  }
}

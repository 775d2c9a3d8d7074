import { TenantModel } from '@oo/core'
import type { DraftPurchaseOrder } from './draft.js'

export class DocumentDraft extends TenantModel {
  static override tableName = 'assistant_document_drafts'
  static override jsonAttributes = ['draft']
  status!: 'pending' | 'confirmed' | 'discarded'
  fileName!: string | null
  provider!: string
  text!: string
  draft!: DraftPurchaseOrder
  purchaseOrderId!: string | null
  purchaseOrderNumber!: number | null
  createdBy!: string | null
}

import { OoError, type ListQuery, type TenantDb } from '@oo/core'
import type { Knex } from 'knex'
import { DocumentDraft } from './document-draft.js'
import { draftFrom, type DraftProvider, type DraftPurchaseOrder } from './draft.js'
import { pdfText } from './extract-text.js'
import type { PurchaseOrderDesk } from './ports.js'

type Actor = { id: string | null; label: string | null; ownOnly: boolean }

/** Document → text → a draft purchase order → reviewed by a person → confirmed into a real one. */
export class DocumentService {
  readonly #db: TenantDb
  readonly #provider: DraftProvider

  constructor({
    db,
    assistantDraftProvider,
  }: {
    db: TenantDb
    assistantDraftProvider: DraftProvider
  }) {
    this.#db = db
    this.#provider = assistantDraftProvider
  }

  async upload(
    desk: PurchaseOrderDesk,
    file: { bytes: Uint8Array; name: string | null },
    actor: Actor,
  ) {
    const text = await pdfText(file.bytes)
    const vocabulary = await desk.vocabulary()
    const draft = draftFrom(await this.#provider.read(text, vocabulary), vocabulary)
    return this.#db.tx(async (trx) =>
      DocumentDraft.query(trx)
        .insert({
          status: 'pending',
          fileName: file.name,
          provider: this.#provider.name,
          text,
          draft,
          createdBy: actor.id,
        })
        .returning('*'),
    )
  }

  list(query: ListQuery<{ status?: string }>) {
    return this.#db.tx(async (trx) => {
      const q = DocumentDraft.query(trx)
      if (query.filter.status) q.where('status', query.filter.status)
      const total = await q.clone().resultSize()
      const rows = await q
        .orderBy('created_at', query.sort.order)
        .offset(query.range.start)
        .limit(query.range.end - query.range.start + 1)
      return { rows, total }
    })
  }

  get(id: string) {
    return this.#db.tx(async (trx) => find(trx, id))
  }

  /** The user's corrections to a pending draft. */
  review(id: string, draft: DraftPurchaseOrder, actor: Actor) {
    return this.#db.tx(async (trx) => {
      await pending(trx, id, actor)
      return DocumentDraft.query(trx).patchAndFetchById(id, { draft })
    })
  }

  /**
   * Creates the purchase order from the (reviewed) draft and marks the draft confirmed, in one
   * go: the draft row stays locked while the desk writes, so a double click makes one order.
   */
  confirm(desk: PurchaseOrderDesk, id: string, actor: Actor) {
    return this.#db.tx(async (trx) => {
      const row = await pending(trx, id, actor)
      const { draft } = row
      const order = await desk.createPurchaseOrder(
        trx,
        {
          supplierId: draft.supplierId,
          plantId: draft.plantId,
          carrierId: draft.carrierId,
          pickupDate: draft.pickupDate,
          deliveryDate: draft.deliveryDate,
          weightUnit: draft.weightUnit,
          notes: `From document ${row.fileName ?? row.id}`,
          lines: draft.lines.map((l) => ({
            productTypeId: l.productTypeId,
            weight: l.weight,
            pricePerUnitMinor: l.pricePerUnitMinor,
          })),
        },
        actor,
      )
      return DocumentDraft.query(trx).patchAndFetchById(id, {
        status: 'confirmed',
        purchaseOrderId: order.id,
        purchaseOrderNumber: order.number,
      })
    })
  }

  discard(id: string, actor: Actor) {
    return this.#db.tx(async (trx) => {
      await pending(trx, id, actor)
      return DocumentDraft.query(trx).patchAndFetchById(id, { status: 'discarded' })
    })
  }
}

async function find(trx: Knex.Transaction, id: string, lock = false) {
  const q = DocumentDraft.query(trx).findById(id)
  const row = await (lock ? q.forUpdate() : q)
  if (!row)
    throw new OoError('ASSISTANT_DRAFT_NOT_FOUND', 404, `No document draft ${id}`, { field: 'id' })
  return row
}

async function pending(trx: Knex.Transaction, id: string, actor: Actor) {
  const row = await find(trx, id, true)
  if (actor.ownOnly && row.createdBy !== actor.id)
    throw new OoError(
      'ASSISTANT_NOT_YOURS',
      403,
      'Your role may review only the documents it uploaded',
    )
  if (row.status !== 'pending')
    throw new OoError('ASSISTANT_DRAFT_CLOSED', 409, `This draft is already ${row.status}`, {
      field: 'status',
    })
  return row
}

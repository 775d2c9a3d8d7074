import {
  OoError,
  parse,
  parseListQuery,
  requirePermission,
  setContentRange,
  type AppRouter,
  type AppState,
  type PluginContext,
} from '@oo/core'
import { z } from 'zod'
import type { AssistantOptions } from '../config.js'
import { DraftPurchaseOrder } from './draft.js'
import { DESK_KEY, type PurchaseOrderDesk } from './ports.js'
import { readBody } from './raw-body.js'

const IdParam = z.object({ id: z.uuid('must be an id') })
const ListFilter = z.object({ status: z.enum(['pending', 'confirmed', 'discarded']).optional() })
const ReviewBody = z.object({ draft: DraftPurchaseOrder })
const FileName = z
  .string()
  .max(255)
  .regex(/^[^\\/\0]+$/, 'must be a plain file name')
  .optional()

// The admin panel's data provider speaks JSON: the same upload as base64.
const JsonUpload = z.object({
  fileName: FileName,
  pdfBase64: z.base64('must be base64').min(8).max(16_000_000),
})

type Ctx = { state: AppState }

function actorOf(ctx: Ctx) {
  const p = ctx.state.principal
  return {
    id: p?.id ?? null,
    label: p?.email ?? p?.name ?? null,
    ownOnly: ctx.state.role === 'staff' && !p?.superAdmin,
  }
}

function deskOf(ctx: Ctx): PurchaseOrderDesk {
  const desk = ctx.state.scope.resolve<PurchaseOrderDesk | undefined>(DESK_KEY, {
    allowUnregistered: true,
  })
  if (!desk)
    throw new OoError(
      'ASSISTANT_NO_DESK',
      404,
      'No plugin here takes purchase orders (brokerage is not listed)',
    )
  return desk
}

/**
 * The document assistant: POST a PDF (`Content-Type: application/pdf`, the file name in
 * `X-File-Name`) → a pending draft; review it (PUT), then confirm (the purchase order is made)
 * or discard.
 */
export function documentRoutes(
  router: AppRouter,
  { options }: PluginContext<AssistantOptions>,
): void {
  const base = '/assistant-documents'
  router.post(base, requirePermission('assistant.documents'), async function uploadDocument(ctx) {
    const desk = deskOf(ctx)
    let file: { bytes: Uint8Array; name: string | null }
    if (ctx.is('application/json')) {
      const body = parse(JsonUpload, ctx.request.body ?? {})
      const bytes = new Uint8Array(Buffer.from(body.pdfBase64, 'base64'))
      if (bytes.length > options.documents.maxBytes)
        throw new OoError(
          'ASSISTANT_FILE_TOO_LARGE',
          413,
          `The document is larger than ${options.documents.maxBytes} bytes`,
          { field: 'pdfBase64' },
        )
      file = { bytes, name: body.fileName ?? null }
    } else if (ctx.is('application/pdf')) {
      const name = parse(FileName, ctx.get('X-File-Name') || undefined, { field: 'X-File-Name' })
      file = { bytes: await readBody(ctx.req, options.documents.maxBytes), name: name ?? null }
    } else
      throw new OoError(
        'ASSISTANT_NOT_A_PDF',
        415,
        'Send the document as Content-Type: application/pdf',
        { field: 'file' },
      )
    ctx.status = 201
    ctx.body = await ctx.state.scope.cradle.assistantDocumentService.upload(
      desk,
      file,
      actorOf(ctx),
    )
  })

  router.get(base, requirePermission('assistant.documents'), async function listDocuments(ctx) {
    const query = parseListQuery(ctx.query, {
      sortable: ['createdAt'],
      defaultSort: ['createdAt', 'desc'],
      filter: ListFilter,
    })
    const { rows, total } = await ctx.state.scope.cradle.assistantDocumentService.list(query)
    setContentRange(ctx, 'assistant-documents', query.range, total, rows.length)
    ctx.body = rows
  })

  router.get(
    `${base}/:id`,
    requirePermission('assistant.documents'),
    async function getDocument(ctx) {
      const { id } = parse(IdParam, ctx.params)
      ctx.body = await ctx.state.scope.cradle.assistantDocumentService.get(id)
    },
  )

  router.put(
    `${base}/:id`,
    requirePermission('assistant.documents'),
    async function reviewDocument(ctx) {
      const { id } = parse(IdParam, ctx.params)
      const { draft } = parse(ReviewBody, ctx.request.body ?? {})
      ctx.body = await ctx.state.scope.cradle.assistantDocumentService.review(
        id,
        draft,
        actorOf(ctx),
      )
    },
  )

  router.post(
    `${base}/:id/confirm`,
    requirePermission('assistant.documents'),
    async function confirmDocument(ctx) {
      const { id } = parse(IdParam, ctx.params)
      ctx.body = await ctx.state.scope.cradle.assistantDocumentService.confirm(
        deskOf(ctx),
        id,
        actorOf(ctx),
      )
    },
  )

  router.post(
    `${base}/:id/discard`,
    requirePermission('assistant.documents'),
    async function discardDocument(ctx) {
      const { id } = parse(IdParam, ctx.params)
      ctx.body = await ctx.state.scope.cradle.assistantDocumentService.discard(id, actorOf(ctx))
    },
  )
}

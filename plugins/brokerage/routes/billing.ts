import { parse, parseListQuery, requirePermission, setContentRange, type AppRouter } from '@oo/core'
import { z } from 'zod'
import { ORDER_SORTABLE } from '../services/purchase-order-service.js'
import { actorOf } from './actor.js'
import {
  AgingQuery,
  day,
  IdParam,
  InvoiceBody,
  InvoiceTransition,
  OrderFilter,
  PaymentBody,
} from './schemas.js'

const InvoiceTransitionBody = InvoiceTransition.extend({ issuedOn: day.optional() })
const PaymentFilter = z.object({
  invoiceId: IdParam.shape.id.optional(),
  id: z.union([IdParam.shape.id, z.array(IdParam.shape.id).max(500)]).optional(),
})

export function billingRoutes(router: AppRouter): void {
  router.get(
    '/brokerage-invoices',
    requirePermission('brokerage.read'),
    async function listInvoices(ctx) {
      const query = parseListQuery(ctx.query, {
        sortable: [...ORDER_SORTABLE, 'dueDate'],
        defaultSort: ['number', 'desc'],
        filter: OrderFilter,
      })
      const { rows, total } = await ctx.state.scope.cradle.brokerageInvoiceService.list(query)
      setContentRange(ctx, 'brokerage-invoices', query.range, total, rows.length)
      ctx.body = rows
    },
  )
  router.get(
    '/brokerage-invoices/:id',
    requirePermission('brokerage.read'),
    async function getInvoice(ctx) {
      const { id } = parse(IdParam, ctx.params)
      ctx.body = await ctx.state.scope.cradle.brokerageInvoiceService.get(id)
    },
  )
  router.post(
    '/brokerage-invoices',
    requirePermission('brokerage.finance'),
    async function createInvoice(ctx) {
      const body = parse(InvoiceBody, ctx.request.body ?? {})
      ctx.status = 201
      ctx.body = await ctx.state.scope.cradle.brokerageInvoiceService.create(body, actorOf(ctx))
    },
  )
  router.post(
    '/brokerage-invoices/:id/transitions',
    requirePermission('brokerage.finance'),
    async function transitionInvoice(ctx) {
      const { id } = parse(IdParam, ctx.params)
      const { status, reason, issuedOn } = parse(InvoiceTransitionBody, ctx.request.body ?? {})
      ctx.body = await ctx.state.scope.cradle.brokerageInvoiceService.transition(
        id,
        status,
        actorOf(ctx),
        { reason, issuedOn },
      )
    },
  )

  router.get(
    '/brokerage-payments',
    requirePermission('brokerage.read'),
    async function listPayments(ctx) {
      const query = parseListQuery(ctx.query, {
        sortable: ['receivedOn', 'createdAt', 'amountMinor'],
        defaultSort: ['receivedOn', 'desc'],
        filter: PaymentFilter,
      })
      const { rows, total } =
        await ctx.state.scope.cradle.brokerageReceivablesService.listPayments(query)
      setContentRange(ctx, 'brokerage-payments', query.range, total, rows.length)
      ctx.body = rows
    },
  )
  router.post(
    '/brokerage-payments',
    requirePermission('brokerage.finance'),
    async function recordPayment(ctx) {
      const body = parse(PaymentBody, ctx.request.body ?? {})
      ctx.status = 201
      ctx.body = await ctx.state.scope.cradle.brokerageReceivablesService.recordPayment(
        body,
        actorOf(ctx),
      )
    },
  )

  router.get(
    '/brokerage-receivables/aging',
    requirePermission('brokerage.read'),
    async function receivablesAging(ctx) {
      const { asOf } = parse(AgingQuery, ctx.query)
      ctx.body = await ctx.state.scope.cradle.brokerageReceivablesService.aging(asOf)
    },
  )
  router.get(
    '/brokerage-dashboard',
    requirePermission('brokerage.read'),
    async function brokerageDashboard(ctx) {
      const { asOf } = parse(AgingQuery, ctx.query)
      ctx.body = await ctx.state.scope.cradle.brokerageReceivablesService.dashboard(asOf)
    },
  )
  // react-admin's getOne('brokerage-dashboard', { id: 'summary' }), for the dashboard page.
  router.get(
    '/brokerage-dashboard/:id',
    requirePermission('brokerage.read'),
    async function brokerageDashboardRecord(ctx) {
      const { id } = parse(z.object({ id: z.literal('summary') }), ctx.params)
      const { asOf } = parse(AgingQuery, ctx.query)
      const dashboard = await ctx.state.scope.cradle.brokerageReceivablesService.dashboard(asOf)
      ctx.body = { id, ...dashboard }
    },
  )
}

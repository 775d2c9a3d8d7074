import {
  OoError,
  parse,
  parseListQuery,
  requirePermission,
  setContentRange,
  type AppRouter,
  type AppState,
} from '@oo/core'
import type { ParameterizedContext } from 'koa'
import { SORTABLE_FIELDS, type OrderViewer } from '../services/order-service.js'
import { ListOrdersFilter, OrderIdParam, TransitionBody } from './schemas.js'

/** A farmer (tenant role `staff`) sees only their own lines; every other role sees whole orders. */
function viewerOf(ctx: ParameterizedContext<AppState>): OrderViewer {
  return ctx.state.role === 'staff' && !ctx.state.principal?.superAdmin
    ? { farmerId: ctx.state.principal!.id }
    : {}
}

export function adminRoutes(router: AppRouter): void {
  router.get('/orders', requirePermission('orders.read'), async function listOrders(ctx) {
    const query = parseListQuery(ctx.query, {
      sortable: SORTABLE_FIELDS,
      defaultSort: ['placedAt', 'desc'],
      filter: ListOrdersFilter,
    })
    const { rows, total } = await ctx.state.scope.cradle.orderService.list(query, viewerOf(ctx))
    setContentRange(ctx, 'orders', query.range, total, rows.length)
    ctx.body = rows
  })

  router.get('/orders/:id', requirePermission('orders.read'), async function getOrder(ctx) {
    const { id } = parse(OrderIdParam, ctx.params)
    const { orderService } = ctx.state.scope.cradle
    const viewer = viewerOf(ctx)
    const order = await orderService.get(id, viewer)
    if (viewer.farmerId && !order.lines.length)
      throw new OoError('ORDERS_ORDER_NOT_FOUND', 404, `Order ${id} not found`)
    ctx.body = { ...order, history: await orderService.history(id) }
  })

  router.post(
    '/orders/:id/transitions',
    requirePermission('orders.write'),
    async function transitionOrder(ctx) {
      const { id } = parse(OrderIdParam, ctx.params)
      const body = parse(TransitionBody, ctx.request.body ?? {})
      const { orderService } = ctx.state.scope.cradle
      ctx.body =
        'action' in body
          ? await orderService.recall(id)
          : await orderService.transition(id, body.status, { reason: body.reason })
    },
  )

  /** react-admin's edit form sends the whole record; only `status` is writable. */
  router.put('/orders/:id', requirePermission('orders.write'), async function updateOrder(ctx) {
    const { id } = parse(OrderIdParam, ctx.params)
    const { status } = parse(TransitionBody.options[0].pick({ status: true }), {
      status: (ctx.request.body as { status?: unknown } | undefined)?.status,
    })
    const { orderService } = ctx.state.scope.cradle
    const current = await orderService.get(id)
    ctx.body = current.status === status ? current : await orderService.transition(id, status)
  })
}

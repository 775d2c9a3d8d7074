import { parse, parseListQuery, requirePermission, setContentRange, type AppRouter } from '@oo/core'
import { ORDER_SORTABLE } from '../services/purchase-order-service.js'
import type { PurchaseOrderStatus } from '../services/state/purchase-order-state.js'
import type { SalesOrderStatus } from '../services/state/sales-order-state.js'
import { actorOf } from './actor.js'
import {
  IdParam,
  OrderFilter,
  PurchaseOrderBody,
  PurchaseOrderTransition,
  PurchaseOrderUpdate,
  SalesOrderBody,
  SalesOrderTransition,
  SalesOrderUpdate,
} from './schemas.js'

export function orderRoutes(router: AppRouter): void {
  router.get(
    '/brokerage-purchase-orders',
    requirePermission('brokerage.read'),
    async function listPurchaseOrders(ctx) {
      const query = parseListQuery(ctx.query, {
        sortable: ORDER_SORTABLE,
        defaultSort: ['number', 'desc'],
        filter: OrderFilter,
      })
      const { rows, total } = await ctx.state.scope.cradle.brokeragePurchaseOrderService.list(query)
      setContentRange(ctx, 'brokerage-purchase-orders', query.range, total, rows.length)
      ctx.body = rows
    },
  )
  router.get(
    '/brokerage-purchase-orders/:id',
    requirePermission('brokerage.read'),
    async function getPurchaseOrder(ctx) {
      const { id } = parse(IdParam, ctx.params)
      ctx.body = await ctx.state.scope.cradle.brokeragePurchaseOrderService.get(id)
    },
  )
  router.post(
    '/brokerage-purchase-orders',
    requirePermission('brokerage.write'),
    async function createPurchaseOrder(ctx) {
      const body = parse(PurchaseOrderBody, ctx.request.body ?? {})
      ctx.status = 201
      ctx.body = await ctx.state.scope.cradle.brokeragePurchaseOrderService.create(
        body,
        actorOf(ctx),
      )
    },
  )
  router.put(
    '/brokerage-purchase-orders/:id',
    requirePermission('brokerage.write'),
    async function updatePurchaseOrder(ctx) {
      const { id } = parse(IdParam, ctx.params)
      const body = parse(PurchaseOrderUpdate, ctx.request.body ?? {})
      ctx.body = await ctx.state.scope.cradle.brokeragePurchaseOrderService.update(
        id,
        body,
        actorOf(ctx),
      )
    },
  )
  router.post(
    '/brokerage-purchase-orders/:id/transitions',
    requirePermission('brokerage.write'),
    async function transitionPurchaseOrder(ctx) {
      const { id } = parse(IdParam, ctx.params)
      const { status, reason } = parse(PurchaseOrderTransition, ctx.request.body ?? {})
      ctx.body = await ctx.state.scope.cradle.brokeragePurchaseOrderService.transition(
        id,
        status as PurchaseOrderStatus,
        actorOf(ctx),
        reason,
      )
    },
  )

  router.get(
    '/brokerage-sales-orders',
    requirePermission('brokerage.read'),
    async function listSalesOrders(ctx) {
      const query = parseListQuery(ctx.query, {
        sortable: ORDER_SORTABLE,
        defaultSort: ['number', 'desc'],
        filter: OrderFilter,
      })
      const { rows, total } = await ctx.state.scope.cradle.brokerageSalesOrderService.list(query)
      setContentRange(ctx, 'brokerage-sales-orders', query.range, total, rows.length)
      ctx.body = rows
    },
  )
  router.get(
    '/brokerage-sales-orders/:id',
    requirePermission('brokerage.read'),
    async function getSalesOrder(ctx) {
      const { id } = parse(IdParam, ctx.params)
      ctx.body = await ctx.state.scope.cradle.brokerageSalesOrderService.get(id)
    },
  )
  router.post(
    '/brokerage-sales-orders',
    requirePermission('brokerage.write'),
    async function createSalesOrder(ctx) {
      const body = parse(SalesOrderBody, ctx.request.body ?? {})
      ctx.status = 201
      ctx.body = await ctx.state.scope.cradle.brokerageSalesOrderService.create(body, actorOf(ctx))
    },
  )
  router.put(
    '/brokerage-sales-orders/:id',
    requirePermission('brokerage.write'),
    async function updateSalesOrder(ctx) {
      const { id } = parse(IdParam, ctx.params)
      const body = parse(SalesOrderUpdate, ctx.request.body ?? {})
      ctx.body = await ctx.state.scope.cradle.brokerageSalesOrderService.update(
        id,
        body,
        actorOf(ctx),
      )
    },
  )
  router.post(
    '/brokerage-sales-orders/:id/transitions',
    requirePermission('brokerage.write'),
    async function transitionSalesOrder(ctx) {
      const { id } = parse(IdParam, ctx.params)
      const { status, reason } = parse(SalesOrderTransition, ctx.request.body ?? {})
      ctx.body = await ctx.state.scope.cradle.brokerageSalesOrderService.transition(
        id,
        status as SalesOrderStatus,
        actorOf(ctx),
        reason,
      )
    },
  )
}

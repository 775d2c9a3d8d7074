import { parse, parseListQuery, requirePermission, setContentRange, type AppRouter } from '@oo/core'
import { DELIVERY_SORT, ENDPOINT_SORT } from '../services/rows.js'
import {
  CreateEndpointBody,
  DeliveryFilter,
  EndpointFilter,
  IdParam,
  UpdateEndpointBody,
} from './schemas.js'

const READ = requirePermission('webhooks.read')
const WRITE = requirePermission('webhooks.write')

export function adminRoutes(router: AppRouter): void {
  router.get('/webhooks', READ, async function listEndpoints(ctx) {
    const query = parseListQuery(ctx.query, {
      sortable: Object.keys(ENDPOINT_SORT),
      defaultSort: ['createdAt', 'desc'],
      filter: EndpointFilter,
    })
    const { rows, total } = await ctx.state.scope.cradle.webhookEndpointService.list(query)
    setContentRange(ctx, 'webhooks', query.range, total, rows.length)
    ctx.body = rows
  })

  router.get('/webhooks/:id', READ, async function getEndpoint(ctx) {
    ctx.body = await ctx.state.scope.cradle.webhookEndpointService.get(
      parse(IdParam, ctx.params).id,
    )
  })

  /** The answer carries `secret` (`whsec_…`), the only time it is shown. */
  router.post('/webhooks', WRITE, async function createEndpoint(ctx) {
    const body = parse(CreateEndpointBody, ctx.request.body)
    ctx.status = 201
    ctx.body = await ctx.state.scope.cradle.webhookEndpointService.create(body)
  })

  router.put('/webhooks/:id', WRITE, async function updateEndpoint(ctx) {
    const { id } = parse(IdParam, ctx.params)
    const patch = parse(UpdateEndpointBody, ctx.request.body ?? {})
    ctx.body = await ctx.state.scope.cradle.webhookEndpointService.update(id, patch)
  })

  router.delete('/webhooks/:id', WRITE, async function deleteEndpoint(ctx) {
    ctx.body = await ctx.state.scope.cradle.webhookEndpointService.remove(
      parse(IdParam, ctx.params).id,
    )
  })

  router.get('/webhook-deliveries', READ, async function listDeliveries(ctx) {
    const query = parseListQuery(ctx.query, {
      sortable: Object.keys(DELIVERY_SORT),
      defaultSort: ['sequence', 'desc'],
      filter: DeliveryFilter,
    })
    const { rows, total } = await ctx.state.scope.cradle.webhookDeliveryService.list(query)
    setContentRange(ctx, 'webhook-deliveries', query.range, total, rows.length)
    ctx.body = rows
  })

  router.get('/webhook-deliveries/:id', READ, async function getDelivery(ctx) {
    ctx.body = await ctx.state.scope.cradle.webhookDeliveryService.get(
      parse(IdParam, ctx.params).id,
    )
  })

  /** A new delivery of the same message (same `webhook-id` and body) at the end of the queue. */
  router.post('/webhook-deliveries/:id/replay', WRITE, async function replayDelivery(ctx) {
    const { id } = parse(IdParam, ctx.params)
    const { webhookDeliveryService, webhookWorker } = ctx.state.scope.cradle
    const delivery = await webhookDeliveryService.replay(id)
    webhookWorker.nudge()
    ctx.status = 201
    ctx.body = delivery
  })
}

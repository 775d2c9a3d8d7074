import {
  OoError,
  parse,
  type AppRouter,
  type AwilixContainer,
  type PluginContext,
  type RequestCradle,
} from '@oo/core'
import type { OrdersOptions } from '../config.js'
import { toCustomerOrder } from '../services/order-rows.js'
import type { GuestTokens } from '../services/ports.js'
import { requireTenant } from './guards.js'
import { checkoutBody, IdempotencyKey, OrderIdParam } from './schemas.js'

/** The order-scoped token the guest's order page (and its socket) uses; signed by the oidc plugin. */
async function orderToken(
  scope: AwilixContainer<RequestCradle>,
  orderId: string,
  ttlSeconds: number,
): Promise<{ token: string; expiresAt: string }> {
  const tokens: GuestTokens = scope.cradle.guestTokens
  const issued = await tokens.issue({
    tenantId: scope.cradle.tenant.id,
    kind: 'order',
    orderId,
    ttlSeconds,
  })
  return { token: issued.token, expiresAt: new Date(issued.expiresAt).toISOString() }
}

export function storeRoutes(router: AppRouter, { options }: PluginContext<OrdersOptions>): void {
  const CheckoutBody = checkoutBody(options)

  router.post('/checkout', requireTenant(), async function checkout(ctx) {
    const rawKey = ctx.get('idempotency-key')
    const key = rawKey ? parse(IdempotencyKey, rawKey, { field: 'Idempotency-Key' }) : undefined
    const body = parse(CheckoutBody, ctx.request.body ?? {})
    const { order, replayed } = await ctx.state.scope.cradle.checkoutService.checkout(body, key)
    const token = await orderToken(ctx.state.scope, order.id, options.orderTokenTtlSeconds)
    if (replayed) ctx.set('Idempotent-Replayed', 'true')
    ctx.status = replayed ? 200 : 201
    ctx.body = {
      order: toCustomerOrder(order),
      orderToken: token.token,
      orderTokenExpiresAt: token.expiresAt,
    }
  })

  /** The customer's view of one order, for the holder of its order-scoped token. */
  router.get('/orders/:id', requireTenant(), async function customerOrder(ctx) {
    const { id } = parse(OrderIdParam, ctx.params)
    const principal = ctx.state.principal
    if (!principal)
      throw new OoError('OO_UNAUTHENTICATED', 401, 'Use the order token from checkout')
    if (principal.kind !== 'order' || principal.id !== id)
      throw new OoError('OO_FORBIDDEN', 403, 'This token is for another order')
    ctx.body = toCustomerOrder(await ctx.state.scope.cradle.orderService.get(id))
  })
}

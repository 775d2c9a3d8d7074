import { OoError, type AppState } from '@oo/core'
import type { Middleware } from 'koa'

/** Store routes act on the shop behind the domain; without one there is nothing to order from. */
export function requireTenant(): Middleware<AppState> {
  return async function requireTenant(ctx, next) {
    if (!ctx.state.tenant)
      throw new OoError('OO_TENANT_REQUIRED', 404, `No shop is registered at ${ctx.hostname}`)
    await next()
  }
}

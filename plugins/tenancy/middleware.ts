import { asValue, bindTenantToScope, type AppState } from '@oo/core'
import type { Middleware } from 'koa'

/** Binds the request's tenant and the caller's role to the scope. Tenant-less requests pass on. */
export function resolveTenant(): Middleware<AppState> {
  return async function resolveTenant(ctx, next) {
    const { scope } = ctx.state
    const directory = scope.cradle.tenantDirectory
    const principal = ctx.state.principal
    if (principal && !principal.superAdmin && directory.isSuperAdmin(principal)) {
      ctx.state.principal = { ...principal, superAdmin: true }
      scope.register({ principal: asValue(ctx.state.principal) })
    }
    const header = ctx.get('x-tenant-id').trim()
    const resolved = await directory.resolve({
      host: ctx.hostname,
      tenantHeader: header || undefined,
      principal: ctx.state.principal,
    })
    if (resolved) {
      bindTenantToScope(scope, resolved.tenant)
      scope.register({
        logger: asValue(scope.cradle.logger.child({ tenant: resolved.tenant.slug })),
      })
      ctx.state.tenant = resolved.tenant
      ctx.state.role = resolved.role
    }
    await next()
  }
}

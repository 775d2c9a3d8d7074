import { effectiveRole, OoError, type AppRouter, type AppState } from '@oo/core'
import type { Context } from 'koa'

function principalOf(ctx: Context & { state: AppState }) {
  const { principal } = ctx.state
  if (!principal) throw new OoError('OO_UNAUTHENTICATED', 401, 'Sign in to use this route')
  ctx.set('Cache-Control', 'no-store')
  return principal
}

export function adminRoutes(router: AppRouter): void {
  /** What the caller may do in this request's tenant: drives the panel's menus and buttons. */
  router.get('/panel/permissions', function panelPermissions(ctx) {
    const principal = principalOf(ctx)
    const { role } = ctx.state
    const held = effectiveRole(principal, role)
    ctx.body = {
      role: role ?? null,
      superAdmin: principal.superAdmin,
      permissions: ctx.state.scope.cradle.permissions
        .entries()
        .filter(([, roles]) => principal.superAdmin || roles.includes(held))
        .map(([permission]) => permission)
        .sort(),
    }
  })

  /**
   * The caller's tenants with their names and domains, for the tenant switcher: on a shop's own
   * domain the panel cannot ask about another tenant (the Host decides), so it asks here.
   */
  router.get('/panel/tenants', async function panelTenants(ctx) {
    const principal = principalOf(ctx)
    const { userDirectory, scopes } = ctx.state.scope.cradle
    const memberships =
      principal.kind === 'user' ? await userDirectory.memberships(principal.id) : []
    ctx.body = await Promise.all(
      memberships.map(async ({ tenantId, role }) => {
        const tenant = await scopes.run(tenantId, (scope) =>
          scope.cradle.tenantAdmin.storefront(tenantId),
        )
        return {
          id: tenant.id,
          slug: tenant.slug,
          name: tenant.name,
          domains: tenant.domains,
          role,
        }
      }),
    )
  })
}

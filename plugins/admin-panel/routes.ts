import { effectiveRole, OoError, type AppRouter } from '@oo/core'

export function adminRoutes(router: AppRouter): void {
  /** What the caller may do in this request's tenant: drives the panel's menus and buttons. */
  router.get('/panel/permissions', function panelPermissions(ctx) {
    const { principal, role } = ctx.state
    if (!principal) throw new OoError('OO_UNAUTHENTICATED', 401, 'Sign in to use this route')
    const matrix = ctx.state.scope.cradle.permissions
    const held = effectiveRole(principal, role)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = {
      role: role ?? null,
      superAdmin: principal.superAdmin,
      permissions: matrix
        .entries()
        .filter(([, roles]) => principal.superAdmin || roles.includes(held))
        .map(([permission]) => permission)
        .sort(),
    }
  })
}

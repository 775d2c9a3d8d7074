import { OoError, type AppRouter } from '@oo/core'

export function storeRoutes(router: AppRouter): void {
  /** The shop behind this domain: what a storefront needs to render its shell. */
  router.get('/tenant', async function currentTenant(ctx) {
    const tenant = ctx.state.tenant
    if (!tenant)
      throw new OoError('OO_TENANT_REQUIRED', 404, `No shop is registered at ${ctx.hostname}`)
    // The theme is a hot-reloaded setting when the config plugin is installed; the column set
    // at provisioning applies until a tenant changes it there.
    const settings = ctx.state.scope.resolve('settings', { allowUnregistered: true })
    ctx.body = await ctx.state.scope.cradle.tenantAdmin.storefront(tenant.id, settings)
  })
}

import { requirePermission, type AppRouter } from '@oo/core'

export function adminRoutes(router: AppRouter): void {
  /** The development issuer's sent mail (reset and verification links), newest first. */
  router.get('/oidc/mail', requirePermission('oidc.mail.read'), async function listMail(ctx) {
    const to = typeof ctx.query.to === 'string' ? ctx.query.to : undefined
    ctx.body = await ctx.state.scope.cradle.oidcMail.list(to)
  })
}

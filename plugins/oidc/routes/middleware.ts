import type { AppState, Cradle, PluginContext } from '@oo/core'
import type { Context, Middleware } from 'koa'
import type { OidcOptions } from '../config.js'
import { csrfGuard } from '../services/session-auth.js'
import { authRoutes } from './auth-routes.js'
import { apiRateLimit, limitAction } from './limits.js'
import { mountDevIssuer } from './mount.js'

/** API rate limits, the CSRF guard, the development issuer at /oidc and browser sign-in at /auth. */
export function oidcMiddleware({
  container,
  options,
}: PluginContext<OidcOptions>): Middleware<AppState>[] {
  const cradle: Cradle = container.cradle
  const { oidcRateLimiter, oidcSessions, oidcDevIssuer, oidcIssuers, oidcSignOut } = cradle
  const limit = limitAction(oidcRateLimiter, options.rateLimits)
  const tenants = () => container.cradle.tenantResolver
  const cookieName = options.session.cookieName
  const port = (ctx: Context) => ctx.req.socket.localPort ?? 0
  const auth = authRoutes({
    config: cradle.config,
    cookieName,
    sessions: oidcSessions,
    userTokens: cradle.oidcUserTokens,
    tenants,
    issuer: async (ctx) =>
      oidcDevIssuer ? oidcDevIssuer.entry(port(ctx)) : oidcIssuers.primary()!,
    localIssuer: (ctx) => oidcDevIssuer?.issuerUrl(port(ctx)) ?? null,
    signOut: oidcSignOut,
    limit,
  })
  return [
    apiRateLimit(oidcRateLimiter, options.rateLimits),
    csrfGuard(oidcSessions, cookieName),
    ...(oidcDevIssuer
      ? [
          mountDevIssuer(oidcDevIssuer, tenants, {
            accounts: cradle.oidcAccounts,
            limit,
            failures: cradle.oidcSignInFailures,
            signOut: oidcSignOut,
            issuer: (ctx) => ({
              origin: oidcDevIssuer.origin(port(ctx)),
              iss: oidcDevIssuer.issuerUrl(port(ctx)),
            }),
            allowLocal: cradle.config.mode !== 'production',
          }),
        ]
      : []),
    auth.routes() as Middleware<AppState>,
    auth.allowedMethods() as Middleware<AppState>,
  ]
}

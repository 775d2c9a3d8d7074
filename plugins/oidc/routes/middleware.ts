import type { AppState, Cradle, PluginContext } from '@oo/core'
import type { Middleware } from 'koa'
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
  const { oidcRateLimiter, oidcSessions, oidcDevIssuer, oidcIssuers } = cradle
  const limit = limitAction(oidcRateLimiter, options.rateLimits)
  const tenants = () => container.cradle.tenantResolver
  const cookieName = options.session.cookieName
  const auth = authRoutes({
    config: cradle.config,
    cookieName,
    sessions: oidcSessions,
    userTokens: cradle.oidcUserTokens,
    tenants,
    issuer: async (ctx) =>
      oidcDevIssuer ? oidcDevIssuer.entry(ctx.req.socket.localPort ?? 0) : oidcIssuers.primary()!,
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
            allowLocal: cradle.config.mode !== 'production',
          }),
        ]
      : []),
    auth.routes() as Middleware<AppState>,
    auth.allowedMethods() as Middleware<AppState>,
  ]
}

import type { Middleware } from 'koa'
import type { AppState } from './app-state.js'
import type { OriginPolicy } from './origin-policy.js'

/** Conservative headers for an API that also serves small pages (KDS, order status). */
export function securityHeaders(): Middleware<AppState> {
  return async function securityHeaders(ctx, next) {
    ctx.set('X-Content-Type-Options', 'nosniff')
    ctx.set('Referrer-Policy', 'strict-origin-when-cross-origin')
    ctx.set('X-Frame-Options', 'DENY')
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin')
    if (ctx.secure) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
    await next()
  }
}

/**
 * Credentialed CORS per tenant, with Content-Range exposed for react-admin's data provider.
 *
 * CORS runs before the body, the scope and tenancy's resolution, so it cannot read the resolved
 * tenant; it resolves the *target* tenant itself (the verified domain in Host, else the id in
 * X-Tenant-ID) and allows an Origin only if it is a verified domain of that same tenant (or a
 * configured origin). A request with no target (no tenant Host, no header) would fall to the
 * caller's default tenant, which CORS cannot know: no cross-origin credentials for it. Tenancy
 * then checks the header against the host and membership, so naming a tenant here grants
 * nothing but the comparison.
 *
 * A preflight carries no header values, only names: on a tenant's own Host it is judged against
 * that tenant; elsewhere (a platform API host) any verified domain may send the actual request,
 * whose answer gets the tenant check above — and writes need the session's CSRF token, which a
 * foreign origin cannot read.
 */
export function cors(policy: OriginPolicy): Middleware<AppState> {
  return async function cors(ctx, next) {
    const origin = ctx.get('origin')
    if (!origin) return next()
    ctx.vary('Origin')
    const preflight = ctx.method === 'OPTIONS' && !!ctx.get('access-control-request-method')
    const target = await policy.targetTenant(ctx.hostname, ctx.get('x-tenant-id') || undefined)
    const allowed =
      preflight && !target
        ? await policy.allowsSomeTenant(origin)
        : await policy.allows(origin, target)
    if (allowed) {
      ctx.set('Access-Control-Allow-Origin', origin)
      ctx.set('Access-Control-Allow-Credentials', 'true')
      ctx.set('Access-Control-Expose-Headers', 'Content-Range, X-Request-Id, Retry-After')
    }
    if (preflight) {
      if (allowed) {
        ctx.set('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE')
        ctx.set(
          'Access-Control-Allow-Headers',
          'Authorization, Content-Type, X-Tenant-ID, X-CSRF-Token, Idempotency-Key, X-Request-Id',
        )
        ctx.set('Access-Control-Max-Age', '600')
      }
      ctx.status = 204
      return
    }
    await next()
  }
}

import type { Middleware } from 'koa'
import type { AppState } from './app-state.js'

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
 * CORS that allows exactly the registered tenant domains (plus configured extras), with
 * credentials, and exposes Content-Range so react-admin's data provider can read totals.
 */
export function cors(
  isAllowedHost: (host: string) => Promise<boolean>,
  extraOrigins: string[],
): Middleware<AppState> {
  const extras = new Set(extraOrigins)
  return async function cors(ctx, next) {
    const origin = ctx.get('origin')
    if (!origin) return next()
    let allowed = extras.has(origin)
    if (!allowed) {
      try {
        allowed = await isAllowedHost(new URL(origin).hostname)
      } catch {
        allowed = false
      }
    }
    ctx.vary('Origin')
    if (allowed) {
      ctx.set('Access-Control-Allow-Origin', origin)
      ctx.set('Access-Control-Allow-Credentials', 'true')
      ctx.set('Access-Control-Expose-Headers', 'Content-Range, X-Request-Id, Retry-After')
    }
    if (ctx.method === 'OPTIONS' && ctx.get('access-control-request-method')) {
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

import type { AppState } from '@oo/core'
import type { Context, Middleware } from 'koa'
import type { OidcOptions } from '../config.js'
import type { RateLimiter } from '../services/rate-limiter.js'

export type LimitedAction = 'signInStart' | 'register' | 'passwordReset'

/**
 * Counts one request of `action` against the caller's IP and, when known, the account it names.
 * Failed sign-ins are counted apart, only when they fail (SignInFailures).
 */
export function limitAction(limiter: RateLimiter, rules: OidcOptions['rateLimits']) {
  return async (ctx: Context, action: LimitedAction, user?: string): Promise<void> => {
    if (action === 'signInStart') {
      await limiter.hit('sign-in-start-ip', ctx.ip, rules.signInStartPerIp)
    } else if (action === 'register') {
      await limiter.hit('register-ip', ctx.ip, rules.registerPerIp)
    } else {
      await limiter.hit('password-reset-ip', ctx.ip, rules.passwordResetPerIp)
      if (user) await limiter.hit('password-reset-user', user, rules.passwordResetPerUser)
    }
  }
}

/** /api/* per IP and per signed-in caller. Runs after authentication, so the caller is known. */
export function apiRateLimit(
  limiter: RateLimiter,
  rules: OidcOptions['rateLimits'],
): Middleware<AppState> {
  return async function apiRateLimit(ctx, next) {
    if (ctx.path.startsWith('/api/')) {
      await limiter.hit('api-ip', ctx.ip, rules.apiPerIp)
      const principal = ctx.state.principal
      if (principal)
        await limiter.hit('api-user', `${principal.kind}:${principal.id}`, rules.apiPerUser)
    }
    await next()
  }
}

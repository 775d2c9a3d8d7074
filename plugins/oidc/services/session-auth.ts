import { OoError, type AppState, type Authenticator, type Principal } from '@oo/core'
import type { Middleware } from 'koa'
import { sameToken, type SessionStore } from './sessions.js'

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * The browser session cookie. Unsafe methods need the session's CSRF token in X-CSRF-Token;
 * without it the cookie grants nothing (the request is anonymous), and `csrfGuard` says why.
 * A bearer token, when present, wins.
 */
export function sessionAuthenticator(sessions: SessionStore, cookieName: string): Authenticator {
  return async function oidcSession({
    bearer,
    cookies,
    csrfHeader,
    method,
  }): Promise<Principal | null> {
    if (bearer) return null
    const session = await sessions.find(cookies?.get(cookieName))
    if (!session) return null
    if (method && !SAFE.has(method.toUpperCase()) && !sameToken(csrfHeader, session.csrf))
      return null
    return session.principal
  }
}

/** A cookie-authenticated write without the CSRF token gets 403 with a clear code, not a puzzling 401. */
export function csrfGuard(sessions: SessionStore, cookieName: string): Middleware<AppState> {
  return async function csrfGuard(ctx, next) {
    if (
      !ctx.state.principal &&
      !SAFE.has(ctx.method) &&
      !ctx.get('authorization') &&
      ctx.path.startsWith('/api/')
    ) {
      const session = await sessions.find(ctx.cookies.get(cookieName))
      if (session)
        throw new OoError(
          'OIDC_CSRF_TOKEN_INVALID',
          403,
          'Send the session’s CSRF token (GET /auth/session) in X-CSRF-Token',
        )
    }
    await next()
  }
}

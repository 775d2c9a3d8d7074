import Router from '@koa/router'
import { OoError, type AppState, type ResolvedConfig, type TenantResolver } from '@oo/core'
import type { Context } from 'koa'
import * as client from 'openid-client'
import type { IssuerEntry } from '../services/issuer-registry.js'
import type { SessionStore } from '../services/sessions.js'
import type { SignOut } from '../services/sign-out.js'
import type { UserTokens } from '../services/user-tokens.js'

export interface AuthRouteDeps {
  config: ResolvedConfig
  cookieName: string
  sessions: SessionStore
  userTokens: UserTokens
  tenants: () => TenantResolver | undefined
  /** The issuer browsers sign in with (the dev issuer is built on demand). */
  issuer: (ctx: Context) => Promise<IssuerEntry>
  limit: (ctx: Context, action: 'signInStart') => Promise<void>
  /** The built-in issuer's `iss` for this engine, or null with an external issuer. */
  localIssuer: (ctx: Context) => string | null
  signOut: SignOut
}

const STATE_COOKIE = 'oo_auth_state'
// The engine's own loopback names. A `*.localhost` host is a tenant domain like any other: it
// must be verified before it may start a sign-in.
const LOCAL = /^(localhost|127\.0\.0\.1|\[::1\])$/

/** Backend-for-frontend sign-in: code + PKCE as a confidential client, then an httpOnly session cookie. */
export function authRoutes(deps: AuthRouteDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/auth' })

  router.get('/login', async function login(ctx) {
    await deps.limit(ctx, 'signInStart')
    await assertOwnHost(ctx, deps)
    const returnTo = await safeReturnTo(
      ctx,
      deps,
      typeof ctx.query.returnTo === 'string' ? ctx.query.returnTo : '/',
    )
    const entry = await deps.issuer(ctx)
    const { config } = await entry.connect()
    const verifier = client.randomPKCECodeVerifier()
    const state = client.randomState()
    const nonce = client.randomNonce()
    const redirectUri = `${ctx.protocol}://${ctx.host}/auth/callback`
    await deps.sessions.saveLoginState(state, {
      issuer: entry.options.issuer,
      verifier,
      nonce,
      returnTo,
      redirectUri,
    })
    ctx.cookies.set(
      STATE_COOKIE,
      state,
      cookieOptions(ctx, deps.config, { path: '/auth', maxAge: 600_000 }),
    )
    ctx.redirect(
      client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: entry.options.scopes.join(' '),
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      }).href,
    )
  })

  router.get('/callback', async function callback(ctx) {
    const state = typeof ctx.query.state === 'string' ? ctx.query.state : ''
    if (!state || ctx.cookies.get(STATE_COOKIE) !== state)
      throw new OoError(
        'OIDC_LOGIN_STATE_MISMATCH',
        400,
        'This sign-in was not started in this browser; start again',
      )
    const login = await deps.sessions.takeLoginState(state)
    if (!login)
      throw new OoError(
        'OIDC_LOGIN_STATE_EXPIRED',
        400,
        'This sign-in expired or was already completed; start again',
      )
    ctx.cookies.set(STATE_COOKIE, null, cookieOptions(ctx, deps.config, { path: '/auth' }))
    if (typeof ctx.query.error === 'string')
      throw new OoError(
        'OIDC_LOGIN_DENIED',
        401,
        `Sign-in ended: ${ctx.query.error_description ?? ctx.query.error}`,
      )
    const entry = await deps.issuer(ctx)
    if (entry.options.issuer !== login.issuer)
      throw new OoError(
        'OIDC_LOGIN_STATE_MISMATCH',
        400,
        'The issuer changed during sign-in; start again',
      )
    const { config } = await entry.connect()
    const current = new URL(login.redirectUri)
    current.search = ctx.querystring
    let tokens
    try {
      tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: login.verifier,
        expectedState: state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      })
    } catch (err) {
      throw new OoError(
        'OIDC_CODE_EXCHANGE_FAILED',
        401,
        `The issuer did not accept the sign-in: ${(err as Error).message}`,
        { cause: err },
      )
    }
    const principal = await deps.userTokens.principalFromClaims(entry.options, tokens.claims()!)
    // A new session id at every sign-in (no fixation); the previous one, if any, ends.
    await deps.sessions.destroy(ctx.cookies.get(deps.cookieName))
    const { cookie } = await deps.sessions.create(
      principal,
      entry.options.issuer,
      tokens.id_token ?? null,
    )
    ctx.cookies.set(
      deps.cookieName,
      cookie,
      cookieOptions(ctx, deps.config, { path: '/', maxAge: deps.sessions.ttlMs }),
    )
    ctx.status = 303
    ctx.redirect(login.returnTo)
  })

  router.get('/session', async function session(ctx) {
    const found = await deps.sessions.find(ctx.cookies.get(deps.cookieName))
    if (!found) throw new OoError('OO_UNAUTHENTICATED', 401, 'No session: sign in at /auth/login')
    const principal = ctx.state.principal ?? found.principal
    ctx.set('Cache-Control', 'no-store')
    ctx.body = {
      principal: {
        id: principal.id,
        kind: principal.kind,
        email: principal.email ?? null,
        emailVerified: principal.emailVerified ?? false,
        name: principal.name ?? null,
        superAdmin: principal.superAdmin,
      },
      tenant: ctx.state.tenant ?? null,
      role: ctx.state.role ?? null,
      csrfToken: found.csrf,
      expiresAt: found.expiresAt.toISOString(),
    }
  })

  router.post('/logout', async function logout(ctx) {
    const cookie = ctx.cookies.get(deps.cookieName)
    const found = await deps.sessions.find(cookie)
    if (found && !ctx.state.principal)
      throw new OoError(
        'OIDC_CSRF_TOKEN_INVALID',
        403,
        'Send the session’s CSRF token in X-CSRF-Token',
      )
    await deps.sessions.destroy(cookie)
    ctx.cookies.set(deps.cookieName, null, cookieOptions(ctx, deps.config, { path: '/' }))
    let endSessionUrl: string | null = null
    if (found) {
      const entry = await deps.issuer(ctx).catch(() => undefined)
      const metadata =
        entry && entry.options.issuer === found.issuer ? (await entry.connect()).config : undefined
      if (metadata?.serverMetadata().end_session_endpoint) {
        // Back to this host only when it is one sign-in may run on (as /login checks): a
        // pending or unknown Host must not become the issuer's post-logout redirect.
        const back = (await isOwnHost(ctx, deps)) ? `${ctx.protocol}://${ctx.host}/` : undefined
        endSessionUrl = client.buildEndSessionUrl(metadata, {
          ...(found.idToken ? { id_token_hint: found.idToken } : {}),
          ...(back ? { post_logout_redirect_uri: back } : {}),
        }).href
      }
    }
    ctx.body = { status: 'signed-out', endSessionUrl }
  })

  // Every session of the caller, on every device: browser sessions, tokens issued so far, open
  // sockets, and the built-in issuer's own session (else its next sign-in would be silent).
  router.post('/logout-everywhere', async function logoutEverywhere(ctx) {
    const principal = ctx.state.principal
    if (!principal) {
      if (await deps.sessions.find(ctx.cookies.get(deps.cookieName)))
        throw new OoError(
          'OIDC_CSRF_TOKEN_INVALID',
          403,
          'Send the session’s CSRF token in X-CSRF-Token',
        )
      throw new OoError('OO_UNAUTHENTICATED', 401, 'Sign in first')
    }
    if (principal.kind !== 'user')
      throw new OoError('OIDC_NOT_A_USER', 403, 'Only signed-in users have sessions to end')
    const sessions = await deps.signOut.everywhere(
      { issuer: principal.issuer, subject: principal.subject },
      { localAccount: principal.issuer === deps.localIssuer(ctx) },
    )
    ctx.cookies.set(deps.cookieName, null, cookieOptions(ctx, deps.config, { path: '/' }))
    ctx.body = { status: 'signed-out-everywhere', sessions }
  })

  return router
}

function cookieOptions(
  ctx: Context,
  config: ResolvedConfig,
  extra: { path: string; maxAge?: number },
) {
  return { httpOnly: true, sameSite: 'lax' as const, secure: ctx.secure, overwrite: true, ...extra }
}

/**
 * Sign-in runs on a verified tenant domain, the platform host or the engine's own loopback
 * address, never elsewhere: the redirect URI is built from this host, so a host that anybody may
 * claim (a pending domain) would receive the authorization code.
 */
async function assertOwnHost(ctx: Context, deps: AuthRouteDeps): Promise<void> {
  const host = ctx.hostname
  if (await isOwnHost(ctx, deps)) {
    // Session cookies are Secure outside local development; plain http elsewhere is refused in production.
    if (!ctx.secure && !LOCAL.test(host) && deps.config.mode === 'production')
      throw new OoError('OIDC_HTTPS_REQUIRED', 400, 'Sign-in needs https')
    return
  }
  throw new OoError('OIDC_HOST_NOT_ALLOWED', 400, `${host} is not a verified domain`)
}

/** The engine's own loopback address, a verified tenant domain or the platform host. */
async function isOwnHost(ctx: Context, deps: AuthRouteDeps): Promise<boolean> {
  return LOCAL.test(ctx.hostname) || (await isTrustedHost(deps, ctx.hostname))
}

/** A verified tenant domain or the platform host, asked per request (a removed domain stops at once). */
async function isTrustedHost(deps: AuthRouteDeps, host: string): Promise<boolean> {
  const tenants = deps.tenants()
  return !!tenants && (tenants.isPlatformHost(host) || (await tenants.isVerifiedHost(host)))
}

/** A path on this host, or an absolute URL on this origin or a verified domain: no open redirects. */
async function safeReturnTo(ctx: Context, deps: AuthRouteDeps, value: string): Promise<string> {
  if (/^\/(?![/\\])/.test(value) && !/[\r\n]/.test(value)) return value
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw refused()
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password) throw refused()
  if (url.host === ctx.host || (await isTrustedHost(deps, url.hostname))) return url.href
  throw refused()
}

function refused(): OoError {
  return new OoError(
    'OIDC_RETURN_TO_REFUSED',
    400,
    'returnTo must be a path or a URL on a verified shop domain',
    { field: 'returnTo' },
  )
}

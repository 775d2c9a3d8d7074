import Router from '@koa/router'
import { isOoError, OoError, type AppState } from '@oo/core'
import type { Context } from 'koa'
import type Provider from 'oidc-provider'
import { DEV_MOUNT } from '../services/dev-issuer.js'
import type { AccountLinks, LocalAccounts } from '../services/local-accounts.js'
import type { SignInFailures } from '../services/sign-in-failures.js'
import type { SignOut } from '../services/sign-out.js'
import { formBody, wantsJson } from './form-body.js'
import {
  loginPage,
  messagePage,
  registerPage,
  resetConfirmPage,
  resetRequestPage,
} from './views.js'

export interface DevIssuerDeps {
  accounts: LocalAccounts
  provider: (ctx: Context) => Promise<Provider>
  /** Rate limit hook: throws 429 when `keys` are over their budget for `action`. */
  limit: (ctx: Context, action: 'register' | 'passwordReset', user?: string) => Promise<void>
  failures: SignInFailures
  signOut: SignOut
  /** The issuer's public origin (OO_PUBLIC_URL, else the engine's listen address) and its `iss`. */
  issuer: (ctx: Context) => { origin: string; iss: string }
}

const html = (ctx: Context, status: number, body: string) => {
  ctx.status = status
  ctx.type = 'html'
  ctx.body = body
}

/** Links in account mail: on the issuer's public origin, whatever Host the request named. */
const linksFor = (origin: string): AccountLinks => ({
  verify: (token) => `${origin}${DEV_MOUNT}/verify-email?token=${token}`,
  reset: (token) => `${origin}${DEV_MOUNT}/password-reset/confirm?token=${token}`,
})

/** Our pages of the development issuer: sign-in, registration, password reset, email verification. */
export function devIssuerRoutes(deps: DevIssuerDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: DEV_MOUNT })
  const { accounts, failures, signOut } = deps
  const links = (ctx: Context) => linksFor(deps.issuer(ctx).origin)
  const endSessions = (ctx: Context, accountId: string) =>
    signOut.everywhere({ issuer: deps.issuer(ctx).iss, subject: accountId }, { localAccount: true })
  /** The password check, with failures counted per IP and address (known or not). */
  const checked = async <T>(ctx: Context, email: string, check: () => Promise<T>): Promise<T> => {
    await failures.assertAllowed(ctx.ip, email)
    try {
      return await check()
    } catch (err) {
      if (isOoError(err) && err.code === 'OIDC_BAD_CREDENTIALS')
        await failures.recordFailure(ctx.ip, email)
      throw err
    }
  }

  router.get('/interaction/:uid', async function interaction(ctx) {
    const provider = await deps.provider(ctx)
    const details = await provider.interactionDetails(ctx.req, ctx.res)
    if (details.prompt.name !== 'login')
      throw new OoError(
        'OIDC_INTERACTION_UNSUPPORTED',
        501,
        `Prompt ${details.prompt.name} is not supported`,
      )
    html(ctx, 200, loginPage({ uid: details.uid, clientId: String(details.params.client_id) }))
  })

  router.post('/interaction/:uid/login', async function login(ctx) {
    const { email = '', password = '' } = await formBody(ctx)
    const address = email.trim().toLowerCase()
    const provider = await deps.provider(ctx)
    // A stale or forged interaction fails here, before any password is checked.
    const details = await provider.interactionDetails(ctx.req, ctx.res)
    try {
      const account = await checked(ctx, address, () => accounts.authenticate(address, password))
      ctx.status = 303
      ctx.redirect(
        await provider.interactionResult(
          ctx.req,
          ctx.res,
          { login: { accountId: account.id } },
          { mergeWithLastSubmission: false },
        ),
      )
    } catch (err) {
      if (!isOoError(err) || err.status >= 500) throw err
      html(
        ctx,
        err.status,
        loginPage({
          uid: details.uid,
          email,
          error: err.message,
          clientId: String(details.params.client_id),
        }),
      )
      ctx.set('X-OO-Error', err.code)
      const retryAfter = (err.details as { retryAfter?: number } | undefined)?.retryAfter
      if (retryAfter) ctx.set('Retry-After', String(retryAfter))
    }
  })

  router.get('/interaction/:uid/abort', async function abort(ctx) {
    const provider = await deps.provider(ctx)
    ctx.status = 303
    ctx.redirect(
      await provider.interactionResult(
        ctx.req,
        ctx.res,
        { error: 'access_denied', error_description: 'The user cancelled sign-in' },
        { mergeWithLastSubmission: false },
      ),
    )
  })

  router.get('/register', (ctx) => html(ctx, 200, registerPage()))
  router.post('/register', async function register(ctx) {
    const body = await formBody(ctx)
    await deps.limit(ctx, 'register')
    if (!body.email || !/^[^\s@]+@[^\s@]+$/.test(body.email))
      throw new OoError('OO_VALIDATION_FAILED', 400, 'email: a valid address is required', {
        field: 'email',
      })
    // The same answer for a new address and a known one: the mail tells its owner which it was.
    await accounts.signUp(
      { email: body.email, password: body.password ?? '', name: body.name || undefined },
      links(ctx),
      (accountId) => endSessions(ctx, accountId).then(() => undefined),
    )
    if (wantsJson(ctx)) {
      ctx.status = 202
      ctx.body = { status: 'check-your-mail' }
    } else
      html(
        ctx,
        202,
        registerPage({
          done: 'Check your mail: the link we sent confirms your address (or, if it has an account already, tells you how to sign in).',
        }),
      )
  })

  router.get('/verify-email', async function verifyEmail(ctx) {
    const account = await accounts.verifyEmail(String(ctx.query.token ?? ''))
    // Sessions opened before the address was proved belong to whoever knew the password then.
    await endSessions(ctx, account.id)
    html(
      ctx,
      200,
      messagePage('Email confirmed', 'Your email address is confirmed. Sign in again.'),
    )
  })

  router.get('/password-reset', (ctx) => html(ctx, 200, resetRequestPage()))
  router.post('/password-reset', async function requestReset(ctx) {
    const { email = '' } = await formBody(ctx)
    await deps.limit(ctx, 'passwordReset', email.trim().toLowerCase())
    accounts.requestPasswordReset(email, links(ctx))
    if (wantsJson(ctx)) {
      ctx.status = 202
      ctx.body = { status: 'sent-if-registered' }
    } else html(ctx, 202, resetRequestPage({ sent: true }))
  })

  router.get('/password-reset/confirm', (ctx) =>
    html(ctx, 200, resetConfirmPage({ token: String(ctx.query.token ?? '') })),
  )
  router.post('/password-reset/confirm', async function confirmReset(ctx) {
    const { token = '', password = '' } = await formBody(ctx)
    await deps.limit(ctx, 'passwordReset')
    const account = await accounts.resetPassword(token, password)
    await failures.clear(account.email)
    await endSessions(ctx, account.id)
    if (wantsJson(ctx)) ctx.body = { status: 'password-changed' }
    else html(ctx, 200, resetConfirmPage({ token, done: true }))
  })

  router.post('/password', async function changePassword(ctx) {
    const { email = '', password = '', newPassword = '' } = await formBody(ctx)
    const address = email.trim().toLowerCase()
    const account = await checked(ctx, address, () =>
      accounts.changePassword(address, password, newPassword),
    )
    await endSessions(ctx, account.id)
    if (wantsJson(ctx)) ctx.body = { status: 'password-changed' }
    else html(ctx, 200, messagePage('Password changed', 'Your password is changed. Sign in again.'))
  })

  return router
}

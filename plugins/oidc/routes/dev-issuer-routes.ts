import Router from '@koa/router'
import { isOoError, OoError, type AppState } from '@oo/core'
import type { Context } from 'koa'
import type Provider from 'oidc-provider'
import type { LocalAccounts } from '../services/local-accounts.js'
import { DEV_MOUNT } from '../services/dev-issuer.js'
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
  limit: (
    ctx: Context,
    action: 'signIn' | 'register' | 'passwordReset',
    user?: string,
  ) => Promise<void>
}

const html = (ctx: Context, status: number, body: string) => {
  ctx.status = status
  ctx.type = 'html'
  ctx.body = body
}

/** Our pages of the development issuer: sign-in, registration, password reset, email verification. */
export function devIssuerRoutes(deps: DevIssuerDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: DEV_MOUNT })
  const { accounts } = deps

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
    // Counted before anything else: a stale or forged interaction is still an attempt.
    await deps.limit(ctx, 'signIn', email.toLowerCase())
    const provider = await deps.provider(ctx)
    const details = await provider.interactionDetails(ctx.req, ctx.res)
    try {
      const account = await accounts.authenticate(email, password)
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
    await deps.limit(ctx, 'register', body.email?.toLowerCase())
    if (!body.email || !/^[^\s@]+@[^\s@]+$/.test(body.email))
      throw new OoError('OO_VALIDATION_FAILED', 400, 'email: a valid address is required', {
        field: 'email',
      })
    const account = await accounts.register(
      { email: body.email, password: body.password ?? '', name: body.name || undefined },
      (token) => `${ctx.protocol}://${ctx.host}${DEV_MOUNT}/verify-email?token=${token}`,
    )
    if (wantsJson(ctx)) {
      ctx.status = 201
      ctx.body = account
    } else
      html(
        ctx,
        201,
        registerPage({
          done: `Account ${account.email} created. Confirm your email with the link we sent, then sign in.`,
        }),
      )
  })

  router.get('/verify-email', async function verifyEmail(ctx) {
    await accounts.verifyEmail(String(ctx.query.token ?? ''))
    html(ctx, 200, messagePage('Email confirmed', 'Your email address is confirmed.'))
  })

  router.get('/password-reset', (ctx) => html(ctx, 200, resetRequestPage()))
  router.post('/password-reset', async function requestReset(ctx) {
    const { email = '' } = await formBody(ctx)
    await deps.limit(ctx, 'passwordReset', email.toLowerCase())
    await accounts.requestPasswordReset(
      email,
      (token) => `${ctx.protocol}://${ctx.host}${DEV_MOUNT}/password-reset/confirm?token=${token}`,
    )
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
    await accounts.resetPassword(token, password)
    if (wantsJson(ctx)) ctx.body = { status: 'password-changed' }
    else html(ctx, 200, resetConfirmPage({ token, done: true }))
  })

  return router
}

import { asValue, bindTenantToScope, OoError, type AppState } from '@oo/core'
import type { Middleware } from 'koa'
import { CHALLENGE_PATH } from './services/domain-challenge.js'

const TOKEN = /^[\w-]{16,100}$/

/** Binds the request's tenant and the caller's role to the scope. Tenant-less requests pass on. */
export function resolveTenant(): Middleware<AppState> {
  return async function resolveTenant(ctx, next) {
    const { scope } = ctx.state
    const directory = scope.cradle.tenantDirectory
    const principal = ctx.state.principal
    if (principal && !principal.superAdmin && directory.isSuperAdmin(principal)) {
      ctx.state.principal = { ...principal, superAdmin: true }
      scope.register({ principal: asValue(ctx.state.principal) })
    }
    const header = ctx.get('x-tenant-id').trim()
    const resolved = await directory.resolve({
      host: ctx.hostname,
      tenantHeader: header || undefined,
      principal: ctx.state.principal,
    })
    if (resolved) {
      bindTenantToScope(scope, resolved.tenant)
      scope.register({
        logger: asValue(scope.cradle.logger.child({ tenant: resolved.tenant.slug })),
      })
      ctx.state.tenant = resolved.tenant
      ctx.state.role = resolved.role
    }
    await next()
  }
}

/**
 * The engine's own answer to the HTTP challenge of a pending domain: when the host's DNS already
 * points here, the engine's fetch of the challenge URL arrives here and is answered with the
 * token, which proves that whoever claimed the host controls where it points.
 */
export function answerDomainChallenge(): Middleware<AppState> {
  return async function answerDomainChallenge(ctx, next) {
    if (!ctx.path.startsWith(CHALLENGE_PATH) || !['GET', 'HEAD'].includes(ctx.method)) return next()
    const token = ctx.path.slice(CHALLENGE_PATH.length)
    const directory = ctx.state.scope.cradle.tenantDirectory
    if (!TOKEN.test(token) || !(await directory.answersChallenge(ctx.hostname, token)))
      throw new OoError(
        'TENANCY_CHALLENGE_UNKNOWN',
        404,
        `No pending claim on ${ctx.hostname} has this token`,
      )
    ctx.set('Cache-Control', 'no-store')
    ctx.type = 'text/plain'
    ctx.body = token
  }
}

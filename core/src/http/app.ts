import { bodyParser } from '@koa/bodyparser'
import Router from '@koa/router'
import { asValue, type AwilixContainer } from 'awilix'
import Koa, { type Middleware } from 'koa'
import { credentialsFromRequest } from '../auth/principal.js'
import type { Cradle } from '../container/cradle.js'
import { createScope } from '../container/scope.js'
import type { Logger } from '../logger.js'
import type { AppState } from './app-state.js'
import { configureClientAddress } from './client-address.js'
import { errorHandler } from './error-handler.js'
import { inputGuard } from './input-guard.js'
import { metricsOnAppPort, type Metrics } from './metrics.js'
import { originPolicyFor } from './origin-policy.js'
import { requestId } from './request-id.js'
import { cors, securityHeaders } from './security.js'

export const API_PREFIX = '/api/v1'

/** Request scope: created first, events flushed only on success, always disposed. */
function scopePerRequest(root: AwilixContainer<Cradle>): Middleware<AppState> {
  return async function scopePerRequest(ctx, next) {
    const scope = createScope(root)
    scope.register({
      logger: asValue(root.cradle.logger.child({ requestId: ctx.state.requestId })),
    })
    ctx.state.scope = scope
    try {
      await next()
      if (ctx.status < 400) await scope.cradle.eventBus.flush()
    } finally {
      await scope.dispose()
    }
  }
}

/** Verifies credentials through the registered authenticators; anonymous callers pass through. */
function authenticate(): Middleware<AppState> {
  return async function authenticate(ctx, next) {
    const principal = await ctx.state.scope.cradle.authRegistry.authenticate(
      credentialsFromRequest(ctx),
    )
    if (principal) {
      ctx.state.principal = principal
      ctx.state.scope.register({ principal: asValue(principal) })
    }
    await next()
  }
}

function coreRoutes(root: AwilixContainer<Cradle>): Router<AppState> {
  const router = new Router<AppState>()
  router.get('/health', function health(ctx) {
    ctx.body = { status: 'ok' }
  })
  router.get('/ready', async function ready(ctx) {
    const report = await root.cradle.healthChecks.run()
    ctx.status = report.ok ? 200 : 503
    ctx.body = { status: report.status, checks: report.checks }
  })
  return router
}

/**
 * The Koa app. Middleware order is fixed here and only here:
 * client address (with trusted proxy CIDRs) → requestId → metrics → errorHandler → security
 * headers → CORS → body → input guard → /metrics (with a token) → scope → authenticate
 * → plugin middleware (dependency order) → core routes → /api/v1/admin → /api/v1/store.
 */
export function createApp(opts: {
  root: AwilixContainer<Cradle>
  logger: Logger
  metrics: Metrics
  pluginMiddleware: Middleware<AppState>[]
  adminRouters: Router<AppState>[]
  storeRouters: Router<AppState>[]
}): Koa<AppState> {
  const { root, logger, metrics } = opts
  const { http } = root.cradle.config
  const app = new Koa<AppState>({ proxy: http.trustProxy })
  app.silent = true
  const clientAddress = configureClientAddress(app, http)
  if (clientAddress) app.use(clientAddress)
  app.use(requestId())
  app.use(metrics.middleware(logger)) // outside the error handler, so it records the final status
  app.use(errorHandler(logger))
  app.use(securityHeaders())
  app.use(cors(originPolicyFor(root)))
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: http.bodyLimit, encoding: 'utf-8' }))
  app.use(inputGuard())
  // Before authentication: the scraper's bearer token is not a user's.
  if (http.metrics.token) app.use(metricsOnAppPort(metrics, http.metrics.token))
  app.use(scopePerRequest(root))
  app.use(authenticate())
  for (const mw of opts.pluginMiddleware) app.use(mw)
  const core = coreRoutes(root)
  app.use(core.routes())
  for (const [area, routers] of [
    ['admin', opts.adminRouters],
    ['store', opts.storeRouters],
  ] as const) {
    const parent = new Router<AppState>({ prefix: `${API_PREFIX}/${area}` })
    for (const router of routers) parent.use(router.routes(), router.allowedMethods())
    app.use(parent.routes())
    app.use(parent.allowedMethods())
  }
  return app
}

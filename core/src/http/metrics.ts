import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Middleware } from 'koa'
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { Logger } from '../logger.js'
import type { AppState } from './app-state.js'

/** Prometheus metrics of one engine (its own registry, so several engines can share a process). */
export class Metrics {
  readonly registry = new Registry()
  readonly #latency = new Histogram({
    name: 'oo_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  })

  constructor(sources: { outboxLag: () => Promise<number>; openSockets: () => number }) {
    collectDefaultMetrics({ register: this.registry, prefix: 'oo_' })
    new Gauge({
      name: 'oo_outbox_lag_seconds',
      help: 'Age of the oldest undelivered outbox event',
      registers: [this.registry],
      async collect() {
        this.set(await sources.outboxLag())
      },
    })
    new Gauge({
      name: 'oo_open_sockets',
      help: 'Connected socket.io clients on this process',
      registers: [this.registry],
      collect() {
        this.set(sources.openSockets())
      },
    })
  }

  /** Records latency by route and writes one access-log line carrying request id and tenant. */
  middleware(logger: Logger): Middleware<AppState> {
    const latency = this.#latency
    return async function recordLatency(ctx, next) {
      const end = latency.startTimer()
      try {
        await next()
      } finally {
        // The matched route pattern, not the raw path: ids would explode the label set.
        const route = ctx._matchedRoute ? String(ctx._matchedRoute) : 'unmatched'
        const seconds = end({ method: ctx.method, route, status: String(ctx.status) })
        if (logger.isLevelEnabled('info')) {
          logger.info(
            {
              requestId: ctx.state.requestId,
              tenant: ctx.state.tenant?.slug,
              method: ctx.method,
              route,
              path: ctx.path,
              status: ctx.status,
              ms: Math.round(seconds * 1000),
            },
            'request',
          )
        }
      }
    }
  }
}

/**
 * The metrics listener (`http.metrics.port`): its own port, loopback by default, so the shop
 * domains the front door routes to the engine never serve what the engine knows about itself.
 */
function createMetricsServer(metrics: Metrics): Server {
  return createServer(function metricsListener(req, res) {
    const path = (req.url ?? '').split('?')[0]
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { code: 'OO_NOT_FOUND', message: 'Only GET /metrics' } }))
      return
    }
    metrics.registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType })
        res.end(text)
      },
      () => {
        res.writeHead(503, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: { code: 'OO_METRICS_UNAVAILABLE', message: 'Try again' } }))
      },
    )
  })
}

/** The metrics listener when `port` is set (else nothing listens); `listen()` → its URL. */
export function metricsListener(
  metrics: Metrics,
  opts: { port?: number; host: string },
): { listen(): Promise<string | undefined>; close(): Promise<void> } {
  const server = opts.port === undefined ? undefined : createMetricsServer(metrics)
  return {
    async listen() {
      if (!server) return undefined
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(opts.port, opts.host, () => resolve())
      })
      return `http://${opts.host}:${(server.address() as AddressInfo).port}`
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (!server?.listening) return resolve()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/**
 * `/metrics` on the app's own port for the holder of the token only; every shop domain reaches
 * that port, so anyone else goes on to the routes (where there is no such route).
 */
export function metricsOnAppPort(metrics: Metrics, token: string): Middleware<AppState> {
  return async function metricsOnAppPort(ctx, next) {
    if (ctx.path !== '/metrics' || ctx.method !== 'GET') return next()
    if (!bearerMatches(ctx.get('authorization'), token)) return next()
    ctx.type = metrics.registry.contentType
    ctx.body = await metrics.registry.metrics()
  }
}

/** A bearer token compared in constant time (digests of equal length, whatever was sent). */
export function bearerMatches(header: string, token: string): boolean {
  const sent = /^Bearer (.+)$/i.exec(header)?.[1] ?? ''
  const digest = (s: string) => createHash('sha256').update(s).digest()
  return timingSafeEqual(digest(sent), digest(token)) && sent.length > 0
}

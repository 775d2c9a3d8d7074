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

import type { Middleware } from 'koa'
import { ZodError } from 'zod'
import { isOoError } from '../errors.js'
import type { Logger } from '../logger.js'
import type { AppState } from './app-state.js'

interface ErrorBody {
  error: { code: string; message: string; field?: string; details?: unknown; requestId: string }
}

const EMPTY_STATUS_CODES: Record<number, string> = {
  404: 'OO_NOT_FOUND',
  405: 'OO_METHOD_NOT_ALLOWED',
  501: 'OO_NOT_IMPLEMENTED',
}

function fieldOf(path: readonly PropertyKey[]): string | undefined {
  return path.length ? path.map(String).join('.') : undefined
}

/** The only place that writes error bodies. Unknown errors become a bare 500 and are logged once. */
export function errorHandler(logger: Logger): Middleware<AppState> {
  return async function errorHandler(ctx, next) {
    try {
      await next()
      // Nothing wrote a body (no route, a method the route lacks): the same envelope as a thrown error.
      if (ctx.status >= 400 && ctx.body == null) {
        const status = ctx.status
        ctx.body = {
          error: {
            code: EMPTY_STATUS_CODES[status] ?? `OO_HTTP_${status}`,
            message:
              status === 404
                ? `No route for ${ctx.method} ${ctx.path}`
                : status === 405
                  ? `${ctx.method} is not allowed here; allowed: ${ctx.response.get('Allow')}`
                  : `${ctx.method} ${ctx.path}: ${status}`,
            requestId: ctx.state.requestId,
          },
        }
        ctx.status = status
      }
    } catch (err) {
      const requestId = ctx.state.requestId
      let status = 500
      let body: ErrorBody
      if (isOoError(err)) {
        status = err.status
        body = {
          error: {
            code: err.code,
            message: err.message,
            field: err.field,
            details: err.details,
            requestId,
          },
        }
      } else if (err instanceof ZodError) {
        status = 400
        const issues = err.issues.map((i) => ({
          field: fieldOf(i.path),
          code: i.code,
          message: i.message,
        }))
        const first = issues[0]
        body = {
          error: {
            code: 'OO_VALIDATION_FAILED',
            message: first ? `${first.field ?? 'body'}: ${first.message}` : 'Invalid input',
            field: first?.field,
            details: { issues },
            requestId,
          },
        }
      } else if (isHttpError(err) && err.status < 500) {
        // Thrown by koa itself and the body parser (malformed JSON, body too large).
        status = err.status
        const code =
          err.status === 413
            ? 'OO_BODY_TOO_LARGE'
            : err.status === 415
              ? 'OO_UNSUPPORTED_MEDIA_TYPE'
              : 'OO_BAD_REQUEST'
        body = { error: { code, message: err.expose ? err.message : 'Bad request', requestId } }
      } else {
        body = { error: { code: 'OO_INTERNAL', message: 'Internal error', requestId } }
      }
      if (status >= 500) {
        const log = ctx.state.scope?.cradle.logger ?? logger
        log.error(
          { err, requestId, tenant: ctx.state.tenant?.id, route: ctx._matchedRoute },
          'request failed',
        )
        if (isOoError(err) && err.status >= 500 && err.code !== 'OO_INTERNAL')
          body.error = { code: err.code, message: err.message, requestId }
      }
      ctx.status = status
      ctx.body = body
      if (
        status === 429 &&
        isOoError(err) &&
        typeof (err.details as { retryAfter?: number })?.retryAfter === 'number'
      ) {
        ctx.set('Retry-After', String((err.details as { retryAfter: number }).retryAfter))
      }
    }
  }
}

function isHttpError(err: unknown): err is { status: number; expose?: boolean; message: string } {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { status?: unknown }).status === 'number'
  )
}

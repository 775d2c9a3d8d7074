import { randomUUID } from 'node:crypto'
import type { Middleware } from 'koa'
import type { AppState } from './app-state.js'

const SAFE_ID = /^[A-Za-z0-9._-]{8,128}$/

/** Accepts a well-formed X-Request-Id from the front door, else makes one; echoes it back. */
export function requestId(): Middleware<AppState> {
  return async function requestId(ctx, next) {
    const incoming = ctx.get('x-request-id')
    ctx.state.requestId = SAFE_ID.test(incoming) ? incoming : randomUUID()
    ctx.set('X-Request-Id', ctx.state.requestId)
    await next()
  }
}

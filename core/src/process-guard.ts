import { Counter, type Registry } from 'prom-client'
import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
} from 'redis'
import type { Logger } from './logger.js'

// A connection to another service went away: nothing in this process is broken by it.
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTCONN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
])
const REDIS_ERRORS = [
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
]

export type UnexpectedKind = 'unhandledRejection' | 'uncaughtException'

/** `dependency`: a lost connection to Redis (or any peer); `unknown`: everything else. */
export function classifyUnexpected(err: unknown): 'dependency' | 'unknown' {
  if (REDIS_ERRORS.some((type) => err instanceof type)) return 'dependency'
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && NETWORK_CODES.has(code) ? 'dependency' : 'unknown'
}

/**
 * The process policy for errors nobody caught, installed once by `oo start`:
 *
 * - An unhandled rejection is a promise somebody dropped (a dependency's fire-and-forget call,
 *   a missing `.catch`): the work it stood for is lost, but nothing is half-done in this process.
 *   Logged (error, or warn when the cause is a lost connection), counted, and the process keeps
 *   serving — Node's default would exit and take every in-flight checkout with it.
 * - An uncaught exception caused by a lost connection (a socket `error` nobody listened to) is
 *   the same story: logged as a warning, the process keeps serving.
 * - Any other uncaught exception unwound the stack at an arbitrary point, so state may be
 *   inconsistent: logged as fatal and the process exits 1 for its supervisor to replace it.
 *
 * Returns the function that removes the handlers (tests).
 */
export function installProcessGuard(opts: {
  logger: Logger
  registry?: Registry
  exit?: (code: number) => void
}): () => void {
  const { logger } = opts
  const exit = opts.exit ?? ((code: number) => process.exit(code))
  const counter = opts.registry
    ? new Counter({
        name: 'oo_process_unexpected_errors_total',
        help: 'Errors nobody caught, by kind (unhandledRejection, uncaughtException) and cause',
        labelNames: ['kind', 'cause'],
        registers: [opts.registry],
      })
    : undefined
  const report = (kind: UnexpectedKind, err: unknown): 'dependency' | 'unknown' => {
    const cause = classifyUnexpected(err)
    counter?.inc({ kind, cause })
    const context = { err, kind, cause }
    if (cause === 'dependency')
      logger.warn(context, `${kind} from a lost connection; still serving`)
    else if (kind === 'unhandledRejection')
      logger.error(context, 'unhandledRejection (a dropped promise); still serving')
    else logger.fatal(context, 'uncaughtException; exiting')
    return cause
  }
  const onRejection = (reason: unknown) => void report('unhandledRejection', reason)
  const onException = (err: unknown) => {
    if (report('uncaughtException', err) === 'unknown') exit(1)
  }
  process.on('unhandledRejection', onRejection)
  process.on('uncaughtException', onException)
  return () => {
    process.off('unhandledRejection', onRejection)
    process.off('uncaughtException', onException)
  }
}

/** The one error type. 4xx messages reach clients; 5xx are replaced by OO_INTERNAL. */
export class OoError extends Error {
  readonly code: string
  readonly status: number
  readonly field?: string
  readonly details?: unknown

  constructor(
    code: string,
    status: number,
    message: string,
    extra: { cause?: unknown; field?: string; details?: unknown } = {},
  ) {
    super(message, { cause: extra.cause })
    this.name = 'OoError'
    this.code = code
    this.status = status
    this.field = extra.field
    this.details = extra.details
  }
}

/** Cross-realm safe check (vitest and tsx may load two copies of a module). */
export function isOoError(err: unknown): err is OoError {
  return err instanceof Error && (err as { name?: string }).name === 'OoError'
}

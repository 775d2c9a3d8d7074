import { pino, type Logger as PinoLogger } from 'pino'

export type Logger = PinoLogger

/** Root logger. JSON to stdout; `LOG_LEVEL` picks the level (tests default to `silent`). */
export function createLogger(
  level = process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'),
): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: [
        '*.password',
        '*.secret',
        '*.secretKey',
        'req.headers.authorization',
        'req.headers.cookie',
      ],
      censor: '[redacted]',
    },
  })
}

import { OoError } from '../errors.js'

function fail(name: string, why: string): never {
  throw new OoError('OO_ENV_INVALID', 500, `Environment variable ${name} ${why}`, { field: name })
}

function read(name: string): string | undefined {
  const value = process.env[name]
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

/** Environment helpers: they throw at config load time and name the variable at fault. */
export const env = {
  /** A string that must be set. */
  required(name: string): string {
    return read(name) ?? fail(name, 'is required but not set')
  },
  /** A string, or the fallback (never use for secrets: see `env.secret`). */
  string(name: string, fallback?: string): string | undefined {
    return read(name) ?? fallback
  },
  /** A secret: no fallback exists, on purpose. Returns undefined when optional and unset. */
  secret(name: string, opts: { optional?: boolean } = {}): string | undefined {
    const value = read(name)
    if (value === undefined && !opts.optional) fail(name, 'is required (a secret has no default)')
    return value
  },
  /** An integer, or the fallback. */
  int(name: string, fallback: number): number {
    const raw = read(name)
    if (raw === undefined) return fallback
    if (!/^-?\d+$/.test(raw)) fail(name, `must be an integer, got "${raw}"`)
    return Number(raw)
  },
  /** A boolean (`true/false/1/0/yes/no`), or the fallback. */
  bool(name: string, fallback: boolean): boolean {
    const raw = read(name)?.toLowerCase()
    if (raw === undefined) return fallback
    if (['true', '1', 'yes'].includes(raw)) return true
    if (['false', '0', 'no'].includes(raw)) return false
    return fail(name, `must be true or false, got "${raw}"`)
  },
  /** A URL, or undefined when unset. Malformed → boot fails naming the variable. */
  url(name: string): string | undefined {
    const raw = read(name)
    if (raw === undefined) return undefined
    try {
      new URL(raw)
    } catch {
      fail(name, `must be a URL, got "${raw}"`)
    }
    return raw
  },
  /** A comma-separated list. */
  list(name: string, fallback: string[] = []): string[] {
    const raw = read(name)
    return raw === undefined
      ? fallback
      : raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
  },
}

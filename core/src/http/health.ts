export interface HealthCheckResult {
  ok: boolean
  /** A failing critical check makes the engine not ready; a non-critical one makes it degraded. */
  critical: boolean
  error?: string
  ms: number
}

export interface HealthReport {
  /** False when a critical check fails: take this engine out of rotation (503). */
  ok: boolean
  /** `degraded`: serving (200) while a non-critical dependency (Redis) is away. */
  status: 'ready' | 'degraded' | 'not-ready'
  checks: Record<string, HealthCheckResult>
}

/**
 * Readiness checks: core adds the database (critical) and Redis (not critical: the engine serves
 * without it, see docs/operations-redis.md); plugins add theirs (e.g. object storage).
 */
export class HealthChecks {
  readonly #checks = new Map<string, { check: () => Promise<void>; critical: boolean }>()
  #draining = false

  add(name: string, check: () => Promise<void>, opts: { critical?: boolean } = {}): void {
    this.#checks.set(name, { check, critical: opts.critical ?? true })
  }

  /** A stopping engine is not ready from the first moment of its drain, whatever its checks say. */
  startDraining(): void {
    this.#draining = true
  }

  async run(timeoutMs = 2000): Promise<HealthReport> {
    if (this.#draining) {
      const draining = { ok: false, critical: true, error: 'shutting down', ms: 0 }
      return { ok: false, status: 'not-ready', checks: { draining } }
    }
    const entries = await Promise.all(
      [...this.#checks].map(async ([name, { check, critical }]) => {
        const started = performance.now()
        let timer: NodeJS.Timeout | undefined
        try {
          await Promise.race([
            check(),
            new Promise((_, reject) => {
              timer = setTimeout(
                () => reject(new Error(`timed out after ${timeoutMs} ms`)),
                timeoutMs,
              )
            }),
          ])
          return [
            name,
            { ok: true, critical, ms: Math.round(performance.now() - started) },
          ] as const
        } catch (err) {
          return [
            name,
            {
              ok: false,
              critical,
              error: (err as Error).message,
              ms: Math.round(performance.now() - started),
            },
          ] as const
        } finally {
          clearTimeout(timer)
        }
      }),
    )
    const ok = entries.every(([, r]) => r.ok || !r.critical)
    const degraded = entries.some(([, r]) => !r.ok)
    const status = !ok ? 'not-ready' : degraded ? 'degraded' : 'ready'
    return { ok, status, checks: Object.fromEntries(entries) }
  }
}

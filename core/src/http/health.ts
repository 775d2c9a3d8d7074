/** Readiness checks: core adds the database (and Redis); plugins add theirs (e.g. object storage). */
export class HealthChecks {
  readonly #checks = new Map<string, () => Promise<void>>()

  add(name: string, check: () => Promise<void>): void {
    this.#checks.set(name, check)
  }

  async run(
    timeoutMs = 2000,
  ): Promise<{ ok: boolean; checks: Record<string, { ok: boolean; error?: string; ms: number }> }> {
    const entries = await Promise.all(
      [...this.#checks].map(async ([name, check]) => {
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
          return [name, { ok: true, ms: Math.round(performance.now() - started) }] as const
        } catch (err) {
          return [
            name,
            {
              ok: false,
              error: (err as Error).message,
              ms: Math.round(performance.now() - started),
            },
          ] as const
        } finally {
          clearTimeout(timer)
        }
      }),
    )
    return { ok: entries.every(([, r]) => r.ok), checks: Object.fromEntries(entries) }
  }
}

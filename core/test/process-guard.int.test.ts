import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SCRIPT = fileURLToPath(new URL('./fixtures/guard-script.ts', import.meta.url))

/** Runs the script in its own process; resolves with its JSON lines and exit code. */
function run(): Promise<{ lines: Record<string, unknown>[]; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const lines: Record<string, unknown>[] = []
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>)
      } catch {
        // not ours
      }
    })
    child.once('close', (code) => resolve({ lines, code }))
  })
}

describe('the process guard', () => {
  it('keeps serving through dropped promises and lost connections, and exits 1 on an unknown uncaught exception', async () => {
    const { lines, code } = await run()
    const logged = lines
      .filter((l) => l.kind)
      .map((l) => ({
        level: l.level,
        kind: l.kind,
        cause: l.cause,
        message: (l.err as { message?: string })?.message,
      }))
    expect(logged).toEqual([
      {
        level: 40,
        kind: 'unhandledRejection',
        cause: 'dependency',
        message: 'The client is closed',
      },
      {
        level: 50,
        kind: 'unhandledRejection',
        cause: 'unknown',
        message: 'a handler somebody forgot',
      },
      { level: 40, kind: 'uncaughtException', cause: 'dependency', message: 'read ECONNRESET' },
      {
        level: 60,
        kind: 'uncaughtException',
        cause: 'unknown',
        message: 'a bug: state may be half-changed',
      },
    ])
    const steps = lines.filter((l) => l.step).map((l) => l.step)
    expect(steps).toEqual(['alive'])
    expect(code).toBe(1)
  })
})

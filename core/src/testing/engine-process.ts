import { spawn, type ChildProcess } from 'node:child_process'
import { Agent, request as httpRequest } from 'node:http'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

export interface EngineProcess {
  url: string
  pid: number
  child: ChildProcess
  /** Every later JSON line the engine script prints (its reports). */
  onLine(fn: (line: Record<string, unknown>) => void): void
  /** SIGTERM, then the exit code (0 after a graceful stop). */
  stop(): Promise<number | null>
}

/**
 * Starts an engine script in its own OS process (multi-process tests) and waits for the first
 * JSON line carrying its `url`. tsx runs as a loader, not through its CLI: the CLI SIGKILLs a
 * child that is busy when SIGTERM arrives, which would skip the graceful stop under test.
 */
export async function spawnEngine(
  script: URL,
  env: Record<string, string | undefined>,
): Promise<EngineProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script)], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const listeners: ((line: Record<string, unknown>) => void)[] = []
  const info = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`engine did not start in 60 s: ${stderr}`)),
      60_000,
    )
    let started = false
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let parsed: Record<string, unknown>
      try {
        parsed = JSON.parse(line) as Record<string, unknown>
      } catch {
        return // a log line
      }
      if (!started && typeof parsed.url === 'string') {
        started = true
        clearTimeout(timer)
        resolve({ url: parsed.url, pid: Number(parsed.pid ?? child.pid) })
        return
      }
      for (const fn of listeners) fn(parsed)
    })
    child.once('exit', (code) => reject(new Error(`engine exited with ${code}: ${stderr}`)))
  })
  return {
    ...info,
    child,
    onLine: (fn) => void listeners.push(fn),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode)
        child.once('exit', (code) => resolve(code))
        child.kill('SIGTERM')
      }),
  }
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 16 })

/** JSON over HTTP with an explicit Host header (fetch does not let a caller set Host). */
export function requestJson(
  url: string,
  opts: { method?: string; host: string; token?: string; body?: unknown },
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body)
    const headers: Record<string, string | number> = { host: opts.host }
    if (opts.token) headers.authorization = `Bearer ${opts.token}`
    if (payload)
      Object.assign(headers, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
      })
    const req = httpRequest(
      url,
      { method: opts.method ?? 'GET', headers, agent: keepAlive },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }),
        )
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

/** Closes the keep-alive sockets `requestJson` holds (call in afterAll). */
export function closeAgent(): void {
  keepAlive.destroy()
}

import type { Logger } from '@oo/core'
import { buildAdmin, buildStatus, type BuildHandle, type BuildState } from './build.js'

/**
 * Owns the panel's build on this engine. With `autoBuild` (development), a missing or stale build
 * is rebuilt in the background at start — the engine serves at once, /admin/ shows a "being built"
 * page (or the previous build) until it is done — with step lines on stdout.
 */
export class AdminBuilder {
  readonly dist: string
  readonly #autoBuild: boolean
  readonly #logger: Logger
  readonly #out: NodeJS.WritableStream
  #state: BuildState = { status: 'missing' }
  #running?: BuildHandle

  constructor(opts: {
    dist: string
    autoBuild: boolean
    logger: Logger
    out?: NodeJS.WritableStream
  }) {
    this.dist = opts.dist
    this.#autoBuild = opts.autoBuild
    this.#logger = opts.logger
    this.#out = opts.out ?? process.stdout
  }

  get state(): BuildState {
    return this.#state
  }

  async start(): Promise<void> {
    const status = await buildStatus(this.dist)
    this.#state = status === 'missing' ? { status: 'missing' } : { status: 'ready' }
    if (status === 'fresh') return
    if (!this.#autoBuild) {
      this.#logger.warn(
        { dist: this.dist, status },
        status === 'missing'
          ? 'admin panel not built: run `npm run build -w admin`'
          : 'admin panel build is older than its sources',
      )
      return
    }
    this.build()
  }

  /** Starts a background build (no-op while one runs). Resolves when it ends; never rejects. */
  build(): Promise<void> {
    if (this.#running) return this.#running.done.catch(() => undefined)
    const started = performance.now()
    const log: string[] = []
    const line = (text: string) => this.#out.write(`admin · ${text}\n`)
    line(
      this.#state.status === 'missing'
        ? 'building the admin panel (first start, about 20 s; the engine serves meanwhile)'
        : 'rebuilding the admin panel (its sources changed)',
    )
    const previous = this.#state
    if (previous.status === 'missing') this.#state = { status: 'building', since: Date.now(), log }
    let handle: BuildHandle
    try {
      handle = buildAdmin(this.dist, (text) => {
        log.push(text)
        if (/^(✓|vite v|error|\[vite\])/i.test(text.trim())) line(text.trim())
      })
    } catch (err) {
      this.#state = { status: 'failed', log: [(err as Error).message] }
      line(`✗ ${(err as Error).message}`)
      return Promise.resolve()
    }
    this.#running = handle
    return handle.done
      .then(
        () => {
          this.#state = { status: 'ready' }
          this.#out.write(
            `admin ✓ admin panel built in ${Math.round((performance.now() - started) / 100) / 10} s: served at /admin/\n`,
          )
        },
        (err: unknown) => {
          if (previous.status !== 'ready')
            this.#state = { status: 'failed', log: [...log, (err as Error).message] }
          this.#logger.error({ err }, 'admin panel build failed')
          line(
            `✗ build failed: ${(err as Error).message} (run \`npm run build -w admin\` to see why)`,
          )
        },
      )
      .finally(() => {
        this.#running = undefined
      })
  }

  async stop(): Promise<void> {
    const running = this.#running
    if (!running) return
    running.child.kill('SIGTERM')
    await running.done.catch(() => undefined)
  }
}

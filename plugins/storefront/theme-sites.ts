import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from '@oo/core'
import { THEMES, type ThemeName } from './config.js'

type SiteState = 'ready' | 'missing' | 'building' | 'failed'

/**
 * The built theme sites on this engine. With `autoBuild` (development), missing ones are built
 * one after another in the background at start, printing a line per step; the engine serves
 * meanwhile and shows a "being built" page for a theme that is not ready yet.
 */
export class ThemeSites {
  readonly #dir: string
  readonly #autoBuild: boolean
  readonly #logger: Logger
  readonly #state = new Map<ThemeName, SiteState>()
  #building?: Promise<void>
  #child?: ReturnType<typeof spawn>

  constructor(opts: { dir: string; autoBuild: boolean; logger: Logger }) {
    this.#dir = opts.dir
    this.#autoBuild = opts.autoBuild
    this.#logger = opts.logger
    for (const theme of THEMES) this.#state.set(theme, this.#built(theme) ? 'ready' : 'missing')
  }

  dist(theme: ThemeName): string {
    return join(this.#dir, theme, 'dist')
  }

  state(theme: ThemeName): SiteState {
    return this.#state.get(theme) ?? 'missing'
  }

  #built(theme: ThemeName): boolean {
    return existsSync(join(this.dist(theme), 'index.html'))
  }

  start(): void {
    if (!this.#autoBuild) {
      const missing = THEMES.filter((t) => this.state(t) === 'missing')
      if (missing.length)
        this.#logger.warn({ missing }, 'storefront themes not built: run `npm run build:themes`')
      return
    }
    void this.buildMissing()
  }

  /** Builds every theme without a site. Resolves when done; a failed theme is logged, not thrown. */
  buildMissing(out: NodeJS.WritableStream = process.stdout): Promise<void> {
    this.#building ??= (async () => {
      const missing = THEMES.filter((t) => !this.#built(t))
      for (const [i, theme] of missing.entries()) {
        this.#state.set(theme, 'building')
        out.write(`storefront [${i + 1}/${missing.length}] building theme ${theme}\n`)
        const ok = await this.#build(theme)
        this.#state.set(theme, ok ? 'ready' : 'failed')
        out.write(
          `storefront [${i + 1}/${missing.length}] ${theme} ${ok ? '✓ built' : '✗ failed (see the log)'}\n`,
        )
      }
    })().finally(() => (this.#building = undefined))
    return this.#building
  }

  #build(theme: ThemeName): Promise<boolean> {
    return new Promise((resolve) => {
      const astro = join(this.#dir, '..', 'node_modules', 'astro', 'bin', 'astro.mjs')
      const child = spawn(process.execPath, [astro, 'build', '--silent'], {
        cwd: join(this.#dir, theme),
        env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      this.#child = child
      let stderr = ''
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      child.once('exit', (code) => {
        this.#child = undefined
        if (code !== 0)
          this.#logger.error({ theme, code, stderr: stderr.slice(-2000) }, 'theme build failed')
        resolve(code === 0)
      })
    })
  }

  stop(): void {
    this.#child?.kill('SIGTERM')
  }
}

import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { readdir, rename, rm, stat } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { ADMIN_WORKSPACE } from './config.js'

export type BuildState =
  | { status: 'ready' }
  | { status: 'missing' }
  | { status: 'building'; since: number; log: string[] }
  | { status: 'failed'; log: string[] }

const REPO = resolve(ADMIN_WORKSPACE, '..')

/** Newest modification time under the panel's sources: admin/, every plugin's admin/, oo.config.ts. */
async function newestSource(): Promise<number> {
  let newest = 0
  const visit = async (path: string): Promise<void> => {
    const info = await stat(path).catch(() => undefined)
    if (!info) return
    if (info.isFile()) newest = Math.max(newest, info.mtimeMs)
    else if (info.isDirectory())
      for (const name of await readdir(path)) await visit(join(path, name))
  }
  for (const name of ['src', 'vite', 'index.html', 'vite.config.ts', 'package.json'])
    await visit(join(ADMIN_WORKSPACE, name))
  for (const plugin of await readdir(join(REPO, 'plugins')))
    await visit(join(REPO, 'plugins', plugin, 'admin'))
  await visit(join(REPO, 'oo.config.ts'))
  return newest
}

/** Whether `dist` holds a build, and whether it is older than the sources it was built from. */
export async function buildStatus(dist: string): Promise<'missing' | 'stale' | 'fresh'> {
  const index = await stat(join(dist, 'index.html')).catch(() => undefined)
  if (!index) return 'missing'
  return (await newestSource()) > index.mtimeMs ? 'stale' : 'fresh'
}

function viteBin(): string | undefined {
  try {
    const manifest = createRequire(join(ADMIN_WORKSPACE, 'package.json')).resolve(
      'vite/package.json',
    )
    const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as {
      bin: string | Record<string, string>
    }
    return join(dirname(manifest), typeof bin === 'string' ? bin : bin.vite!)
  } catch {
    return undefined
  }
}

export interface BuildHandle {
  done: Promise<void>
  child: ChildProcess
}

/**
 * `vite build` of the admin workspace into a fresh folder, then swapped in for `dist`, so the
 * previous build keeps being served until the new one is complete. Each output line goes to `onLine`.
 */
export function buildAdmin(dist: string, onLine: (line: string) => void): BuildHandle {
  const vite = viteBin()
  if (!vite) throw new Error('vite is not installed: run `npm install` at the repository root')
  const out = resolve(ADMIN_WORKSPACE, `.build-${process.pid}-${Date.now()}`)
  const child = spawn(
    process.execPath,
    [vite, 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'info'],
    {
      cwd: ADMIN_WORKSPACE,
      // NODE_ENV decides React's build: a test runner's `test` would ship its development build.
      env: { ...process.env, NODE_ENV: 'production', NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split(/\r?\n/))
      if (line.trim()) onLine(line.trimEnd())
  }
  child.stdout!.on('data', forward)
  child.stderr!.on('data', forward)
  const done = new Promise<void>((resolveDone, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      if (code === 0) resolveDone()
      else
        reject(
          new Error(signal ? `vite build stopped by ${signal}` : `vite build exited with ${code}`),
        )
    })
  }).then(
    () => swapIn(out, dist),
    async (err: unknown) => {
      await rm(out, { recursive: true, force: true })
      throw err
    },
  )
  return { done, child }
}

async function swapIn(out: string, dist: string): Promise<void> {
  const old = `${out}-old`
  if (existsSync(dist)) await rename(dist, old).catch(() => undefined)
  try {
    await rename(out, dist)
  } catch (err) {
    // Another process swapped its build in first: keep theirs.
    if (!existsSync(join(dist, 'index.html'))) throw err
    await rm(out, { recursive: true, force: true })
  }
  await rm(old, { recursive: true, force: true })
}

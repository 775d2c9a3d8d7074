import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, waitForPort } from './redis-server.js'

/** Debian's nginx: front-door tests skip (saying so) where it is not installed. */
export const NGINX = '/usr/sbin/nginx'
export const hasNginx = existsSync(NGINX)

const SHIPPED = fileURLToPath(new URL('../../../deploy/nginx.conf', import.meta.url))

export interface Nginx {
  url: string
  port: number
  /** The error log so far (upstream failures nginx saw). */
  errorLog(): string
  stop(): Promise<void>
}

/**
 * The shipped `deploy/nginx.conf` as a normal process on a free loopback port, in front of
 * engines on the given loopback ports (`engine-a`, `engine-b` in the file): `daemon off`, its
 * pid, logs and temp files in a fresh folder. Only the addresses change, so a test exercises the
 * upstream settings operators deploy.
 */
export async function startNginx(enginePorts: [number, number]): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'oo-nginx-'))
  const port = await freePort()
  const shipped = readFileSync(SHIPPED, 'utf8')
  const conf = shipped
    .replaceAll('engine-a:3000', `127.0.0.1:${enginePorts[0]}`)
    .replaceAll('engine-b:3000', `127.0.0.1:${enginePorts[1]}`)
    .replace(/listen 80 default_server;/, `listen 127.0.0.1:${port} default_server;`)
    .replace(
      /^http \{/m,
      `http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;`,
    )
  if (conf === shipped || !conf.includes(`127.0.0.1:${port}`))
    throw new Error('deploy/nginx.conf no longer has the lines this harness rewrites')
  const header = [
    'daemon off;',
    'worker_processes 1;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log warn;`,
    // As root, workers would switch to `nobody`, who cannot write the temp folders.
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
  ].join('\n')
  await writeFile(join(dir, 'nginx.conf'), `${header}\n${conf}`)
  let stderr = ''
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  try {
    await waitForPort(port, 5000)
  } catch (err) {
    child.kill('SIGKILL')
    throw new Error(`nginx did not start: ${stderr}`, { cause: err })
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    errorLog: () => {
      try {
        return readFileSync(join(dir, 'error.log'), 'utf8')
      } catch {
        return ''
      }
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
        child.kill('SIGQUIT') // graceful: workers finish their connections
        await exited
      }
      if (!process.env.OO_KEEP_NGINX) await rm(dir, { recursive: true, force: true })
      else console.error(`nginx left in ${dir}`)
    },
  }
}

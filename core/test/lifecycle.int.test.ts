import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { definePlugin } from '@oo/core'
import { createTestApp } from '@oo/core/testing'
import { io as connect } from 'socket.io-client'
import { describe, expect, it } from 'vitest'
import tenancy from '../../plugins/tenancy/index.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

function handles(): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1
  return counts
}

describe('engine lifecycle', () => {
  it('stops sockets first, then plugins in reverse order, and leaves no open handles', async () => {
    const events: string[] = []
    const first = definePlugin({
      name: 'first',
      dependsOn: ['tenancy'],
      stop: async () => void events.push('stop first'),
    })
    const second = definePlugin({
      name: 'second',
      dependsOn: ['first'],
      sockets: {
        '/second': (nsp) =>
          nsp.on('connection', (s) => s.on('disconnect', () => events.push('socket closed'))),
      },
      stop: async () => void events.push('stop second'),
    })
    const before = handles()
    const t = await createTestApp({ plugins: [tenancy(), first(), second()] })
    const shop = await t.seedTenant('life')
    const client = connect(`${t.url}/second`, {
      transports: ['websocket'],
      extraHeaders: { host: shop.host },
      reconnection: false,
    })
    await new Promise<void>((resolve, reject) =>
      client.once('connect', resolve).once('connect_error', reject),
    )
    await t.close()
    client.close()
    expect(events).toEqual(['socket closed', 'stop second', 'stop first'])
    await new Promise((r) => setTimeout(r, 100))
    const after = handles()
    for (const kind of ['TCPServerWrap', 'TCPSocketWrap', 'Timeout', 'FSReqPromise']) {
      expect(after[kind] ?? 0, kind).toBeLessThanOrEqual(before[kind] ?? 0)
    }
  })

  it('`oo start` serves, refuses a second process on its data folder, and exits 0 on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'oo-life-'))
    const env = {
      ...process.env,
      OO_DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      REDIS_URL: '',
    }
    const start = () =>
      spawn(process.execPath, [join(ROOT, 'bin/oo.js'), 'start', '--demo'], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    const child = start()
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no listen line in 120 s')), 120_000)
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const match = /listening on (\S+)/.exec(line)
          if (match) {
            clearTimeout(timer)
            resolve(match[1]!)
          }
        })
        child.once('exit', (code) => reject(new Error(`exited ${code}`)))
      })
      const res = await fetch(`${url}/ready`)
      expect(res.status).toBe(200)

      const second = start()
      let stderr = ''
      second.stderr!.on('data', (c: Buffer) => (stderr += c.toString()))
      const secondCode = await new Promise<number | null>((resolve) => second.once('exit', resolve))
      expect(secondCode).toBe(1)
      expect(stderr).toContain('OO_DATA_DIR_LOCKED')

      const code = await new Promise<number | null>((resolve) => {
        child.once('exit', resolve)
        child.kill('SIGTERM')
      })
      expect(code).toBe(0)
      expect(existsSync(join(dataDir, 'engine.lock'))).toBe(false)
    } finally {
      child.kill('SIGKILL')
      await rm(dataDir, { recursive: true, force: true })
    }
  }, 180_000)
})

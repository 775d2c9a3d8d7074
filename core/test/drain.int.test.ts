import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { connect as tcpConnect, type Socket } from 'node:net'
import { definePlugin, type AppRouter } from '@oo/core'
import { createTestApp, type TestApp } from '@oo/core/testing'
import { io as connectSocket } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'
import tenancy from '../../plugins/tenancy/index.js'

declare module '@oo/core' {
  interface EventMap {
    'drain.noted': { n: number }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** What the fixture plugin saw, in order: deliveries and its own stop. */
const seen: string[] = []

/** A slow route, a route that emits events with a slow handler, and a socket namespace. */
const drainProbe = definePlugin({
  name: 'drain-probe',
  dependsOn: ['tenancy'],
  routes: {
    store(router: AppRouter) {
      router.get('/drain/slow', async function slow(ctx) {
        await sleep(Number(ctx.query.ms ?? 0))
        ctx.body = { slept: Number(ctx.query.ms ?? 0) }
      })
      router.post('/drain/notes', async function note(ctx) {
        const { db, eventBus } = ctx.state.scope.cradle
        const count = Number((ctx.request.body as { count?: number }).count ?? 1)
        await db.tx(async (trx) => {
          await trx.raw('select 1')
          for (let n = 0; n < count; n++) eventBus.emit('drain.noted', { n })
        })
        ctx.status = 202
      })
    },
  },
  events: {
    async 'drain.noted'({ event }) {
      await sleep(50) // deliveries still in flight when the stop begins
      seen.push(`handled ${event.payload.n}`)
    },
  },
  sockets: { '/drain': () => undefined },
  stop: async () => void seen.push('stopped'),
})

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: string
  socket: Socket
}

function get(url: string, path: string, agent: Agent, host?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { agent, headers: host ? { host } : {} }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, socket: req.socket! }),
      )
    })
    req.on('error', reject)
    req.end()
  })
}

describe('graceful drain', () => {
  let t: TestApp | undefined
  const agents: Agent[] = []
  afterEach(async () => {
    for (const agent of agents.splice(0)) agent.destroy()
    await t?.close()
    t = undefined
    seen.splice(0)
  })

  const keepAlive = () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 4 })
    agents.push(agent)
    return agent
  }

  it('turns /ready 503 at once, keeps serving with Connection: close, and finishes answers in flight', async () => {
    t = await createTestApp({ plugins: [tenancy(), drainProbe()] })
    const shop = await t.seedTenant('drain')
    const agent = keepAlive()
    const before = await get(t.url, '/ready', agent)
    expect(before.status).toBe(200)
    expect(before.headers.connection).toBe('keep-alive')
    // An idle keep-alive connection opened before the stop (a browser or nginx keeps some).
    const idle = before.socket
    const idleClosed = new Promise<number>((resolve) =>
      idle.once('close', () => resolve(performance.now())),
    )

    // In flight when the stop begins: it was promised keep-alive by nobody yet.
    const inFlight = get(t.url, '/api/v1/store/drain/slow?ms=600', keepAlive(), shop.host)
    await sleep(50)
    const started = performance.now()
    const stopped = t.engine.stop({ drainMs: 400 })

    const ready = await get(t.url, '/ready', keepAlive())
    expect(ready.status).toBe(503)
    expect(JSON.parse(ready.body)).toMatchObject({ checks: { draining: { ok: false } } })
    expect(ready.headers.connection).toBe('close')
    const served = await get(t.url, '/api/v1/store/drain/slow?ms=0', keepAlive(), shop.host)
    expect(served.status).toBe(200)
    expect(served.headers.connection).toBe('close')

    const slow = await inFlight
    expect(slow.status).toBe(200)
    expect(JSON.parse(slow.body)).toEqual({ slept: 600 })
    expect(slow.headers.connection).toBe('close')
    await stopped
    // Served through the whole drain, cut when it ended.
    expect((await idleClosed) - started).toBeGreaterThanOrEqual(390)
  })

  it('keeps sockets through the drain, then tells them to reconnect (a closed transport, not a server disconnect)', async () => {
    t = await createTestApp({ plugins: [tenancy(), drainProbe()] })
    const shop = await t.seedTenant('sockets')
    const client = connectSocket(`${t.url}/drain`, {
      transports: ['websocket'],
      extraHeaders: { host: shop.host },
      reconnectionAttempts: 1,
      reconnectionDelay: 50,
    })
    try {
      await new Promise<void>((resolve, reject) =>
        client.once('connect', resolve).once('connect_error', reject),
      )
      const reason = new Promise<string>((resolve) => client.once('disconnect', resolve))
      const stopped = t.engine.stop({ drainMs: 500 })
      await sleep(300)
      expect(client.connected).toBe(true) // a kitchen screen keeps its tickets while nginx moves on
      await stopped
      // socket.io-client reconnects on "transport close"; on "io server disconnect" it gives up.
      expect(await reason).toBe('transport close')
      expect(client.active).toBe(true)
    } finally {
      client.close()
    }
  })

  it('delivers the last requests’ events before any plugin stops', async () => {
    t = await createTestApp({ plugins: [tenancy(), drainProbe()] })
    const shop = await t.seedTenant('last-events')
    await t.http
      .post('/api/v1/store/drain/notes')
      .set('Host', shop.host)
      .send({ count: 4 })
      .expect(202)
    await t.engine.stop()
    expect(seen).toEqual(['handled 0', 'handled 1', 'handled 2', 'handled 3', 'stopped'])
  })
})

describe('connection hygiene', () => {
  let t: TestApp | undefined
  const open: Socket[] = []
  afterEach(async () => {
    for (const socket of open.splice(0)) socket.destroy()
    await t?.close()
    t = undefined
  })

  function slowLoris(url: string): Promise<Socket> {
    const { hostname, port } = new URL(url)
    return new Promise((resolve, reject) => {
      const socket = tcpConnect(Number(port), hostname, () => {
        // Headers that never finish: one more line now and then, as slow-loris does.
        socket.write('GET /health HTTP/1.1\r\nHost: x\r\n')
        resolve(socket)
      })
      socket.on('error', () => undefined)
      socket.once('error', reject)
      open.push(socket)
    })
  }

  it('cuts 50 slow-loris connections within seconds while normal requests keep succeeding', async () => {
    t = await createTestApp({ plugins: [tenancy()] })
    const loris = await Promise.all(Array.from({ length: 50 }, () => slowLoris(t!.url)))
    let closed = 0
    for (const s of loris) s.once('close', () => closed++)
    const drip = setInterval(() => {
      for (const s of loris) if (!s.destroyed) s.write('X-a: b\r\n')
    }, 1000)
    const started = performance.now()
    const answers: number[] = []
    try {
      while (closed < loris.length && performance.now() - started < 20_000) {
        answers.push((await fetch(`${t.url}/health`)).status)
        await sleep(100)
      }
    } finally {
      clearInterval(drip)
    }
    const took = performance.now() - started
    // The 10 s headers timeout plus Node's check interval (1 s), not Node's default 60-90 s.
    expect(closed).toBe(50)
    expect(took).toBeLessThan(15_000)
    expect(answers.length).toBeGreaterThan(30)
    expect(answers.every((status) => status === 200)).toBe(true)
  }, 30_000)

  it('refuses connections beyond the per-address cap and accepts again when some close', async () => {
    t = await createTestApp({
      plugins: [tenancy()],
      config: { http: { maxConnectionsPerIp: 5 } },
    })
    const idle = await Promise.all(Array.from({ length: 5 }, () => slowLoris(t!.url)))
    const refused = await slowLoris(t.url)
    await new Promise((resolve) => refused.once('close', resolve))
    expect(refused.destroyed).toBe(true)
    for (const s of idle) s.destroy()
    await expect.poll(async () => (await fetch(`${t!.url}/health`)).status).toBe(200)
  })

  it('sets the documented timeouts on the HTTP server', async () => {
    t = await createTestApp({ plugins: [tenancy()] })
    const { server } = t.engine
    expect(server.headersTimeout).toBe(10_000)
    expect(server.requestTimeout).toBe(30_000)
    expect(server.keepAliveTimeout).toBe(5000)
    expect(t.engine.config.http).toMatchObject({ drainMs: 5000, maxConnectionsPerIp: 256 })
  })
})

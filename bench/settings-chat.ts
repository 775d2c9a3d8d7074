// Bounded benchmark for issue 6, on PostgreSQL + Redis:
//   1. propagation delay of a setting change from engine process A to engine process B
//      (p50/p99 over 200 changes: PUT sent to A → B has swapped its in-memory copy);
//   2. chat fan-out latency to 500 connected sockets, half on A and half on B
//      (HTTP action sent to A → each socket's receipt; sockets live in BENCH_RECEIVERS child
//      processes, 2 by default, so the sender does not share an event loop with 500 clients).
// Usage: DATABASE_URL=postgres://… REDIS_URL=redis://… node_modules/.bin/tsx bench/settings-chat.ts
// Creates and drops its own database; stops everything it started; hard limit 180 s.
import { execSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { boot, type Engine } from '@oo/core'
import { TestIssuer } from '@oo/core/testing'
import pg from 'pg'
import { io, type Socket } from 'socket.io-client'
import chatAssistant from '../plugins/chat-assistant/index.js'
import chat from '../plugins/chat/index.js'
import config from '../plugins/config/index.js'
import {
  closeAgent,
  requestJson,
  spawnEngine,
  type EngineProcess,
} from '../plugins/config/test/fixtures/spawn.js'
import tenancy from '../plugins/tenancy/index.js'

const CHANGES = Number(process.env.BENCH_CHANGES ?? 200)
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 500)
const USERS = 50
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50)
const RECEIVER_PROCESSES = Number(process.env.BENCH_RECEIVERS ?? 2)
const API = '/api/v1/admin'
const now = () => performance.timeOrigin + performance.now()

const baseUrl = process.env.DATABASE_URL
const redisUrl = process.env.REDIS_URL
if (!baseUrl || !redisUrl) {
  console.error('bench/settings-chat.ts needs DATABASE_URL and REDIS_URL (PostgreSQL + Redis)')
  process.exit(2)
}
const hardLimit = setTimeout(() => {
  console.error('benchmark exceeded 180 s; aborting')
  process.exit(1)
}, 180_000)

function dbUrl(name: string, user?: string): string {
  const u = new URL(baseUrl!)
  u.pathname = `/${name}`
  if (user) {
    u.username = user
    u.password = ''
  }
  return u.toString()
}
async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: dbUrl('postgres') })
  await client.connect()
  await client.query(sql).finally(() => client.end())
}
// CPU time the engine processes spent (Linux /proc): independent of how loaded the machine is.
const TICKS = (() => {
  try {
    return Number(execSync('getconf CLK_TCK').toString().trim()) || 100
  } catch {
    return 100
  }
})()
function cpuMs(pids: number[]): number {
  let ticks = 0
  for (const pid of pids) {
    const file = `/proc/${pid}/stat`
    if (!existsSync(file)) return NaN
    const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ')
    ticks += Number(fields[11]) + Number(fields[12]) // utime, stime
  }
  return (ticks * 1000) / TICKS
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}
function summary(label: string, samples: number[]): string {
  const s = [...samples].sort((x, y) => x - y)
  const f = (n: number) => n.toFixed(2)
  return `${label}: n=${s.length} p50=${f(percentile(s, 50))} ms p99=${f(percentile(s, 99))} ms max=${f(s.at(-1)!)} ms`
}

const dbName = `oo_bench_${randomBytes(4).toString('hex')}`
const prefix = `oo-bench-${randomBytes(4).toString('hex')}`
const issuer = new TestIssuer()
let local: Engine | undefined
const children: EngineProcess[] = []
const receiverProcesses: ChildProcess[] = []

async function main(): Promise<void> {
  await admin(`create database ${dbName}`)
  // In this process: migrations, provisioning and tokens. It does not serve the benchmark.
  local = await boot(
    {
      mode: 'test',
      http: { port: 0, host: '127.0.0.1' },
      database: { url: dbUrl(dbName), appUrl: dbUrl(dbName, 'oo_app'), poolMax: 4 },
      redis: { url: redisUrl, keyPrefix: `${prefix}-local` },
      plugins: [
        tenancy(),
        config({ broadcast: false, reconcileIntervalMs: 3_600_000 }),
        chat(),
        chatAssistant(),
        issuer.plugin(),
      ],
    },
    { outbox: { autoDispatch: false } },
  )
  const provisioned = await local.container.cradle.provisioningService.provision({
    operationId: `bench-${prefix}`,
    slug: 'bench',
    name: 'Bench',
    domains: ['bench.test'],
    owner: { email: 'owner@bench.test' },
  })
  const tenantId = provisioned.tenantId!
  const host = 'bench.test'
  const emails = Array.from({ length: USERS }, (_, i) => `user${i}@bench.test`)
  const mainProject = await seedMembers(local, tenantId, emails)

  const env = {
    DATABASE_URL: dbUrl(dbName),
    DATABASE_APP_URL: dbUrl(dbName, 'oo_app'),
    REDIS_URL: redisUrl,
    OO_REDIS_PREFIX: prefix,
    OO_TEST_JWKS: JSON.stringify(await issuer.jwks()),
    OO_RECONCILE_MS: '3600000',
  }
  const [a, b] = await Promise.all([
    spawnEngine({ ...env, OO_REPORT_SETTINGS: '1' }),
    spawnEngine({ ...env, OO_REPORT_SETTINGS: '1' }),
  ])
  children.push(a!, b!)
  const ownerToken = await issuer.token({
    sub: 'sub-owner@bench.test',
    email: 'owner@bench.test',
    expiresIn: '1h',
  })

  console.log(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} on ${cpus().length} cores`,
  )
  console.log(
    `engines: A pid ${a!.pid}, B pid ${b!.pid}; database ${dbName}; ${CHANGES} changes, ${SOCKETS} sockets, ${MESSAGES} messages`,
  )
  await benchSettings(a!, b!, host, ownerToken)
  await benchChat(a!, b!, host, ownerToken, mainProject, emails)
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
}

async function seedMembers(engine: Engine, tenantId: string, emails: string[]): Promise<string> {
  return engine.database.asOwner(async (k) => {
    const project = await k('projects').where({ tenant_id: tenantId, slug: 'main' }).first('id')
    for (const email of emails) {
      const [user] = await k('users')
        .insert({ issuer: 'urn:oo:test-issuer', subject: `sub-${email}`, email })
        .returning('id')
      await k('members').insert({ tenant_id: tenantId, user_id: user.id, role: 'staff' })
      await k('project_members').insert({
        tenant_id: tenantId,
        project_id: project.id,
        user_id: user.id,
      })
    }
    return project.id as string
  })
}

async function benchSettings(
  a: EngineProcess,
  b: EngineProcess,
  host: string,
  token: string,
): Promise<void> {
  const applied = new Map<number, number>()
  const appliedOnA = new Map<number, number>()
  const waiters = new Map<number, () => void>()
  a.onLine((line) => {
    const version = (line.applied as { version: number } | undefined)?.version
    if (version !== undefined) appliedOnA.set(version, line.at as number)
  })
  b.onLine((line) => {
    const version = (line.applied as { version: number } | undefined)?.version
    if (version === undefined) return
    applied.set(version, line.at as number)
    waiters.get(version)?.()
  })
  const themes = ['tech-ocean', 'fresh-market', 'mono-luxe']
  const e2e: number[] = []
  const put: number[] = []
  const aToB: number[] = []
  const cpuBefore = cpuMs([a.pid, b.pid])
  for (let i = 0; i < CHANGES; i++) {
    const version = i + 1
    const seen = new Promise<void>((resolve, reject) => {
      if (applied.has(version)) return resolve()
      const timer = setTimeout(
        () => reject(new Error(`B did not apply version ${version} within 2 s`)),
        2000,
      )
      waiters.set(version, () => {
        clearTimeout(timer)
        resolve()
      })
    })
    const sent = now()
    const res = await requestJson(`${a.url}${API}/settings/tenancy.theme`, {
      method: 'PUT',
      host,
      token,
      body: { value: themes[i % 3], version: i },
    })
    if (res.status !== 200)
      throw new Error(`PUT ${version}: ${res.status} ${JSON.stringify(res.body)}`)
    put.push(now() - sent)
    await seen
    waiters.delete(version)
    e2e.push(applied.get(version)! - sent)
    const onA = appliedOnA.get(version)
    if (onA !== undefined) aToB.push(applied.get(version)! - onA)
  }
  console.log(
    `settings: engine CPU (A+B) ${((cpuMs([a.pid, b.pid]) - cpuBefore) / CHANGES).toFixed(2)} ms per change`,
  )
  console.log(summary('settings PUT on A (validate + version + history + outbox + publish)', put))
  console.log(summary('settings propagation, PUT sent to A → swapped on B', e2e))
  console.log(
    summary(
      'settings propagation, swapped on A → swapped on B (both start at commit; B: publish, Redis, re-read)',
      aToB,
    ),
  )
}

async function benchChat(
  a: EngineProcess,
  b: EngineProcess,
  host: string,
  ownerToken: string,
  projectId: string,
  emails: string[],
): Promise<void> {
  const tokens = await Promise.all(
    emails.map((email) => issuer.token({ sub: `sub-${email}`, email, expiresIn: '1h' })),
  )
  // Receivers live in their own processes, like real clients: the sender's clock and event
  // loop are not shared with 500 sockets decoding frames.
  const groups = RECEIVER_PROCESSES
  const per = Math.ceil(SOCKETS / groups)
  const receivers = await Promise.all(
    Array.from({ length: groups }, (_, g) =>
      startReceiver({
        urls: [a.url, b.url],
        host,
        projectId,
        tokens,
        offset: g * per,
        count: Math.min(per, SOCKETS - g * per),
      }),
    ),
  )
  const opened = await requestJson(`${a.url}${API}/chat/projects/${projectId}/sessions`, {
    method: 'POST',
    host,
    token: ownerToken,
    body: {},
  })
  const sessionId = opened.body.session.id as string
  const actions = ['thumbs-up', 'ready', 'review', 'thumbs-down']
  const sentAt = new Map<number, { sent: number; via: 'http' | 'socket' }>()
  // Half the messages over HTTP (a fresh request each: auth, tenant, transaction), half over
  // the sender's own authenticated socket (`chat:send`, as a chat client would).
  const sender = io(`${a.url}/chat`, {
    transports: ['websocket'],
    extraHeaders: { host },
    auth: { token: ownerToken },
    reconnection: false,
    forceNew: true,
  })
  await new Promise<void>((resolve, reject) => {
    sender.once('connect', () => resolve())
    sender.once('connect_error', reject)
  })
  const cpuBefore = cpuMs([a.pid, b.pid])
  for (let i = 0; i < MESSAGES; i++) {
    const via = i % 2 ? 'socket' : 'http'
    const sent = now()
    const action = actions[i % actions.length]
    let at: number
    if (via === 'http') {
      const res = await requestJson(`${a.url}${API}/chat/sessions/${sessionId}/actions`, {
        method: 'POST',
        host,
        token: ownerToken,
        body: { action },
      })
      if (res.status !== 202)
        throw new Error(`action ${i}: ${res.status} ${JSON.stringify(res.body)}`)
      at = res.body.at as number
    } else {
      const ack = await new Promise<{ ok: boolean; data?: { at: number } }>((resolve) =>
        sender.emit('chat:send', { sessionId, action }, resolve),
      )
      if (!ack.ok) throw new Error(`socket action ${i}: ${JSON.stringify(ack)}`)
      at = ack.data!.at
    }
    sentAt.set(at, { sent, via })
    await Promise.all(receivers.map((r) => r.done(at)))
  }
  const cpuPerMessage = (cpuMs([a.pid, b.pid]) - cpuBefore) / MESSAGES
  sender.disconnect()
  const latencies = { http: [] as number[], socket: [] as number[] }
  const fromEmit: number[] = []
  let delivered = 0
  for (const r of receivers) {
    for (const [at, received] of await r.dump()) {
      delivered++
      const { sent, via } = sentAt.get(at)!
      latencies[via].push(received - sent)
      fromEmit.push(received - at)
    }
  }
  console.log(
    `chat fan-out: ${delivered}/${SOCKETS * MESSAGES} deliveries to ${SOCKETS} sockets (half on A, half on B) in ${groups} receiver processes`,
  )
  console.log(
    `chat: engine CPU (A+B) ${cpuPerMessage.toFixed(2)} ms per message fanned out to ${SOCKETS} sockets`,
  )
  console.log(summary('chat fan-out, action POSTed to A → received by each socket', latencies.http))
  console.log(
    summary('chat fan-out, chat:send on a socket of A → received by each socket', latencies.socket),
  )
  console.log(
    summary(
      'chat fan-out, server emit (after commit, ms clock) → received by each socket',
      fromEmit,
    ),
  )
}

interface Receiver {
  done(at: number): Promise<void>
  dump(): Promise<[number, number][]>
}

async function startReceiver(job: {
  urls: string[]
  host: string
  projectId: string
  tokens: string[]
  offset: number
  count: number
}): Promise<Receiver> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, BENCH_ROLE: 'receiver', BENCH_JOB: JSON.stringify(job) },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  receiverProcesses.push(child)
  const lines = createInterface({ input: child.stdout! })
  const seen = new Set<number>()
  const waiting = new Map<number, () => void>()
  let dumped: ((rows: [number, number][]) => void) | undefined
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)))
    lines.on('line', (line) => {
      const msg = JSON.parse(line) as { ready?: true; done?: number; dump?: [number, number][] }
      if (msg.ready) resolve()
      if (msg.done !== undefined) {
        seen.add(msg.done)
        waiting.get(msg.done)?.()
      }
      if (msg.dump) dumped?.(msg.dump)
    })
  })
  await ready
  return {
    done: (at) =>
      new Promise<void>((resolve, reject) => {
        if (seen.has(at)) return resolve()
        const timer = setTimeout(() => reject(new Error(`receiver missed message ${at}`)), 5000)
        waiting.set(at, () => {
          clearTimeout(timer)
          resolve()
        })
      }),
    dump: () =>
      new Promise((resolve) => {
        dumped = resolve
        child.stdin!.write('dump\n')
      }),
  }
}

/** Child mode: connect `count` sockets (alternating A and B), join, report receipts. */
async function receiver(): Promise<void> {
  const job = JSON.parse(process.env.BENCH_JOB!) as {
    urls: string[]
    host: string
    projectId: string
    tokens: string[]
    offset: number
    count: number
  }
  const sockets: Socket[] = []
  const rows: [number, number][] = []
  const perMessage = new Map<number, number>()
  for (let i = 0; i < job.count; i += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, job.count - i) }, async (_, j) => {
        const n = job.offset + i + j
        const socket = io(`${job.urls[n % 2]}/chat`, {
          transports: ['websocket'],
          extraHeaders: { host: job.host },
          auth: { token: job.tokens[n % job.tokens.length] },
          reconnection: false,
          forceNew: true,
        })
        sockets.push(socket)
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve())
          socket.once('connect_error', reject)
        })
        const ack = await new Promise<{ ok: boolean }>((resolve) =>
          socket.emit('chat:join', { projectId: job.projectId }, resolve),
        )
        if (!ack.ok) throw new Error(`join failed: ${JSON.stringify(ack)}`)
        socket.on('chat:action', (msg: { at: number }) => {
          rows.push([msg.at, now()])
          const n = (perMessage.get(msg.at) ?? 0) + 1
          perMessage.set(msg.at, n)
          if (n === job.count) process.stdout.write(`${JSON.stringify({ done: msg.at })}\n`)
        })
      }),
    )
  }
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`)
  createInterface({ input: process.stdin }).on('line', () => {
    process.stdout.write(`${JSON.stringify({ dump: rows })}\n`, () => {
      for (const s of sockets) s.disconnect()
      process.exit(0)
    })
  })
}

if (process.env.BENCH_ROLE === 'receiver') {
  await receiver()
} else {
  try {
    await main()
  } finally {
    for (const r of receiverProcesses) if (r.exitCode === null) r.kill('SIGTERM')
    const codes = await Promise.all(children.map((c) => c.stop()))
    closeAgent()
    await local?.stop()
    await admin(`drop database if exists ${dbName} with (force)`).catch((err: unknown) =>
      console.error('could not drop', dbName, err),
    )
    clearTimeout(hardLimit)
    if (codes.some((c) => c !== 0)) console.error('engine exit codes', codes)
  }
}

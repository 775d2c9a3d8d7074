// A real HTTP receiver on 127.0.0.1 for the webhook tests: records every request, can answer
// with an error status, or be taken down (connection refused) and brought back on the same port.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

export interface Received {
  path: string
  headers: IncomingHttpHeaders
  body: string
  at: number
}

export class Receiver {
  readonly received: Received[] = []
  /** The status answered; 200 unless a test says otherwise. */
  status = 200
  /** Requests to these paths get no answer at all (until the receiver goes down). */
  readonly silentOn = new Set<string>()
  #server?: Server
  #port = 0
  #waiters: { pred: () => boolean; resolve: () => void }[] = []

  async start(): Promise<this> {
    await this.up()
    return this
  }

  url(path = '/hooks'): string {
    return `http://127.0.0.1:${this.#port}${path}`
  }

  /** Listens (again, on the same port once it had one). */
  async up(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        this.received.push({
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        })
        if (this.silentOn.has(req.url ?? '')) return
        res.writeHead(this.status, { 'content-type': 'text/plain' }).end(`status ${this.status}`)
        for (const w of [...this.#waiters])
          if (w.pred()) {
            this.#waiters.splice(this.#waiters.indexOf(w), 1)
            w.resolve()
          }
      })
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.#port, '127.0.0.1', () => resolve())
    })
    this.#port = (server.address() as AddressInfo).port
    this.#server = server
  }

  /** Stops listening: attempts meet a refused connection. */
  async down(): Promise<void> {
    const server = this.#server
    this.#server = undefined
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  on(path: string): Received[] {
    return this.received.filter((r) => r.path === path)
  }

  /** Resolves once `pred` holds (checked now and after every request). */
  waitFor(pred: () => boolean, ms = 15_000): Promise<void> {
    if (pred()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const waiter = {
        pred,
        resolve: () => {
          clearTimeout(timer)
          resolve()
        },
      }
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1)
        reject(
          new Error(
            `receiver: condition not met within ${ms} ms (${this.received.length} received)`,
          ),
        )
      }, ms)
      this.#waiters.push(waiter)
    })
  }
}

/** What a receiver does first: `standardwebhooks`' own verification of the three headers. */
export function verify(
  secret: string,
  r: Received,
): { type: string; timestamp: string; data: any } {
  return new Webhook(secret).verify(r.body, {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  }) as { type: string; timestamp: string; data: any }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Polls `fn` until it returns a truthy value (database state the worker writes). */
export async function eventually<T>(
  fn: () => Promise<T | undefined | false>,
  ms = 15_000,
): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const value = await fn()
    if (value) return value
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`)
    await sleep(50)
  }
}

import {
  createServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http'
import { Server, type Socket } from 'node:net'
import type { Engine } from './boot.js'
import type { ResolvedConfig } from './boot-config.js'
import type { Logger } from './logger.js'

/** Node checks headers and request timeouts only this often (its default, 30 s, lets a slow-loris
 * connection live 30 s past its deadline). */
const TIMEOUT_CHECK_MS = 1000
const CAP_LOG_EVERY_MS = 10_000

export interface EngineHttpServer {
  readonly server: HttpServer
  /**
   * From now on every answer carries `Connection: close`, the ones in flight included: a client
   * (or nginx) never sends another request on a connection this process is about to close.
   */
  startDraining(): void
  /**
   * Closes the listener only: open connections stay, idle ones too (Node's `close()` would cut
   * those at once, racing a proxy that is just sending a request on one).
   */
  stopListening(): void
  /** Cuts every connection without a request in the handler; the others close after their answer. */
  closeIdle(): void
}

/**
 * The engine's HTTP server with its connection hygiene: headers, request and keep-alive timeouts,
 * an optional cap on open connections per peer address, and the drain a graceful stop needs.
 */
export function createHttpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  http: ResolvedConfig['http'],
  logger: Logger,
): EngineHttpServer {
  let draining = false
  const connections = new Set<Socket>()
  const busy = new Map<Socket, ServerResponse>()
  const upgraded = new WeakSet<Socket>() // socket.io's websockets: closed by socket.io, with a close frame
  const server = createServer(
    {
      headersTimeout: http.headersTimeoutMs,
      requestTimeout: http.requestTimeoutMs,
      keepAliveTimeout: http.keepAliveTimeoutMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_MS,
    },
    (req, res) => {
      const socket = req.socket
      busy.set(socket, res)
      res.once('close', () => {
        if (busy.get(socket) === res) busy.delete(socket)
      })
      if (draining) res.setHeader('connection', 'close')
      handler(req, res)
    },
  )
  server.keepAliveTimeout = http.keepAliveTimeoutMs
  server.on('upgrade', (req: IncomingMessage) => upgraded.add(req.socket))
  server.on('connection', (socket: Socket) => {
    connections.add(socket)
    socket.once('close', () => connections.delete(socket))
  })
  if (http.maxConnectionsPerIp > 0) capConnectionsPerIp(server, http.maxConnectionsPerIp, logger)
  return {
    server,
    startDraining() {
      draining = true
      for (const res of busy.values()) if (!res.headersSent) res.setHeader('connection', 'close')
    },
    stopListening() {
      if (server.listening) Server.prototype.close.call(server)
    },
    closeIdle() {
      for (const socket of connections)
        if (!busy.has(socket) && !upgraded.has(socket)) socket.destroy()
    },
  }
}

/**
 * Refuses a connection beyond `max` open ones from the same peer address. Behind a proxy every
 * peer is the proxy, so this cap is off by default there (`trustProxy`): nginx's `limit_conn`
 * counts the real clients.
 */
function capConnectionsPerIp(server: HttpServer, max: number, logger: Logger): void {
  const open = new Map<string, number>()
  let refused = 0
  let lastLog = 0
  server.on('connection', (socket: Socket) => {
    const peer = socket.remoteAddress ?? ''
    const count = (open.get(peer) ?? 0) + 1
    if (count > max) {
      refused++
      if (Date.now() - lastLog >= CAP_LOG_EVERY_MS) {
        lastLog = Date.now()
        logger.warn({ peer, max, refused }, 'connection refused: too many open from this address')
      }
      socket.destroy()
      return
    }
    open.set(peer, count)
    socket.once('close', () => {
      const left = (open.get(peer) ?? 1) - 1
      if (left > 0) open.set(peer, left)
      else open.delete(peer)
    })
  })
}

/**
 * Stops the engine once on SIGTERM/SIGINT, after a drain of `http.drainMs`: `/ready` answers 503
 * and every answer closes its connection while the engine keeps serving, so the front door moves
 * traffic away before the listener closes. A hard exit timer bounds the whole path, so a stuck
 * plugin cannot keep a node from being replaced.
 */
export function stopOnSignals(engine: Engine, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return
      stopping = true
      logger.info({ signal, drainMs: engine.config.http.drainMs }, 'shutting down')
      const hardExit = setTimeout(() => {
        logger.error(
          { timeoutMs: engine.config.shutdownTimeoutMs },
          'graceful shutdown timed out; exiting',
        )
        process.exit(1)
      }, engine.config.shutdownTimeoutMs)
      hardExit.unref()
      engine.stop({ drainMs: engine.config.http.drainMs }).then(
        () => {
          clearTimeout(hardExit)
          logger.info('stopped')
          resolve()
        },
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed')
          process.exit(1)
        },
      )
    }
    process.once('SIGTERM', onSignal)
    process.once('SIGINT', onSignal)
  })
}

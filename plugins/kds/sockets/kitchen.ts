import {
  isOoError,
  tenantRoom,
  withSocketScope,
  type AwilixContainer,
  type Cradle,
  type PluginContext,
  type RequestCradle,
  type SocketData,
} from '@oo/core'
import type { Namespace, Socket } from 'socket.io'
import { z } from 'zod'
import type { KdsSettings } from '../config.js'
import type { TicketEvent } from '../services/tickets.js'

/** Holds the `/kitchen` namespace; takes the tenant per call, never a bare `nsp.emit`. */
export class KitchenGateway {
  #nsp?: Namespace

  attach(nsp: Namespace): void {
    this.#nsp = nsp
  }

  publish(tenantId: string, event: TicketEvent): void {
    this.#nsp?.to(tenantRoom(tenantId)).emit(event.type, event.ticket)
  }

  /** Local sockets only: every process receives the change and tells its own screens. */
  settingsChanged(tenantId: string, settings: KdsSettings): void {
    this.#nsp?.local.to(tenantRoom(tenantId)).emit('kitchen:settings', settings)
  }
}

const SyncRequest = z.object({ since: z.number().int().min(0).optional() }).strict()
const TicketRequest = z.object({ orderId: z.uuid() }).strict()
const ItemRequest = z
  .object({ orderId: z.uuid(), lineId: z.uuid(), undo: z.boolean().optional() })
  .strict()

type Ack = (reply: unknown) => void

/**
 * `/kitchen`: core has verified the caller (kds.read) and joined its tenant room. A screen sends
 * `kitchen:sync { since }` on every connect and gets what it missed; bumps and recalls need
 * `kds.write` and are answered through the ack, then broadcast to every screen of the tenant.
 */
export function kitchenNamespace(nsp: Namespace, { container }: PluginContext<unknown>): void {
  const root = container as AwilixContainer<Cradle>
  root.cradle.kitchenGateway.attach(nsp)
  nsp.on('connection', (socket) => {
    handle(root, socket, 'kitchen:sync', SyncRequest, false, (scope, req) =>
      scope.cradle.kdsService.catchUp(req.since),
    )
    handle(root, socket, 'ticket:bump', TicketRequest, true, (scope, req) =>
      publish(scope, scope.cradle.kdsService.bumpTicket(req.orderId)),
    )
    handle(root, socket, 'ticket:recall', TicketRequest, true, (scope, req) =>
      publish(scope, scope.cradle.kdsService.recall(req.orderId)),
    )
    handle(root, socket, 'item:bump', ItemRequest, true, (scope, req) =>
      publish(scope, scope.cradle.kdsService.bumpItem(req.orderId, req.lineId, req.undo)),
    )
  })
}

async function publish(
  scope: AwilixContainer<RequestCradle>,
  work: Promise<TicketEvent>,
): Promise<TicketEvent> {
  const event = await work
  scope.cradle.kitchenGateway.publish(scope.cradle.tenant.id, event)
  return event
}

function handle<S extends z.ZodType, R>(
  root: AwilixContainer<Cradle>,
  socket: Socket,
  name: string,
  schema: S,
  writes: boolean,
  fn: (scope: AwilixContainer<RequestCradle>, req: z.output<S>) => Promise<R>,
): void {
  socket.on(name, (payload: unknown, ack?: Ack) => {
    const reply: Ack = typeof ack === 'function' ? ack : () => undefined
    const data = socket.data as SocketData
    if (
      writes &&
      !(data.principal?.superAdmin || root.cradle.permissions.allows(data.role, 'kds.write'))
    ) {
      reply({ ok: false, error: { code: 'OO_FORBIDDEN', message: 'Needs kds.write' } })
      return
    }
    const parsed = schema.safeParse(payload ?? {})
    if (!parsed.success) {
      reply({
        ok: false,
        error: {
          code: 'OO_VALIDATION_FAILED',
          message: parsed.error.issues[0]?.message ?? 'Invalid input',
        },
      })
      return
    }
    withSocketScope(root, socket, (scope) => fn(scope, parsed.data)).then(
      (result) => reply({ ok: true, ...(result as object) }),
      (err: unknown) => {
        if (!isOoError(err) || err.status >= 500)
          root.cradle.logger.error({ err, event: name }, 'kitchen socket handler failed')
        reply({
          ok: false,
          error:
            isOoError(err) && err.status < 500
              ? { code: err.code, message: err.message }
              : { code: 'OO_INTERNAL', message: 'Internal error' },
        })
      },
    )
  })
}

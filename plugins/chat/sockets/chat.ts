import { isOoError, withSocketScope, type PluginContext, type SocketData } from '@oo/core'
import type { Socket } from 'socket.io'
import { ZodError } from 'zod'
import type { ChatOptions } from '../config.js'
import { JoinMessage, SendMessage } from '../routes/schemas.js'
import { participantRoom, projectRoom } from '../services/chat-gateway.js'

type Ack = (
  reply:
    | { ok: true; data?: unknown }
    | { ok: false; error: { code: string; message: string; field?: string } },
) => void

/**
 * `/chat`: core has verified the token and the tenant. A socket hears a project only after
 * `chat:join` proved membership; it may also send canned actions (`chat:send`).
 */
export function chatNamespace(
  nsp: import('socket.io').Namespace,
  { container, options, logger }: PluginContext<ChatOptions>,
): void {
  container.cradle.chatGateway.attach(nsp)
  nsp.on('connection', (socket: Socket) => {
    const data = socket.data as SocketData
    if (data.principal) void socket.join(participantRoom(data.tenant.id, data.principal.id))

    const handle = (event: string, run: (payload: unknown) => Promise<unknown>) => {
      socket.on(event, (payload: unknown, ack?: unknown) => {
        const reply: Ack = typeof ack === 'function' ? (ack as Ack) : () => undefined
        if (JSON.stringify(payload ?? null).length > options.maxPayloadBytes) {
          return reply({
            ok: false,
            error: {
              code: 'CHAT_PAYLOAD_TOO_LARGE',
              message: `Chat commands are at most ${options.maxPayloadBytes} bytes`,
            },
          })
        }
        run(payload).then(
          (result) => reply({ ok: true, data: result }),
          (err: unknown) => reply({ ok: false, error: socketError(err, logger) }),
        )
      })
    }

    handle('chat:join', async (payload) => {
      const { projectId } = JoinMessage.parse(payload)
      await withSocketScope(container, socket, (scope) =>
        scope.cradle.chatService.assertMember(projectId),
      )
      await socket.join(projectRoom(data.tenant.id, projectId))
      return { projectId }
    })
    handle('chat:leave', async (payload) => {
      const { projectId } = JoinMessage.parse(payload)
      await socket.leave(projectRoom(data.tenant.id, projectId))
      return { projectId }
    })
    handle('chat:send', async (payload) => {
      const { sessionId, action } = SendMessage.parse(payload)
      return withSocketScope(container, socket, (scope) =>
        scope.cradle.chatService.send(sessionId, action),
      )
    })
  })
}

function socketError(
  err: unknown,
  logger: PluginContext['logger'],
): { code: string; message: string; field?: string } {
  if (isOoError(err) && err.status < 500)
    return { code: err.code, message: err.message, field: err.field }
  if (err instanceof ZodError) {
    const issue = err.issues[0]
    const field = issue?.path.map(String).join('.') || undefined
    return {
      code: 'OO_VALIDATION_FAILED',
      message: `${field ?? 'message'}: ${issue?.message ?? 'invalid'}`,
      field,
    }
  }
  logger.error({ err }, 'chat socket handler failed')
  return { code: 'OO_INTERNAL', message: 'Internal error' }
}

import type { EventHandler } from '@oo/core'
import { replyTo } from './replies.js'

/** Runs once in the cluster per action (outbox); the reply fans out to every process's sockets. */
export const onActionSent: EventHandler<'chat.action.sent'> = async ({ event, scope }) => {
  const answer = replyTo(event.payload.action)
  if (!answer || !event.tenantId) return
  const settings = scope.resolve('settings', { allowUnregistered: true })
  if (settings && !settings.get(event.tenantId, 'chat-assistant').enabled) return
  await scope.cradle.db.tx((trx) =>
    scope.cradle.chatService.count(trx, event.payload.projectId, `assistant:${answer.reply}`),
  )
  scope.cradle.chatGateway.assistant(event.tenantId, {
    projectId: event.payload.projectId,
    from: 'assistant',
    inReplyTo: event.payload.action,
    reply: answer.reply,
    text: answer.text,
    at: Date.now(),
  })
}

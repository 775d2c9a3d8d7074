import { definePlugin, type EventHandler } from '@oo/core'
import { z } from 'zod'
import { replyTo } from './replies.js'

export const assistantSettings = z.object({
  /** Whether the mock assistant answers in this tenant's chats. */
  enabled: z.boolean().default(true),
})

declare module '@oo/core' {
  interface SettingsMap {
    'chat-assistant': z.output<typeof assistantSettings>
  }
}

/** Runs once in the cluster per action (outbox); the reply fans out to every process's sockets. */
const onActionSent: EventHandler<'chat.action.sent'> = async ({ event, scope }) => {
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

/** A deterministic stand-in for an AI assistant in the team chat, listening to chat events. */
export default definePlugin({
  name: 'chat-assistant',
  dependsOn: ['chat'],
  settings: assistantSettings,
  events: { 'chat.action.sent': onActionSent },
})

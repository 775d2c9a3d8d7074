import type { ChatOptions, ChatSettings } from './config.js'
import type { ChatGateway } from './services/chat-gateway.js'
import type { ChatService } from './services/chat-service.js'
import type { GuestPasses } from './services/guest-passes.js'
import type { PollService } from './services/poll-service.js'
import type { ActionId } from './services/vocabulary.js'

declare module '@oo/core' {
  interface Cradle {
    chatOptions: ChatOptions
    chatGateway: ChatGateway
    /** Limits after per-tenant settings: the setting when a tenant set one, else the option. */
    chatLimits: { maxActiveSessions(tenantId: string): number }
  }
  interface RequestCradle {
    chatService: ChatService
    pollService: PollService
    guestPasses: GuestPasses
  }
  interface SettingsMap {
    chat: ChatSettings
  }
  interface EventMap {
    /** A canned action was sent (ids only). The assistant plugin answers some of them. */
    'chat.action.sent': { projectId: string; from: string; action: ActionId }
  }
}

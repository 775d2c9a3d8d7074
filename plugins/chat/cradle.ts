import type { ChatOptions } from './config.js'
import type { ChatGateway } from './services/chat-gateway.js'
import type { ChatService } from './services/chat-service.js'
import type { GuestPasses } from './services/guest-passes.js'
import type { PollService } from './services/poll-service.js'
import type { ActionId } from './services/vocabulary.js'

declare module '@oo/core' {
  interface Cradle {
    chatOptions: ChatOptions
    chatGateway: ChatGateway
  }
  interface RequestCradle {
    chatService: ChatService
    pollService: PollService
    guestPasses: GuestPasses
  }
  interface EventMap {
    /** A canned action was sent (ids only). The assistant plugin answers some of them. */
    'chat.action.sent': { projectId: string; from: string; action: ActionId }
  }
}

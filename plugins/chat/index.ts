import { asClass, asValue, definePlugin } from '@oo/core'
import { chatOptions, chatSettings } from './config.js'
import { adminRoutes } from './routes/admin.js'
import { ChatGateway } from './services/chat-gateway.js'
import { ChatService } from './services/chat-service.js'
import { GuestPasses } from './services/guest-passes.js'
import { PollService } from './services/poll-service.js'
import { chatNamespace } from './sockets/chat.js'
import './cradle.js'

const EVERY_ROLE = ['owner', 'admin', 'manager', 'staff', 'kitchen', 'readonly'] as const

export default definePlugin({
  name: 'chat',
  dependsOn: ['tenancy'],
  options: chatOptions,
  settings: chatSettings,
  migrations: new URL('./migrations/', import.meta.url),
  permissions: {
    // Membership of the project is checked on every command; the role only opens the door.
    'chat.use': [...EVERY_ROLE, 'guest'],
    'chat.guests.invite': ['owner', 'admin', 'manager', 'staff'],
  },

  register({ container, options }) {
    container.register({
      chatOptions: asValue(options),
      // Read at call time: the config plugin (if installed) may register after this one.
      chatLimits: asValue({
        maxActiveSessions: (tenantId: string) =>
          container.resolve('settings', { allowUnregistered: true })?.get(tenantId, 'chat')
            .maxActiveSessions ?? options.maxActiveSessions,
      }),
      chatGateway: asClass(ChatGateway).singleton(),
      chatService: asClass(ChatService).scoped(),
      pollService: asClass(PollService).scoped(),
      guestPasses: asClass(GuestPasses).scoped(),
    })
  },

  routes: { admin: adminRoutes },
  sockets: { '/chat': { permission: 'chat.use', setup: chatNamespace } },
})

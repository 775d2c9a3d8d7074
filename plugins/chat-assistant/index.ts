import { asClass, asFunction, asValue, definePlugin } from '@oo/core'
import { assistantOptions, assistantSettings } from './config.js'
import { DocumentService } from './documents/document-service.js'
import { LlmProvider } from './documents/llm-provider.js'
import { RulesProvider } from './documents/rules-provider.js'
import { documentRoutes } from './documents/routes.js'
import { onActionSent } from './events.js'
import './cradle.js'

/**
 * A deterministic stand-in for an AI assistant in the team chat, and the document assistant:
 * supplier documents in, draft purchase orders out, for a person to confirm.
 */
export default definePlugin({
  name: 'chat-assistant',
  dependsOn: ['chat'],
  options: assistantOptions,
  settings: assistantSettings,
  migrations: new URL('./migrations/', import.meta.url),
  permissions: { 'assistant.documents': ['owner', 'admin', 'manager', 'staff'] },

  register({ container, options }) {
    const { llm } = options.documents
    container.register({
      assistantOptions: asValue(options),
      assistantDraftProvider: asFunction(() =>
        options.documents.provider === 'llm' && llm ? new LlmProvider(llm) : new RulesProvider(),
      ).singleton(),
      assistantDocumentService: asClass(DocumentService).scoped(),
    })
  },

  routes: { admin: documentRoutes },
  events: { 'chat.action.sent': onActionSent },
  admin: { entry: './admin/index.ts' },
})

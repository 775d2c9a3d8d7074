import type { z } from 'zod'
import type { AssistantOptions, assistantSettings } from './config.js'
import type { DocumentService } from './documents/document-service.js'
import type { DraftProvider } from './documents/draft.js'

declare module '@oo/core' {
  interface Cradle {
    assistantOptions: AssistantOptions
    assistantDraftProvider: DraftProvider
  }
  interface RequestCradle {
    assistantDocumentService: DocumentService
  }
  interface SettingsMap {
    'chat-assistant': z.output<typeof assistantSettings>
  }
}

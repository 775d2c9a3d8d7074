import { z } from 'zod'

export const assistantSettings = z.object({
  /** Whether the mock assistant answers in this tenant's chats. */
  enabled: z.boolean().default(true),
})

export const assistantOptions = z.object({
  documents: z
    .object({
      /** Who reads uploaded documents: `rules` (deterministic, no network) or `llm`. @default 'rules' */
      provider: z.enum(['rules', 'llm']).default('rules'),
      /** An OpenAI-compatible chat-completions endpoint, for `provider: 'llm'`. */
      llm: z
        .object({
          /** The endpoint, e.g. https://api.openai.com/v1/chat/completions. */
          url: z.url(),
          /** Sent as `Authorization: Bearer <apiKey>`; pass `env.secret(...)`. */
          apiKey: z.string().min(1),
          /** @default 'gpt-4o-mini' */
          model: z.string().min(1).default('gpt-4o-mini'),
          /** @default 30000 */
          timeoutMs: z.number().int().positive().default(30_000),
        })
        .optional(),
      /** Largest upload accepted, in bytes. @default 10 MiB */
      maxBytes: z
        .number()
        .int()
        .positive()
        .default(10 * 1024 * 1024),
    })
    .refine((d) => d.provider !== 'llm' || d.llm, {
      message: 'provider "llm" needs llm.url and llm.apiKey',
      path: ['llm'],
    })
    .prefault({}),
})
export type AssistantOptions = z.output<typeof assistantOptions>

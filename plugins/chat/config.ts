import { z } from 'zod'

export const chatOptions = z.object({
  /** Active chat sessions one participant may hold per project; opening one more closes the oldest. @default 3 */
  maxActiveSessions: z.number().int().min(1).max(20).default(3),
  /** Largest request body a chat command may carry, in bytes. @default 512 */
  maxPayloadBytes: z.number().int().min(64).max(16_384).default(512),
  /** Lifetime of a guest pass to a project's chat, in seconds. @default 7200 */
  guestTtlSeconds: z.number().int().min(60).max(86_400).default(7200),
})
export type ChatOptions = z.output<typeof chatOptions>

/** Per-tenant overrides, hot-reloaded through the config plugin. */
export const chatSettings = z.object({
  /** Overrides the `maxActiveSessions` option for this tenant; null = the option applies. @default null */
  maxActiveSessions: z.number().int().min(1).max(20).nullable().default(null),
})
export type ChatSettings = z.output<typeof chatSettings>

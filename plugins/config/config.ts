import { z } from 'zod'

export const configOptions = z.object({
  /** How often each process compares its in-memory versions with the database, in ms. @default 30000 */
  reconcileIntervalMs: z.number().int().min(100).max(3_600_000).default(30_000),
  /**
   * Publish a version-only message after each change so every process reloads at once. Turn it
   * off only to exercise the reconcile loop: other processes then catch up on their next pass.
   * @default true
   */
  broadcast: z.boolean().default(true),
})
export type ConfigOptions = z.output<typeof configOptions>

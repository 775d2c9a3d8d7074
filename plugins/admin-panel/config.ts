import { fileURLToPath } from 'node:url'
import { z } from 'zod'

/** The admin workspace (react-admin + Vite) next to the engine. */
export const ADMIN_WORKSPACE = fileURLToPath(new URL('../../admin/', import.meta.url))

export const adminPanelOptions = z.object({
  /** Folder of the built panel. @default '<repo>/admin/dist' */
  dist: z.string().min(1).optional(),
  /**
   * Build the panel in the background when the build is missing or older than its sources, and
   * serve a "being built" page meanwhile. @default true in development (not under vitest), false in production and tests
   */
  autoBuild: z.boolean().optional(),
})
export type AdminPanelOptions = z.output<typeof adminPanelOptions>

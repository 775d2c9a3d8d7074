import { fileURLToPath } from 'node:url'
import { z } from 'zod'

export const THEMES = ['mono-luxe', 'fresh-market', 'tech-ocean'] as const
export type ThemeName = (typeof THEMES)[number]

export const THEMES_DIR = fileURLToPath(new URL('../../storefront-themes/', import.meta.url))

export const storefrontOptions = z.object({
  /** Folder holding one built Astro site per theme (`<theme>/dist`). @default storefront-themes/ */
  themesDir: z.string().optional(),
  /** Build missing themes in the background at start. @default true in development */
  autoBuild: z.boolean().optional(),
})
export type StorefrontOptions = z.output<typeof storefrontOptions>

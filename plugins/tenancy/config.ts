import { z } from 'zod'

export const THEMES = ['mono-luxe', 'fresh-market', 'tech-ocean'] as const

export const tenancyOptions = z.object({
  /** Emails of platform super-admins (may provision tenants and act on every tenant). */
  superAdmins: z.array(z.email()).default([]),
  /** How long a host → tenant (and id → tenant) look-up is cached in memory, in ms. 0 = no cache. @default 2000 */
  hostCacheMs: z.number().int().min(0).max(60_000).default(2000),
})
export type TenancyOptions = z.output<typeof tenancyOptions>

export const tenancySettings = z.object({
  /** Storefront theme for the tenant's domains. */
  theme: z.enum(THEMES).default('mono-luxe'),
})
export type TenancySettings = z.output<typeof tenancySettings>

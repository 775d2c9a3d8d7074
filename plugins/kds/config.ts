import { z } from 'zod'

export const KdsStation = z.object({
  /** Short id shown in the screen's station tabs, e.g. `grill`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be lowercase letters, digits and dashes'),
  name: z.string().trim().min(1).max(60),
  /** Catalog category slugs whose items this station makes. */
  categories: z.array(z.string().min(1).max(200)).default([]),
})
export type KdsStation = z.output<typeof KdsStation>

/** Per-tenant kitchen settings (owned and hot-reloaded by the config plugin). */
export const kdsSettings = z.object({
  /** Stations and the categories routed to each. Items of no listed category go to every station. @default [] */
  stations: z.array(KdsStation).max(20).default([]),
  ageing: z
    .object({
      /** Minutes after which a ticket turns amber. @default 5 */
      warnMinutes: z.number().min(0.1).max(240).default(5),
      /** Minutes after which a ticket turns red. @default 8 */
      lateMinutes: z.number().min(0.1).max(240).default(8),
    })
    .prefault({}),
})
export type KdsSettings = z.output<typeof kdsSettings>

export const kdsOptions = z.object({
  /** Settings every tenant starts from until it saves its own (deploy-wide defaults). */
  defaults: kdsSettings.prefault({}),
  /** Events kept per tenant for reconnecting screens; older gaps get a full snapshot. @default 5000 */
  retainEvents: z.number().int().min(100).max(1_000_000).default(5000),
})
export type KdsOptions = z.output<typeof kdsOptions>

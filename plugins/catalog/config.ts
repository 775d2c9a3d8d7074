import { z } from 'zod'

export const catalogOptions = z.object({
  /** Currency of new products when the request names none (ISO 4217). @default 'EUR' */
  defaultCurrency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code like EUR')
    .default('EUR'),
  /** Store API responses cached per process until a committed catalog event. 0 = off. @default 2000 entries */
  storeCacheEntries: z.number().int().min(0).max(100_000).default(2000),
})
export type CatalogOptions = z.output<typeof catalogOptions>

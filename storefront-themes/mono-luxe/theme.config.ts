import { z } from 'zod'

/** Theme options (no secrets): what a shop using this theme may vary without code. */
export const ThemeConfig = z.object({
  name: z.literal('mono-luxe'),
  title: z.string().min(1),
  tagline: z.string().max(120),
})
export type ThemeConfig = z.infer<typeof ThemeConfig>

export default ThemeConfig.parse({ name: 'mono-luxe', title: 'Mono Luxe', tagline: 'Fired to order. Collected when the kitchen says ready.' })

import { z } from 'zod'

/** Theme options (no secrets): what a shop using this theme may vary without code. */
export const ThemeConfig = z.object({
  name: z.literal('tech-ocean'),
  title: z.string().min(1),
  tagline: z.string().max(120),
})
export type ThemeConfig = z.infer<typeof ThemeConfig>

export default ThemeConfig.parse({ name: 'tech-ocean', title: 'Tech Ocean', tagline: 'Order ahead. We ping you when it is ready.' })

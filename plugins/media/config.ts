import { z } from 'zod'

export const mediaOptions = z.object({
  /** Local disk directory for the embedded default driver; defaults to `<data dir>/media`. */
  dir: z.string().optional(),
})
export type MediaOptions = z.output<typeof mediaOptions>

import { z } from 'zod'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/**
 * The Standard Webhooks spec's suggested schedule after the first attempt: 5 s, 5 min, 30 min,
 * 2 h, 5 h, 10 h, 10 h (eight attempts over about 27.6 hours).
 */
export const SPEC_RETRY_DELAYS_MS = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
]

export const webhooksOptions = z.object({
  /**
   * Allow endpoints on private, loopback and link-local addresses (tests, development). Never in
   * production: it lets a tenant admin make the engine call its own network. @default false
   */
  allowPrivateTargets: z.boolean().default(false),
  /** How long one attempt may take before it counts as failed, in ms. @default 10000 */
  timeoutMs: z.number().int().min(10).max(60_000).default(10_000),
  /** Waits between attempts, in ms; after the last one the delivery is given up. @default the spec's schedule */
  retryDelaysMs: z.array(z.number().int().min(0)).min(0).max(50).default(SPEC_RETRY_DELAYS_MS),
  /** An endpoint failing without a single success for this long is disabled, in ms. @default 5 days */
  disableAfterMs: z
    .number()
    .int()
    .min(0)
    .default(5 * 24 * HOUR),
  /** How often the worker looks for due deliveries (retries, other processes' events), in ms. @default 1000 */
  pollIntervalMs: z.number().int().min(10).max(60_000).default(1000),
  /** Most endpoints one process sends to at once. @default 16 */
  concurrency: z.number().int().min(1).max(256).default(16),
})
export type WebhooksOptions = z.output<typeof webhooksOptions>

import { z } from 'zod'

export const ordersOptions = z.object({
  /** Most lines one checkout may hold. @default 50 */
  maxLines: z.number().int().min(1).max(500).default(50),
  /** Most units of one product per line; anything above is refused as absurd. @default 99 */
  maxQuantity: z.number().int().min(1).max(100_000).default(99),
  /** Lifetime of the order-scoped token a guest gets at checkout, in seconds. @default 86400 */
  orderTokenTtlSeconds: z
    .number()
    .int()
    .min(60)
    .max(30 * 86400)
    .default(86_400),
})
export type OrdersOptions = z.output<typeof ordersOptions>

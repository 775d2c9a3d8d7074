import { z } from 'zod'
import { ORDER_STATUSES } from '../services/order-state.js'

const text = (max: number) => z.string().trim().min(1).max(max)

/** Builds the checkout schema for the deploy-time limits (lines, quantity per line). */
export function checkoutBody(limits: { maxLines: number; maxQuantity: number }) {
  return z
    .object({
      items: z
        .array(
          z
            .object({
              productId: z.uuid('must be a product id'),
              quantity: z
                .number()
                .int('must be a whole number')
                .min(1, 'must be at least 1')
                .max(limits.maxQuantity, `must be at most ${limits.maxQuantity}`),
            })
            .strict(),
        )
        .min(1, 'the cart is empty')
        .max(limits.maxLines, `at most ${limits.maxLines} lines`),
      currency: z
        .string()
        .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
        .optional(),
      customer: z
        .object({
          name: text(200).optional(),
          phone: z
            .string()
            .trim()
            .regex(/^\+?[0-9 ()-]{5,30}$/, 'must be a phone number')
            .optional(),
          pickupName: text(200).optional(),
        })
        .strict()
        .refine((c) => c.name || c.pickupName, {
          message: 'give a name or a pickup name',
          path: ['pickupName'],
        }),
      note: z.string().trim().max(500).optional(),
    })
    .strict()
}
export type CheckoutBody = z.infer<ReturnType<typeof checkoutBody>>

export const IdempotencyKey = z
  .string()
  .trim()
  .min(8, 'must be 8 to 200 characters')
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII')

const isoDate = z.iso.datetime({ offset: true }).or(z.iso.date())
const statusFilter = z.enum(ORDER_STATUSES)

export const ListOrdersFilter = z
  .object({
    id: z.union([z.uuid(), z.array(z.uuid())]).optional(),
    status: z.union([statusFilter, z.array(statusFilter)]).optional(),
    placedAt_gte: isoDate.optional(),
    placedAt_lte: isoDate.optional(),
    q: z.string().max(200).optional(),
  })
  .strict()
export type ListOrdersFilter = z.infer<typeof ListOrdersFilter>

export const OrderIdParam = z.object({ id: z.uuid('must be an order id') })

export const TransitionBody = z.union([
  z.object({ status: statusFilter, reason: z.string().trim().max(500).optional() }).strict(),
  z.object({ action: z.literal('recall') }).strict(),
])
export type TransitionBody = z.infer<typeof TransitionBody>

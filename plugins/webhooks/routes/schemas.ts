import { z } from 'zod'
import { WEBHOOK_EVENTS } from '../events.js'
import { DELIVERY_STATUSES } from '../services/rows.js'

const uuid = z.uuid('must be a uuid')
const events = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1, 'subscribe to at least one event')
  .max(WEBHOOK_EVENTS.length)
  .refine((list) => new Set(list).size === list.length, 'an event is listed twice')

export const CreateEndpointBody = z
  .object({
    url: z.string().trim().min(1, 'give the endpoint URL'),
    description: z.string().trim().max(500).default(''),
    events,
    enabled: z.boolean().default(true),
  })
  .strict()
export type CreateEndpointBody = z.infer<typeof CreateEndpointBody>

/** PUT: react-admin sends the whole record back (id, failingSince, createdAt…): those are ignored. */
export const UpdateEndpointBody = z
  .object({
    url: z.string().trim().min(1, 'give the endpoint URL').optional(),
    description: z.string().trim().max(500).optional(),
    events: events.optional(),
    enabled: z.boolean().optional(),
  })
  .strip()
export type UpdateEndpointBody = z.infer<typeof UpdateEndpointBody>

export const EndpointFilter = z
  .object({
    id: z.union([uuid, z.array(uuid)]).optional(),
    enabled: z.boolean().optional(),
    q: z.string().max(200).optional(),
  })
  .strict()
export type EndpointFilter = z.infer<typeof EndpointFilter>

const status = z.enum(DELIVERY_STATUSES)
export const DeliveryFilter = z
  .object({
    id: z.union([uuid, z.array(uuid)]).optional(),
    endpointId: uuid.optional(),
    status: z.union([status, z.array(status)]).optional(),
    eventName: z.string().max(200).optional(),
  })
  .strict()
export type DeliveryFilter = z.infer<typeof DeliveryFilter>

export const IdParam = z.object({ id: uuid })

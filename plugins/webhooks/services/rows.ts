// Database rows of the webhooks plugin and how the admin API shows them.

export interface EndpointRow {
  id: string
  tenant_id: string
  url: string
  description: string
  events: string[]
  enabled: boolean
  secret: string
  failing_since: Date | null
  disabled_at: Date | null
  disabled_reason: string | null
  created_at: Date
  updated_at: Date
}

export interface DeliveryRow {
  id: string
  tenant_id: string
  endpoint_id: string
  seq: string
  event_id: string
  event_name: string
  message_id: string
  payload: unknown
  status: DeliveryStatus
  attempts: number
  next_attempt_at: Date
  claimed_by: string | null
  claimed_until: Date | null
  last_attempt_at: Date | null
  response_status: number | null
  last_error: string | null
  delivered_at: Date | null
  replay_of: string | null
  created_at: Date
  updated_at: Date
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]

/** An endpoint as the admin sees it: never its secret (shown once, at create). */
export function toEndpoint(row: EndpointRow) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    enabled: row.enabled,
    failingSince: row.failing_since,
    disabledAt: row.disabled_at,
    disabledReason: row.disabled_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}
export type Endpoint = ReturnType<typeof toEndpoint>

export function toDelivery(row: DeliveryRow, opts: { withPayload?: boolean } = {}) {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    sequence: Number(row.seq),
    eventId: row.event_id,
    eventName: row.event_name,
    messageId: row.message_id,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    lastAttemptAt: row.last_attempt_at,
    responseStatus: row.response_status,
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
    replayOf: row.replay_of,
    createdAt: row.created_at,
    ...(opts.withPayload ? { payload: row.payload } : {}),
  }
}
export type Delivery = ReturnType<typeof toDelivery>

/** List sort fields → columns (also the SQL allow-list). */
export const ENDPOINT_SORT: Record<string, string> = {
  id: 'id',
  url: 'url',
  enabled: 'enabled',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
}
export const DELIVERY_SORT: Record<string, string> = {
  id: 'id',
  sequence: 'seq',
  status: 'status',
  eventName: 'event_name',
  attempts: 'attempts',
  createdAt: 'created_at',
  lastAttemptAt: 'last_attempt_at',
}

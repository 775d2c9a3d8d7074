// react-admin resources of the webhooks plugin (admin.entry in ../index.ts).
import type { AdminResource } from '@oo/admin/plugin-api'
import { webhookDeliveries } from './deliveries.tsx'
import { webhooks } from './webhooks.tsx'

const resources: AdminResource[] = [webhooks, webhookDeliveries]
export default resources

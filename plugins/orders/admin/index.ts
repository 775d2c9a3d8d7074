// react-admin resources of the orders plugin (admin.entry in ../index.ts).
import type { AdminResource } from '@oo/admin/plugin-api'
import { orders } from './orders.tsx'

const resources: AdminResource[] = [orders]
export default resources

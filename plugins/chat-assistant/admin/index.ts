// react-admin resources of the chat-assistant plugin (admin.entry in ../index.ts).
import type { AdminResource } from '@oo/admin/plugin-api'
import { documents } from './documents.tsx'

const resources: AdminResource[] = [documents]
export default resources

// react-admin resources of the config plugin (admin.entry in ../index.ts).
import type { AdminResource } from '@oo/admin/plugin-api'
import { settings } from './settings.tsx'

const resources: AdminResource[] = [settings]
export default resources

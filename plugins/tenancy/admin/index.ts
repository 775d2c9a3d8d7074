// react-admin resources of the tenancy plugin (admin.entry in ../index.ts), loaded by the admin
// panel through the `virtual:oo-admin` module. Permissions are the plugin's RBAC matrix.
import type { AdminResource } from '@oo/admin/plugin-api'
import { domains } from './domains.tsx'
import { members } from './members.tsx'
import { projects } from './projects.tsx'
import { tenants } from './tenants.tsx'

const resources: AdminResource[] = [tenants, projects, members, domains]
export default resources

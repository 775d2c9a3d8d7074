import type { AwilixContainer } from 'awilix'
import type { RequestCradle } from '../container/cradle.js'
import type { Principal, TenantRole } from '../auth/principal.js'
import type { Tenant } from '../container/cradle.js'

/** `ctx.state` on every request. Code reads services from `scope`; the rest is for logs and guards. */
export interface AppState {
  scope: AwilixContainer<RequestCradle>
  requestId: string
  principal?: Principal
  tenant?: Tenant
  /** The principal's role in `tenant` (super-admins act as `owner`). */
  role?: TenantRole
}

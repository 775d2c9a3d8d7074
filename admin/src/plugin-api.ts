// What a plugin's admin entry (`plugins/<name>/admin/index.ts`) exports and may use.
import type { ResourceProps } from 'react-admin'
import { usePermissions } from 'react-admin'

/** One react-admin resource, plus the permissions that show it in the menu and allow writes. */
export interface AdminResource extends ResourceProps {
  /** Permission (from the engine's RBAC matrix) needed to list it; absent → always shown. */
  permission?: string
  /** Permission needed to create, edit and delete; gates the create/edit views. */
  writePermission?: string
  /** Permission needed to create, when it differs from `writePermission` (e.g. `SUPER_ADMIN`). */
  createPermission?: string
}

/** Pseudo-permission held only by platform super-admins. */
export const SUPER_ADMIN = 'platform.super-admin'

export interface AdminPluginModule {
  plugin: string
  resources: AdminResource[]
}

/** What `authProvider.getPermissions()` returns. */
export interface PanelPermissions {
  role: string | null
  superAdmin: boolean
  permissions: string[]
}

export function can(perms: PanelPermissions | undefined, permission: string | undefined): boolean {
  if (!permission) return true
  if (!perms) return false
  if (perms.superAdmin) return true
  return permission !== SUPER_ADMIN && perms.permissions.includes(permission)
}

/** `useCan('tenancy.members.write')` → true when the caller holds the permission in this tenant. */
export function useCan(permission: string | undefined): boolean {
  const { permissions } = usePermissions<PanelPermissions>()
  return can(permissions, permission)
}

import type { Middleware } from 'koa'
import { OoError } from '../errors.js'
import type { AppState } from '../http/app-state.js'
import type { Principal, TenantRole } from './principal.js'

/** The one permission matrix: permission → roles holding it. Plugins extend it via `permissions`. */
export class PermissionMatrix {
  readonly #grants = new Map<string, Set<string>>()

  grant(permission: string, roles: readonly string[]): void {
    const set = this.#grants.get(permission) ?? new Set<string>()
    for (const role of roles) set.add(role)
    this.#grants.set(permission, set)
  }

  has(permission: string): boolean {
    return this.#grants.has(permission)
  }

  allows(role: string | undefined, permission: string): boolean {
    if (!this.#grants.has(permission)) {
      throw new OoError(
        'OO_PERMISSION_UNKNOWN',
        500,
        `Permission "${permission}" is not declared by any plugin`,
      )
    }
    return role !== undefined && (this.#grants.get(permission)?.has(role) ?? false)
  }

  /** For the admin panel and tests: every permission and who holds it. */
  entries(): [string, string[]][] {
    return [...this.#grants].map(([p, roles]) => [p, [...roles].sort()])
  }
}

/** The role a principal holds in the current tenant, or `public`/`guest` without a membership. */
export function effectiveRole(
  principal: Principal | undefined,
  role: TenantRole | undefined,
): string {
  if (role) return role
  if (!principal) return 'public'
  return principal.kind === 'user' ? 'public' : 'guest'
}

/** Route guard: 401 without a principal (unless the permission is public), 403 without the grant. */
export function requirePermission(permission: string): Middleware<AppState> {
  return async function requirePermissionGuard(ctx, next) {
    const matrix = ctx.state.scope.cradle.permissions
    // Super-admins hold every permission on every tenant (and outside any tenant).
    if (ctx.state.principal?.superAdmin && matrix.has(permission)) return next()
    const role = effectiveRole(ctx.state.principal, ctx.state.role)
    if (matrix.allows(role, permission)) return next()
    if (!ctx.state.principal) {
      throw new OoError('OO_UNAUTHENTICATED', 401, 'Sign in to use this route')
    }
    if (!ctx.state.tenant) {
      throw new OoError(
        'OO_TENANT_REQUIRED',
        404,
        'This route needs a tenant (shop domain or X-Tenant-ID)',
      )
    }
    throw new OoError(
      'OO_FORBIDDEN',
      403,
      `Your role (${role}) lacks the permission ${permission}`,
      {
        details: { permission, role },
      },
    )
  }
}

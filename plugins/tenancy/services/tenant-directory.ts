import {
  isUuid,
  OoError,
  TENANT_ROLES,
  type Database,
  type Principal,
  type Tenant,
  type TenantResolver,
  type TenantRole,
} from '@oo/core'
import type { TenancyOptions } from '../config.js'
import type { ReservedHosts } from './claimable-host.js'
import type { UserDirectory } from './user-directory.js'

/**
 * Answers "which tenant is this request for, and what may the caller do there?":
 * the Host first (verified domains only), else an X-Tenant-ID the caller belongs to, else the
 * caller's default tenant.
 */
export class TenantDirectory implements TenantResolver {
  readonly #database: Database
  readonly #users: UserDirectory
  readonly #options: TenancyOptions
  readonly #reserved: ReservedHosts
  readonly #hostCache = new Map<string, { tenant: Tenant | null; until: number }>()
  // Every event delivery resolves its tenant by id: found tenants are cached like hosts.
  readonly #idCache = new Map<string, { tenant: Tenant | null; until: number }>()
  // Bumped by every forgetHost: a look-up that started before it must not store its answer.
  #hostGeneration = 0

  constructor({
    database,
    userDirectory,
    tenancyOptions,
    reservedHosts,
  }: {
    database: Database
    userDirectory: UserDirectory
    tenancyOptions: TenancyOptions
    reservedHosts: ReservedHosts
  }) {
    this.#database = database
    this.#users = userDirectory
    this.#options = tenancyOptions
    this.#reserved = reservedHosts
  }

  /** The tenant whose *verified* domain `host` is; pending and unknown hosts are null. */
  async findByHost(host: string): Promise<Tenant | null> {
    const key = host.toLowerCase()
    const generation = this.#hostGeneration
    const current = () => generation === this.#hostGeneration
    return this.#cached(this.#hostCache, key, true, current, async () => {
      const { rows } = await this.#database.app.raw(
        'select id, slug, name from oo_tenant_by_host(?)',
        [key],
      )
      return (rows[0] as Tenant | undefined) ?? null
    })
  }

  /** Called on every process when a domain is added, verified, un-verified or removed. */
  forgetHost(host: string): void {
    this.#hostGeneration++
    this.#hostCache.delete(host.toLowerCase())
  }

  async isVerifiedHost(host: string): Promise<boolean> {
    return (await this.findByHost(host)) !== null
  }

  isPlatformHost(host: string): boolean {
    return this.#reserved.isPlatformHost(host)
  }

  /** True when `token` is the challenge of the one pending claim on `host` (never cached). */
  async answersChallenge(host: string, token: string): Promise<boolean> {
    const { rows } = await this.#database.app.raw(
      'select oo_domain_challenge_answers(?, ?) as answers',
      [host.toLowerCase(), token],
    )
    return (rows as { answers: boolean }[])[0]?.answers === true
  }

  async byId(id: string): Promise<Tenant | null> {
    if (!isUuid(id)) return null
    // A miss is not cached: a tenant being provisioned is usable the moment it commits.
    return this.#cached(
      this.#idCache,
      id,
      false,
      () => true,
      async () => {
        return (
          ((await this.#database
            .app('tenants')
            .where({ id, status: 'COMMITTED' })
            .first(['id', 'slug', 'name'])) as Tenant | undefined) ?? null
        )
      },
    )
  }

  /** Look-ups kept for `hostCacheMs` (0 = none); a full map is emptied rather than grown. */
  async #cached(
    cache: Map<string, { tenant: Tenant | null; until: number }>,
    key: string,
    keepMisses: boolean,
    stillCurrent: () => boolean,
    load: () => Promise<Tenant | null>,
  ): Promise<Tenant | null> {
    const hit = cache.get(key)
    if (hit && hit.until > Date.now()) return hit.tenant
    const tenant = await load()
    if ((tenant || keepMisses) && stillCurrent() && this.#options.hostCacheMs > 0) {
      if (cache.size > 10_000) cache.clear()
      cache.set(key, { tenant, until: Date.now() + this.#options.hostCacheMs })
    }
    return tenant
  }

  isSuperAdmin(principal: Principal | undefined): boolean {
    if (!principal || principal.kind !== 'user') return false
    // An email on the list makes a super-admin only once its owner proved it (email_verified).
    return (
      principal.superAdmin ||
      (principal.emailVerified === true &&
        !!principal.email &&
        this.#options.superAdmins.includes(principal.email.toLowerCase()))
    )
  }

  async resolve(input: {
    host: string
    tenantHeader?: string
    principal?: Principal
  }): Promise<{ tenant: Tenant; role?: TenantRole } | null> {
    const { principal, tenantHeader } = input
    const fromHost = input.host ? await this.findByHost(input.host) : null
    if (tenantHeader !== undefined) {
      if (fromHost && fromHost.id !== tenantHeader && fromHost.slug !== tenantHeader) {
        throw new OoError(
          'TENANCY_TENANT_MISMATCH',
          403,
          `X-Tenant-ID does not match the tenant of ${input.host}`,
          { field: 'X-Tenant-ID' },
        )
      }
      const tenant = fromHost ?? (isUuid(tenantHeader) ? await this.byId(tenantHeader) : null)
      const role = tenant ? await this.roleIn(tenant.id, principal) : undefined
      // Same answer whether the tenant exists or not: the header must not probe for tenants.
      if (!tenant || (!role && principal?.tenantId !== tenant.id)) {
        throw new OoError(
          'TENANCY_NOT_A_MEMBER',
          403,
          'You are not a member of the tenant named by X-Tenant-ID',
          { field: 'X-Tenant-ID' },
        )
      }
      return { tenant, role }
    }
    if (fromHost) {
      if (principal?.tenantId && principal.tenantId !== fromHost.id) {
        throw new OoError(
          'TENANCY_TOKEN_TENANT_MISMATCH',
          403,
          'This token belongs to another shop',
        )
      }
      return { tenant: fromHost, role: await this.roleIn(fromHost.id, principal) }
    }
    if (principal?.kind === 'user') {
      const [first] = await this.#users.memberships(principal.id)
      const tenant = first ? await this.byId(first.tenantId) : null
      if (tenant) return { tenant, role: await this.roleIn(tenant.id, principal) }
    }
    if (principal?.tenantId) {
      const tenant = await this.byId(principal.tenantId)
      if (tenant) return { tenant }
    }
    return null
  }

  /** The caller's role in a tenant: super-admins act as owner; IdP-claimed roles apply too. */
  async roleIn(
    tenantId: string,
    principal: Principal | undefined,
  ): Promise<TenantRole | undefined> {
    if (!principal || principal.kind !== 'user') return undefined
    if (this.isSuperAdmin(principal)) return 'owner'
    const claimed = principal.claimedRoles?.[tenantId]
    const membership = (await this.#users.memberships(principal.id)).find(
      (m) => m.tenantId === tenantId,
    )
    const role = membership?.role as TenantRole | undefined
    if (claimed && role)
      return TENANT_ROLES.indexOf(claimed) < TENANT_ROLES.indexOf(role) ? claimed : role
    return role ?? claimed
  }
}

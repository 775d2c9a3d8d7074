import { TENANT_ROLES, type Database, type Principal, type TenantRole } from '@oo/core'
import { decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose'
import type { IssuerOptions, OidcOptions } from '../config.js'
import type { Denylist } from './denylist.js'
import type { IssuerRegistry } from './issuer-registry.js'
import { assertIssuedInPast, rejected, tokenError } from './token-errors.js'

interface StoredUser {
  id: string
  email: string | null
  name: string | null
}

interface UserDirectoryLike {
  signIn(identity: {
    issuer: string
    subject: string
    email?: string
    name?: string
    emailVerified?: boolean
  }): Promise<StoredUser>
}

const CACHE_MS = 60_000

/**
 * Bearer tokens from the configured issuers (and the built-in one): signature against the
 * issuer's JWKS, algorithm allow-list, iss/aud/exp/nbf with the configured skew; the identity
 * then maps just in time to a platform user, and role/group claims to tenant roles.
 */
export class UserTokens {
  readonly #issuers: IssuerRegistry
  readonly #users: UserDirectoryLike
  readonly #database: Database
  readonly #options: OidcOptions
  readonly #denylist: Denylist
  readonly #identities = new Map<string, { user: StoredUser; until: number }>()
  readonly #slugs = new Map<string, { id: string | null; until: number }>()

  constructor({
    oidcIssuers,
    userDirectory,
    database,
    oidcOptions,
    oidcDenylist,
  }: {
    oidcIssuers: IssuerRegistry
    userDirectory: UserDirectoryLike
    database: Database
    oidcOptions: OidcOptions
    oidcDenylist: Denylist
  }) {
    this.#issuers = oidcIssuers
    this.#users = userDirectory
    this.#database = database
    this.#options = oidcOptions
    this.#denylist = oidcDenylist
  }

  /** A principal for a token of ours; null for a token of some other kind (left to other authenticators). */
  async verify(token: string, iss: string | null, aud: unknown): Promise<Principal | null> {
    const entry = iss ? this.#issuers.get(iss) : undefined
    if (!entry) {
      if (this.#issuers.isOurAudience(aud))
        throw rejected(
          'OIDC_TOKEN_WRONG_ISSUER',
          `Tokens from ${iss ?? 'an unnamed issuer'} are not accepted`,
        )
      return null
    }
    let alg: string | undefined
    try {
      alg = decodeProtectedHeader(token).alg
    } catch (err) {
      throw tokenError(err)
    }
    // Before any key is looked up: `none` and HS256 (keyed with a public key) die here.
    if (!alg || !entry.options.algorithms.includes(alg as never))
      throw rejected(
        'OIDC_TOKEN_ALG_NOT_ALLOWED',
        `Algorithm ${alg ?? 'none'} is not accepted from ${entry.options.issuer}`,
      )
    const { jwks } = await entry.connect()
    let payload: JWTPayload
    try {
      ;({ payload } = await jwtVerify(token, jwks, {
        issuer: entry.options.issuer,
        audience: entry.options.audience,
        algorithms: entry.options.algorithms,
        clockTolerance: this.#options.clockSkewSeconds,
        requiredClaims: ['sub', 'exp'],
      }))
    } catch (err) {
      throw tokenError(err)
    }
    assertIssuedInPast(payload, this.#options.clockSkewSeconds)
    const endedAt = await this.#denylist.identityEndedAt(entry.options.issuer, payload.sub!)
    // Issued before its owner signed out everywhere (or reset the password): no longer trusted.
    if (endedAt !== null && (payload.iat ?? 0) <= Math.floor(endedAt / 1000))
      throw rejected('OIDC_TOKEN_REVOKED', 'This token was issued before its sessions ended')
    return this.principalFromClaims(entry.options, payload)
  }

  /** Claims (access token or id_token) → principal, mapping the identity to a platform user. */
  async principalFromClaims(issuer: IssuerOptions, claims: JWTPayload): Promise<Principal> {
    if (typeof claims.sub !== 'string' || !claims.sub)
      throw rejected('OIDC_TOKEN_MALFORMED', 'The token has no subject')
    const emailVerified = issuer.trustEmailVerified && claims.email_verified === true
    const claimedEmail = stringClaim(claims, issuer.claims.email)?.toLowerCase()
    // The user directory holds only verified emails: members and invitations are matched by
    // email, so an address nobody proved must never reach it.
    const user = await this.#user({
      issuer: issuer.issuer,
      subject: claims.sub,
      email: emailVerified ? claimedEmail : undefined,
      name: stringClaim(claims, issuer.claims.name),
      emailVerified,
    })
    const email = user.email ?? claimedEmail
    const name = user.name ?? undefined
    const values = listClaim(claims, issuer.claims.roles)
    const claimedRoles: Record<string, TenantRole> = {}
    for (const value of values) {
      const grant = issuer.roleMap[value]
      if (!grant) continue
      const tenantId = await this.#tenantId(grant.tenant)
      const held = tenantId ? claimedRoles[tenantId] : undefined
      // Several groups for one tenant: the strongest role wins (TENANT_ROLES is strongest first).
      if (tenantId && (!held || TENANT_ROLES.indexOf(grant.role) < TENANT_ROLES.indexOf(held)))
        claimedRoles[tenantId] = grant.role
    }
    return {
      kind: 'user',
      id: user.id,
      issuer: issuer.issuer,
      subject: claims.sub,
      email,
      emailVerified: user.email !== null && user.email === email,
      name,
      superAdmin: values.some((v) => issuer.superAdminValues.includes(v)),
      claimedRoles: Object.keys(claimedRoles).length ? claimedRoles : undefined,
      tokenId: typeof claims.jti === 'string' ? claims.jti : undefined,
    }
  }

  async #user(identity: {
    issuer: string
    subject: string
    email?: string
    name?: string
    emailVerified: boolean
  }): Promise<StoredUser> {
    const key = JSON.stringify(identity)
    const cached = this.#identities.get(key)
    if (cached && cached.until > Date.now()) return cached.user
    // An access token without profile claims must not blank the profile a sign-in stored.
    const known = identity.email
      ? undefined
      : ((await this.#database
          .app('users')
          .where({ issuer: identity.issuer, subject: identity.subject })
          .first('id', 'email', 'name')) as StoredUser | undefined)
    const user = known ?? (await this.#users.signIn(identity))
    if (this.#identities.size > 10_000) this.#identities.clear()
    this.#identities.set(key, { user, until: Date.now() + CACHE_MS })
    return user
  }

  async #tenantId(slugOrId: string): Promise<string | null> {
    const cached = this.#slugs.get(slugOrId)
    if (cached && cached.until > Date.now()) return cached.id
    const row = (await this.#database
      .app('tenants')
      .where({ status: 'COMMITTED' })
      .andWhere((q) => {
        q.where({ slug: slugOrId })
        if (/^[0-9a-f-]{36}$/i.test(slugOrId)) q.orWhere({ id: slugOrId })
      })
      .first('id')) as { id: string } | undefined
    this.#slugs.set(slugOrId, { id: row?.id ?? null, until: Date.now() + CACHE_MS })
    return row?.id ?? null
  }
}

function stringClaim(claims: JWTPayload, name: string): string | undefined {
  const value = claims[name]
  return typeof value === 'string' && value ? value : undefined
}

function listClaim(claims: JWTPayload, name: string): string[] {
  const value = claims[name]
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean)
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

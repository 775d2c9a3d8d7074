import type { Context } from 'koa'
import { OoError } from '../errors.js'

export const TENANT_ROLES = ['owner', 'admin', 'manager', 'staff', 'kitchen', 'readonly'] as const
export type TenantRole = (typeof TENANT_ROLES)[number]

/** Who is calling. Made by an authenticator; never from client-supplied data without verification. */
export interface Principal {
  kind: 'user' | 'guest' | 'order'
  /** Platform user id (users.id) for `user`; `guest-NNNN` for guests; the order id for order tokens. */
  id: string
  issuer: string
  subject: string
  email?: string
  /**
   * The issuer vouches for `email`: a trusted `email_verified: true` claim, or a verified local
   * account. Only a verified email may carry privilege (super-admin lists, invitations, members).
   */
  emailVerified?: boolean
  name?: string
  /** Platform super-admin: may act on every tenant. */
  superAdmin: boolean
  /** Tenant the token is bound to (guest and order tokens), if any. */
  tenantId?: string
  /** Roles granted by the identity provider's claims, per tenant id, applied on top of membership. */
  claimedRoles?: Record<string, TenantRole>
  /** Token id, for revocation. */
  tokenId?: string
}

/** Credentials taken from a request or a socket handshake. */
export interface Credentials {
  bearer?: string
  cookies?: { get(name: string): string | undefined }
  /** Set for cookie-authenticated unsafe methods, so authenticators can demand a CSRF token. */
  csrfHeader?: string
  method?: string
}

/**
 * An authenticator returns a principal, `null` when the credentials are not its kind,
 * and throws OoError 401 when they are its kind but invalid.
 */
export type Authenticator = (credentials: Credentials) => Promise<Principal | null>

/** Authenticators registered by plugins (e.g. oidc), tried in registration order. */
export class AuthRegistry {
  readonly #authenticators: { name: string; authenticate: Authenticator }[] = []

  add(name: string, authenticate: Authenticator): void {
    this.#authenticators.push({ name, authenticate })
  }

  async authenticate(credentials: Credentials): Promise<Principal | null> {
    for (const { authenticate } of this.#authenticators) {
      const principal = await authenticate(credentials)
      if (principal) return principal
    }
    if (credentials.bearer) {
      throw new OoError('OO_TOKEN_INVALID', 401, 'The bearer token was not accepted by any issuer')
    }
    return null
  }
}

export function credentialsFromRequest(ctx: Context): Credentials {
  const header = ctx.get('authorization')
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  return {
    bearer: match?.[1],
    cookies: ctx.cookies,
    csrfHeader: ctx.get('x-csrf-token') || undefined,
    method: ctx.method,
  }
}

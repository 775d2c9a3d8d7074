import type { Authenticator, Principal } from '@oo/core'
import { decodeJwt, type JWTPayload } from 'jose'
import { ENGINE_ISSUER, type GuestTokens } from './guest-tokens.js'
import type { UserTokens } from './user-tokens.js'

/** Unverified claims, only to pick the verifier; null when the bearer is not a JWT. */
export function peekClaims(token: string): JWTPayload | null {
  try {
    return decodeJwt(token)
  } catch {
    return null
  }
}

/**
 * Bearer tokens: the engine's own guest/order tokens (HS256) and user tokens from our issuers.
 * A JWT from an issuer we do not know, not addressed to us, is left to other authenticators.
 */
export function bearerAuthenticator(
  guestTokens: GuestTokens,
  userTokens: UserTokens,
): Authenticator {
  return async function oidcBearer({ bearer }): Promise<Principal | null> {
    if (!bearer) return null
    const claims = peekClaims(bearer)
    if (!claims) return null
    const iss = typeof claims.iss === 'string' ? claims.iss : null
    if (iss === ENGINE_ISSUER) return guestTokens.verify(bearer)
    return userTokens.verify(bearer, iss, claims.aud)
  }
}

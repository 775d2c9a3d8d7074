import type { Authenticator, Principal } from '@oo/core'
import { decodeJwt } from 'jose'
import { ENGINE_ISSUER, type GuestTokens } from './guest-tokens.js'

/** The unverified `iss`, only to pick the verifier; null when the bearer is not a JWT. */
export function peekIssuer(token: string): string | null {
  try {
    const iss = decodeJwt(token).iss
    return typeof iss === 'string' ? iss : null
  } catch {
    return null
  }
}

/** Guest and order tokens signed by this engine. Other bearers are left to other authenticators. */
export function guestAuthenticator(guestTokens: GuestTokens): Authenticator {
  return async function guestToken({ bearer }): Promise<Principal | null> {
    if (!bearer || peekIssuer(bearer) !== ENGINE_ISSUER) return null
    return guestTokens.verify(bearer)
  }
}

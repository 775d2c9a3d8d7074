import { OoError } from '@oo/core'

/** Maps jose's verification errors to 401s with codes a client (and a test) can tell apart. */
export function tokenError(err: unknown): OoError {
  const code = (err as { code?: string }).code
  const claim = (err as { claim?: string }).claim
  const message = (err as Error).message
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return rejected('OIDC_TOKEN_EXPIRED', 'The token has expired', err)
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'nbf' || claim === 'iat')
        return rejected('OIDC_TOKEN_NOT_YET_VALID', 'The token is not valid yet', err)
      if (claim === 'aud')
        return rejected('OIDC_TOKEN_WRONG_AUDIENCE', 'The token is for another audience', err)
      if (claim === 'iss')
        return rejected('OIDC_TOKEN_WRONG_ISSUER', 'The token is from another issuer', err)
      return rejected('OIDC_TOKEN_CLAIM_INVALID', `Token claim rejected: ${message}`, err)
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return rejected(
        'OIDC_TOKEN_ALG_NOT_ALLOWED',
        'The token’s signing algorithm is not accepted',
        err,
      )
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return rejected(
        'OIDC_TOKEN_BAD_SIGNATURE',
        'The token’s signature does not match its content',
        err,
      )
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return rejected(
        'OIDC_TOKEN_UNKNOWN_KID',
        'The token was signed with a key the issuer does not publish',
        err,
      )
    default:
      return rejected('OIDC_TOKEN_MALFORMED', 'The token could not be verified', err)
  }
}

export function rejected(code: string, message: string, cause?: unknown): OoError {
  return new OoError(code, 401, message, { cause })
}

/**
 * jose checks `iat` only against a maximum age: a token "issued" in the future (a skewed or
 * compromised signer minting long-lived tokens ahead of time) is refused here, like `nbf`.
 */
export function assertIssuedInPast(payload: { iat?: unknown }, skewSeconds: number): void {
  if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + skewSeconds)
    throw rejected('OIDC_TOKEN_NOT_YET_VALID', 'The token was issued in the future')
}

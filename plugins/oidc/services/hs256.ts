import { createHmac, type KeyObject } from 'node:crypto'

/**
 * A compact HS256 JWS (RFC 7515), signed with node:crypto's synchronous HMAC. jose signs through
 * WebCrypto, which runs every HMAC as a thread-pool job: at checkout rates that hop (two thread
 * switches and a promise per token) cost more than the hash. Tokens are checked with jose.
 */
export function signHs256(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  key: KeyObject,
): string {
  const signingInput = `${base64url(JSON.stringify({ alg: 'HS256', ...header }))}.${base64url(JSON.stringify(claims))}`
  const signature = createHmac('sha256', key).update(signingInput).digest('base64url')
  return `${signingInput}.${signature}`
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url')
}

import { randomBytes } from 'node:crypto'
import { deriveKey, OoError, SecretSealer, type ResolvedConfig } from '@oo/core'

/** A signing secret as the Standard Webhooks spec writes it: `whsec_` + base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`
}

/** `msg_` + a random id: the `webhook-id` of a new message. */
export function newMessageId(): string {
  return `msg_${randomBytes(16).toString('base64url')}`
}

/**
 * Signing secrets are stored sealed with a key derived from OO_SECRET_KEY and bound to their
 * tenant: SQL running as `oo_app` reads only ciphertext, and a value copied to another tenant's
 * row does not open.
 */
export class SigningSecrets {
  readonly #sealer: SecretSealer

  constructor({ config }: { config: ResolvedConfig }) {
    this.#sealer = new SecretSealer(deriveKey(config.secretKey(), 'webhook_secrets'))
  }

  seal(secret: string, tenantId: string): string {
    return this.#sealer.seal(secret, tenantId)
  }

  open(stored: string, tenantId: string): string {
    const secret = this.#sealer.open(stored, tenantId)
    if (secret === null)
      throw new OoError(
        'WEBHOOKS_SECRET_UNREADABLE',
        500,
        'webhooks: a signing secret does not open with this OO_SECRET_KEY',
      )
    return secret
  }
}

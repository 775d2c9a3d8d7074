import { randomBytes } from 'node:crypto'

/** A signing secret as the Standard Webhooks spec writes it: `whsec_` + base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`
}

/** `msg_` + a random id: the `webhook-id` of a new message. */
export function newMessageId(): string {
  return `msg_${randomBytes(16).toString('base64url')}`
}

import { OoError, type TenantDb } from '@oo/core'
import type { ChatOptions } from '../config.js'
import type { ChatService } from './chat-service.js'

/** What the oidc plugin's `guestTokens` offers; structural, so chat does not import oidc. */
export interface GuestTokenIssuer {
  issue(request: {
    tenantId: string
    kind: 'guest'
    ttlSeconds?: number
  }): Promise<{ token: string; id: string; expiresAt: Date }>
}

/** A member lets a guest (`guest-NNNN`, no personal data) into one project's chat. */
export class GuestPasses {
  readonly #db: TenantDb
  readonly #chat: ChatService
  readonly #options: ChatOptions

  constructor({
    db,
    chatService,
    chatOptions,
  }: {
    db: TenantDb
    chatService: ChatService
    chatOptions: ChatOptions
  }) {
    this.#db = db
    this.#chat = chatService
    this.#options = chatOptions
  }

  async invite(
    projectId: string,
    issuer: GuestTokenIssuer | undefined,
  ): Promise<{ token: string; guestId: string; expiresAt: string }> {
    if (!issuer)
      throw new OoError(
        'CHAT_GUESTS_UNAVAILABLE',
        501,
        'Guest passes need the oidc plugin (guestTokens)',
      )
    const inviter = await this.#chat.assertMember(projectId)
    // Signing does not touch the database, so it is safe inside the transaction.
    return this.#db.tx(async (trx) => {
      const issued = await issuer.issue({
        tenantId: this.#db.tenantId,
        kind: 'guest',
        ttlSeconds: this.#options.guestTtlSeconds,
      })
      await trx('chat_guests').insert({
        tenant_id: this.#db.tenantId,
        project_id: projectId,
        guest_id: issued.id,
        invited_by: inviter,
        expires_at: issued.expiresAt,
      })
      await this.#chat.count(trx, projectId, 'guest:invited')
      return { token: issued.token, guestId: issued.id, expiresAt: issued.expiresAt.toISOString() }
    })
  }
}

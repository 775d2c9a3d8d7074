import { disconnectRoom, principalRoom, tokenRoom, type Cradle, type Principal } from '@oo/core'

/**
 * Ends sockets whose access was granted at handshake time and has since been taken back. With
 * the Redis adapter this reaches every process.
 */
export class OpenSockets {
  // The socket server is attached after plugins register: looked up when first needed.
  readonly #io: () => Cradle['io']

  constructor(io: () => Cradle['io']) {
    this.#io = io
  }

  /** Every socket of this caller, or only those on one tenant. */
  ofPrincipal(principal: Pick<Principal, 'kind' | 'id'>, tenantId?: string): void {
    disconnectRoom(this.#io(), principalRoom(principal, tenantId))
  }

  /** Every socket that authenticated with this token. */
  ofToken(tokenId: string): void {
    disconnectRoom(this.#io(), tokenRoom(tokenId))
  }
}

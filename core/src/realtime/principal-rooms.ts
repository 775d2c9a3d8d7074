import type { Server } from 'socket.io'
import type { Principal } from '../auth/principal.js'

/**
 * The room of one caller's sockets: everywhere (`principalRoom(p)`), or on one tenant only
 * (`principalRoom(p, tenantId)`). Core joins every authenticated socket to both.
 */
export function principalRoom(
  principal: Pick<Principal, 'kind' | 'id'>,
  tenantId?: string,
): string {
  const room = `principal:${principal.kind}:${principal.id}`
  return tenantId ? `tenant:${tenantId}:${room}` : room
}

/** The room of the sockets that authenticated with one token (its `jti`). */
export function tokenRoom(tokenId: string): string {
  return `token:${tokenId}`
}

/**
 * Disconnects the sockets in `room` on every namespace and, with the Redis adapter, on every
 * process: the way to end access that was granted at handshake time (revocation, removal).
 */
export function disconnectRoom(io: Server, room: string): void {
  for (const nsp of io._nsps.values()) nsp.in(room).disconnectSockets(true)
}

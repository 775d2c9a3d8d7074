import type { EventHandler } from '@oo/core'

/** Server-to-server message (socket.io over the Redis adapter): drop a host from the cache. */
export const FORGET_HOST = 'tenancy:forget-host'

/**
 * Runs once in the cluster, right after the commit, on the writing process: tells every other
 * process to forget the host, so a removed or un-verified domain stops serving everywhere at
 * once (and a newly verified one starts, instead of its cached miss lingering).
 */
export const onDomainChanged: EventHandler<'tenancy.domain.changed'> = async ({ event, scope }) => {
  const { tenantDirectory, io, redis } = scope.cradle
  tenantDirectory.forgetHost(event.payload.host)
  if (redis) io.of('/').serverSideEmit(FORGET_HOST, event.payload.host)
}

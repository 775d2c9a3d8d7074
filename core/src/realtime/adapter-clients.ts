import type { Redis } from './redis.js'

// The calls @socket.io/redis-adapter 8.3 makes without awaiting or catching them: publish in
// broadcast/serverSideEmit/disconnectSockets/…, (un)subscribe when a namespace opens or closes.
const FIRE_AND_FORGET = new Set([
  'publish',
  'subscribe',
  'pSubscribe',
  'unsubscribe',
  'pUnsubscribe',
])

/**
 * The client as the adapter sees it: the same connection, but the promises of its
 * fire-and-forget calls always have a handler. Without one, a publish that fails because Redis
 * went away is an unhandled rejection, which Node answers by exiting. `onDropped` hears each
 * failure (the fan-out to other processes is lost; this process's own sockets got the message).
 * Every other member is the client's own, bound to it (node-redis keeps its state in private
 * fields, which a Proxy receiver cannot reach).
 */
export function withHandledFanOut(
  client: Redis,
  onDropped: (err: unknown, command: string) => void,
): Redis {
  return new Proxy(client, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target)
      if (typeof value !== 'function') return value
      if (typeof prop !== 'string' || !FIRE_AND_FORGET.has(prop)) return value.bind(target)
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args)
        if (result instanceof Promise) result.catch((err: unknown) => onDropped(err, prop))
        return result
      }
    },
  })
}

import { BlockList, isIP } from 'node:net'
import type Koa from 'koa'
import type { Middleware } from 'koa'
import type { ResolvedConfig } from '../boot-config.js'
import type { AppState } from './app-state.js'

/**
 * Where `ctx.ip` comes from. Without `trustProxy`: the TCP peer. With it, X-Forwarded-For is read
 * from the right, because each proxy appends the address it saw and only the client writes the
 * left end: with `trustedProxies` (CIDRs) the right-most address outside them is the client's;
 * otherwise the `proxyHops`-th address from the right (Koa's `maxIpsCount`).
 */
export function configureClientAddress(
  app: Koa<AppState>,
  http: ResolvedConfig['http'],
): Middleware<AppState> | undefined {
  app.proxy = http.trustProxy
  app.maxIpsCount = http.trustProxy ? http.proxyHops : 0
  if (!http.trustProxy || http.trustedProxies.length === 0) return undefined
  const trusted = trustedList(http.trustedProxies)
  return async function clientAddress(ctx, next) {
    const peer = unmapped(ctx.req.socket.remoteAddress ?? '')
    ctx.request.ip = rightMostUntrusted(peer, ctx.get('x-forwarded-for'), trusted)
    await next()
  }
}

export function rightMostUntrusted(peer: string, forwardedFor: string, trusted: BlockList): string {
  if (!isTrusted(trusted, peer)) return peer // not from a proxy of ours: its header means nothing
  const chain = forwardedFor
    .split(',')
    .map((s) => unmapped(s.trim()))
    .filter(Boolean)
  for (let i = chain.length - 1; i >= 0; i--) {
    const address = chain[i]!
    if (!isIP(address)) return peer // a forged or garbled entry: stop at the last proxy we trust
    if (!isTrusted(trusted, address)) return address
  }
  return chain[0] ?? peer
}

export function trustedList(cidrs: readonly string[]): BlockList {
  const list = new BlockList()
  for (const cidr of cidrs) {
    const [address = '', bits] = cidr.split('/')
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4'
    if (!isIP(address)) throw new Error(`TRUST_PROXY_CIDRS: ${cidr} is not an address or CIDR`)
    if (bits === undefined) list.addAddress(address, family)
    else list.addSubnet(address, Number(bits), family)
  }
  return list
}

function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address)
  return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4')
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is `10.0.0.1`. */
function unmapped(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address
}

import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { BlockList, isIP } from 'node:net'
import { OoError } from '@oo/core'

// Everything an endpoint must not reach from the engine's network: this host, private and
// shared (CGNAT) networks, link-local (cloud metadata at 169.254.169.254), multicast, reserved
// and documentation ranges.
const BLOCKED = new BlockList()
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  BLOCKED.addSubnet(net, bits, 'ipv4')
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  BLOCKED.addSubnet(net, bits, 'ipv6')

/** The eight 16-bit groups of an IPv6 address (a trailing dotted quad included). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, '')
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number]
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined]
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const fill = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0')
  return [...left, ...fill, ...right].map((g) => parseInt(g, 16))
}

const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`

/** The IPv4 address an IPv6 one carries (mapped, compatible, NAT64, 6to4), if any. */
function embeddedIpv4(address: string): string | null {
  const g = ipv6Groups(address)
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0)
  if (zeros(5) && g[5] === 0xffff) return v4(g[6]!, g[7]!)
  if (zeros(6) && (g[6] !== 0 || g[7]! > 1)) return v4(g[6]!, g[7]!)
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0))
    return v4(g[6]!, g[7]!)
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!)
  return null
}

/** True for an address the engine must not call: loopback, private, link-local, and the like. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 4) return BLOCKED.check(address, 'ipv4')
  if (family !== 6) return true // not an address at all: refuse rather than guess
  const inner = embeddedIpv4(address)
  if (inner !== null && BLOCKED.check(inner, 'ipv4')) return true
  return BLOCKED.check(address.replace(/%.*$/, ''), 'ipv6')
}

const invalid = (message: string) =>
  new OoError('WEBHOOKS_URL_INVALID', 400, message, { field: 'url' })

/** An endpoint URL: absolute http(s), a host, no credentials, no fragment. */
export function parseTargetUrl(raw: string): URL {
  if (raw.length > 2000) throw invalid('url must be at most 2000 characters')
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw invalid('url must be an absolute URL such as https://erp.example.com/hooks')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw invalid('url must use http or https')
  if (!url.hostname) throw invalid('url must name a host')
  if (url.username || url.password)
    throw invalid('url must not carry credentials (the signature authenticates the engine)')
  if (url.hash) throw invalid('url must not have a #fragment')
  return url
}

/** The host as `net` sees it: IPv6 literals without their brackets. */
export const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1')

const refused = (url: URL, address: string) =>
  new OoError(
    'WEBHOOKS_TARGET_PRIVATE',
    422,
    `${hostOf(url)} resolves to ${address}, a private, loopback or link-local address`,
    { field: 'url' },
  )

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) =>
      err ? reject(err) : resolve(addresses),
    ),
  )
}

/**
 * Subscribe-time check: refuses a URL whose host is, or resolves to, a private address. The send
 * path checks again after its own resolution (`guardedLookup`): DNS may answer differently later.
 */
export async function assertPublicTarget(url: URL): Promise<void> {
  const host = hostOf(url)
  if (isIP(host)) {
    if (isPrivateAddress(host)) throw refused(url, host)
    return
  }
  let addresses: LookupAddress[]
  try {
    addresses = await resolveAll(host)
  } catch (err) {
    throw new OoError('WEBHOOKS_TARGET_UNRESOLVABLE', 422, `${host} does not resolve`, {
      field: 'url',
      cause: err,
    })
  }
  const bad = addresses.find((a) => isPrivateAddress(a.address))
  if (bad) throw refused(url, bad.address)
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void

/**
 * A `lookup` for http.request that connects only to public addresses: the check happens on the
 * very addresses the socket will use, so a DNS answer that changed since subscribe (rebinding)
 * cannot slip through.
 */
export function guardedLookup(
  hostname: string,
  options: { all?: boolean; family?: number | string },
  callback: LookupCallback,
): void {
  dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
    if (err) return callback(err, [])
    const bad = addresses.find((a) => isPrivateAddress(a.address))
    if (bad) {
      const refusal = Object.assign(
        new Error(`${hostname} resolves to ${bad.address}, a private address`),
        { code: 'WEBHOOKS_TARGET_PRIVATE' },
      )
      return callback(refusal, [])
    }
    if (options.all) return callback(null, addresses)
    const first = addresses[0]
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`)), [])
    callback(null, first.address, first.family)
  })
}

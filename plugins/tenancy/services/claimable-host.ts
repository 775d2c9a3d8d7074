import { isIP } from 'node:net'
import { hostname } from 'node:os'
import { domainToASCII } from 'node:url'
import { OoError } from '@oo/core'
import type { TenancyOptions } from '../config.js'

const DNS_NAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/

/** Who is claiming: the operator (CLI, seed, super-admin provisioning) or a tenant admin. */
export type Claimant = 'operator' | 'tenant'

/**
 * Host names no tenant may own: the engine's own addresses (`localhost`, every IP literal, its
 * listen host and machine name), the platform host and its subdomains (for tenants: with wildcard
 * DNS on the platform, a subdomain would pass the HTTP challenge by reaching the engine itself),
 * and configured extras.
 */
export class ReservedHosts {
  readonly #exact: Set<string>
  readonly #platform: string | undefined

  constructor({
    tenancyOptions,
    config,
  }: {
    tenancyOptions: Pick<TenancyOptions, 'platformUrl' | 'reservedHosts'>
    config: { http: { host: string } }
  }) {
    const { platformUrl, reservedHosts } = tenancyOptions
    this.#platform = platformUrl ? new URL(platformUrl).hostname.toLowerCase() : undefined
    this.#exact = new Set(
      ['localhost', config.http.host, hostname(), ...reservedHosts, this.#platform ?? '']
        .map((h) => h.toLowerCase().replace(/\.$/, ''))
        .filter(Boolean),
    )
  }

  /** True for the platform's own host (where the engine serves no tenant). */
  isPlatformHost(host: string): boolean {
    return host.toLowerCase() === this.#platform
  }

  /**
   * The canonical form of `raw` (lower case, punycode, no trailing dot) if it may be claimed;
   * else 409 `TENANCY_DOMAIN_RESERVED` or 400 `TENANCY_DOMAIN_INVALID`, both on `field`.
   */
  claimable(raw: string, by: Claimant, field = 'host'): string {
    const trimmed = raw.trim()
    const unbracketed = trimmed.replace(/^\[(.*)\]$/, '$1')
    if (isIP(unbracketed)) throw reserved(trimmed, 'an IP address', field)
    // The WHATWG host parser reads `0x7f.1` or `2130706433` as 127.0.0.1: so does every browser.
    const ascii = domainToASCII(trimmed).replace(/\.$/, '')
    if (ascii && isIP(ascii)) throw reserved(trimmed, 'an IP address', field)
    if (!ascii || !DNS_NAME.test(ascii) || /^\d+$/.test(ascii.split('.').at(-1)!))
      throw new OoError('TENANCY_DOMAIN_INVALID', 400, `${trimmed} is not a valid DNS name`, {
        field,
      })
    if (this.#exact.has(ascii)) throw reserved(ascii, 'an address of the platform', field)
    if (by === 'tenant' && this.#platform && ascii.endsWith(`.${this.#platform}`))
      throw reserved(ascii, 'under the platform host', field)
    return ascii
  }
}

function reserved(host: string, why: string, field: string): OoError {
  return new OoError('TENANCY_DOMAIN_RESERVED', 409, `${host} is ${why} and cannot be claimed`, {
    field,
  })
}

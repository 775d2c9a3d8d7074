import { Resolver } from 'node:dns/promises'
import type { TenancyOptions } from '../config.js'
import type { ChallengeOutcome } from './domain-challenge.js'

export const TXT_PREFIX = '_oo-domain-challenge.'

/**
 * The DNS way to prove a host: a TXT record `_oo-domain-challenge.<host>` whose text is the
 * token. For hosts whose web server the tenant cannot change (or that serve no HTTP at all).
 */
export class DnsChallenge {
  readonly #options: TenancyOptions['domainChallenge']

  constructor({ tenancyOptions }: { tenancyOptions: TenancyOptions }) {
    this.#options = tenancyOptions.domainChallenge
  }

  record(host: string): string {
    return `${TXT_PREFIX}${host}`
  }

  async check(host: string, token: string): Promise<ChallengeOutcome> {
    const resolver = new Resolver({ timeout: this.#options.timeoutMs, tries: 1 })
    if (this.#options.dnsServers) resolver.setServers(this.#options.dnsServers)
    try {
      const records = await resolver.resolveTxt(this.record(host))
      return records.some((chunks) => chunks.join('') === token)
        ? { proven: true }
        : { proven: false, reason: 'has no TXT record with the token' }
    } catch (err) {
      return { proven: false, reason: `has no TXT record (${(err as { code?: string }).code})` }
    }
  }
}

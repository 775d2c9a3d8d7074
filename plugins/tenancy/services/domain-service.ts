import { randomBytes } from 'node:crypto'
import {
  applyListQuery,
  OoError,
  type ListQuery,
  type ScopedEventBus,
  type TenantDb,
} from '@oo/core'
import type { Knex } from 'knex'
import type { CreateDomainBody } from '../routes/schemas.js'
import type { ReservedHosts } from './claimable-host.js'
import type { DnsChallenge } from './dns-challenge.js'
import type { DomainChallenge } from './domain-challenge.js'
import type { TenantDirectory } from './tenant-directory.js'

export interface Domain {
  id: string
  host: string
  isPrimary: boolean
  status: 'pending' | 'verified'
  verifiedAt: string | null
  verificationMethod: 'operator' | 'http' | 'dns' | 'approval' | null
  /**
   * Pending domains only: serve `token` at `url` (or point the host at the engine), or publish it
   * as the TXT record `dnsRecord`, then verify.
   */
  challenge: { token: string; url: string; dnsRecord: string } | null
}

interface DomainRow {
  id: string
  host: string
  isPrimary: boolean
  verifiedAt: Date | null
  verificationMethod: Domain['verificationMethod']
  token: string | null
}

const SELECT = [
  'id',
  'host',
  'is_primary as isPrimary',
  'verified_at as verifiedAt',
  'verification_method as verificationMethod',
  'verification_token as token',
]
const SORT_COLUMNS: Record<string, string> = {
  isPrimary: 'is_primary',
  status: 'verified_at',
  verifiedAt: 'verified_at',
}

/**
 * Host names of the current tenant. A claim starts pending and serves nothing (no storefront,
 * sign-in, CORS or cookie) until proven by the HTTP challenge or a super-admin's approval; a
 * verified host belongs to one tenant, platform-wide. Every change emits
 * `tenancy.domain.changed`, which drops the host from every process's cache.
 */
export class DomainService {
  readonly #db: TenantDb
  readonly #directory: TenantDirectory
  readonly #events: ScopedEventBus
  readonly #reserved: ReservedHosts
  readonly #challenge: DomainChallenge
  readonly #dns: DnsChallenge

  constructor(deps: {
    db: TenantDb
    tenantDirectory: TenantDirectory
    eventBus: ScopedEventBus
    reservedHosts: ReservedHosts
    domainChallenge: DomainChallenge
    dnsChallenge: DnsChallenge
  }) {
    this.#db = deps.db
    this.#directory = deps.tenantDirectory
    this.#events = deps.eventBus
    this.#reserved = deps.reservedHosts
    this.#challenge = deps.domainChallenge
    this.#dns = deps.dnsChallenge
  }

  list(
    query: ListQuery<{ id?: string | string[]; q?: string }>,
  ): Promise<{ rows: Domain[]; total: number }> {
    return this.#db.tx(async (trx) => {
      const base = trx('tenant_domains')
      if (query.filter.id) base.whereIn('id', ([] as string[]).concat(query.filter.id))
      if (query.filter.q) base.whereILike('host', `%${query.filter.q}%`)
      const [{ count }] = (await base.clone().count({ count: '*' })) as [{ count: string }]
      const rows = await applyListQuery(base.select(SELECT), query, (f) => SORT_COLUMNS[f] ?? f)
      return { rows: (rows as DomainRow[]).map((r) => this.#view(r)), total: Number(count) }
    })
  }

  async get(id: string): Promise<Domain> {
    return this.#view(await this.#db.tx((trx) => this.#row(trx, id)))
  }

  async add(body: CreateDomainBody): Promise<Domain> {
    const host = this.#reserved.claimable(body.host, 'tenant')
    const row = await this.#db.tx(async (trx) => {
      const { rows } = await trx.raw('select oo_is_tenant_host(?) as taken', [host])
      if ((rows as { taken: boolean }[])[0]?.taken) throw taken(host)
      const [inserted] = await trx('tenant_domains')
        .insert({
          tenant_id: this.#db.tenantId,
          host,
          is_primary: body.isPrimary,
          verification_token: randomBytes(24).toString('base64url'),
        })
        .returning(SELECT)
        .catch((err: { code?: string }) => {
          throw err.code === '23505' ? taken(host) : err
        })
      this.#events.emit('tenancy.domain.changed', { host, action: 'added' })
      return inserted as DomainRow
    })
    return this.#view(row)
  }

  /** The host proves itself: its web server answers the challenge, else its DNS has the TXT record. */
  async verify(id: string): Promise<Domain> {
    const domain = await this.get(id)
    if (domain.status === 'verified') return domain
    this.#reserved.claimable(domain.host, 'tenant') // reserved since it was claimed
    if (!domain.challenge) return this.unverify(id) // no token yet: issue one
    const { token, url, dnsRecord } = domain.challenge
    const http = await this.#challenge.check(domain.host, token)
    if (http.proven) return this.#markVerified(id, 'http')
    const dns = await this.#dns.check(domain.host, token)
    if (dns.proven) return this.#markVerified(id, 'dns')
    throw new OoError(
      'TENANCY_DOMAIN_CHALLENGE_FAILED',
      422,
      `${url} ${http.reason}, and ${dnsRecord} ${dns.reason}: serve the token there, point ${domain.host} at the engine, or publish the TXT record`,
      { field: 'host', details: { url, dnsRecord } },
    )
  }

  /** A platform super-admin vouches for the host (the route checks who is asking). */
  approve(id: string): Promise<Domain> {
    return this.#markVerified(id, 'approval')
  }

  /** Back to pending with a new token: the host stops serving the tenant on every process. */
  unverify(id: string): Promise<Domain> {
    return this.#change(id, 'unverified', {
      verified_at: null,
      verification_method: null,
      verification_token: randomBytes(24).toString('base64url'),
    })
  }

  async remove(id: string): Promise<Domain> {
    const row = await this.#db.tx(async (trx) => {
      const found = await this.#row(trx, id)
      await trx('tenant_domains').where({ id }).delete()
      this.#events.emit('tenancy.domain.changed', { host: found.host, action: 'removed' })
      return found
    })
    this.#directory.forgetHost(row.host)
    return this.#view(row)
  }

  async #markVerified(id: string, method: 'http' | 'dns' | 'approval'): Promise<Domain> {
    const current = await this.get(id)
    if (current.status === 'verified') return current
    this.#reserved.claimable(current.host, 'tenant')
    return this.#change(id, 'verified', {
      verified_at: new Date(),
      verification_method: method,
      verification_token: null,
    })
  }

  async #change(
    id: string,
    action: 'verified' | 'unverified',
    patch: Record<string, unknown>,
  ): Promise<Domain> {
    const row = await this.#db.tx(async (trx) => {
      const found = await this.#row(trx, id)
      // The partial unique index admits one verified row per host: a competing claim proven
      // first (or an operator's assignment) wins, and this one stays pending.
      const [updated] = await trx('tenant_domains')
        .where({ id })
        .update(patch)
        .returning(SELECT)
        .catch((err: { code?: string }) => {
          throw err.code === '23505' ? taken(found.host) : err
        })
      this.#events.emit('tenancy.domain.changed', { host: found.host, action })
      return updated as DomainRow
    })
    this.#directory.forgetHost(row.host)
    return this.#view(row)
  }

  async #row(trx: Knex.Transaction, id: string): Promise<DomainRow> {
    const row = (await trx('tenant_domains').where({ id }).first(SELECT)) as DomainRow | undefined
    if (!row) throw new OoError('TENANCY_DOMAIN_NOT_FOUND', 404, `Domain ${id} not found`)
    return row
  }

  #view({ token, verifiedAt, ...row }: DomainRow): Domain {
    return {
      ...row,
      status: verifiedAt ? 'verified' : 'pending',
      verifiedAt: verifiedAt ? new Date(verifiedAt).toISOString() : null,
      challenge:
        !verifiedAt && token
          ? {
              token,
              url: this.#challenge.url(row.host, token),
              dnsRecord: this.#dns.record(row.host),
            }
          : null,
    }
  }
}

function taken(host: string): OoError {
  return new OoError('TENANCY_DOMAIN_TAKEN', 409, `${host} is already registered`, {
    field: 'host',
  })
}

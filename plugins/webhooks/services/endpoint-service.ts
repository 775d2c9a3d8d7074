import { applyListQuery, OoError, type ListQuery, type TenantDb } from '@oo/core'
import type { WebhooksOptions } from '../config.js'
import type { CreateEndpointBody, EndpointFilter, UpdateEndpointBody } from '../routes/schemas.js'
import { ENDPOINT_SORT, toEndpoint, type Endpoint, type EndpointRow } from './rows.js'
import { newSigningSecret, type SigningSecrets } from './secrets.js'
import { assertPublicTarget, parseTargetUrl } from './target-guard.js'

const notFound = (id: string) =>
  new OoError('WEBHOOKS_ENDPOINT_NOT_FOUND', 404, `Webhook endpoint ${id} not found`)

/** A tenant's webhook subscriptions. Row-level security confines every statement to the tenant. */
export class WebhookEndpointService {
  readonly #db: TenantDb
  readonly #options: WebhooksOptions

  readonly #secrets: SigningSecrets

  constructor(deps: {
    db: TenantDb
    webhooksOptions: WebhooksOptions
    webhookSigningSecrets: SigningSecrets
  }) {
    this.#db = deps.db
    this.#options = deps.webhooksOptions
    this.#secrets = deps.webhookSigningSecrets
  }

  /** Refuses bad URLs (400) and, unless allowed, private targets (422), before anything is written. */
  async #checkedUrl(raw: string, unchanged?: string): Promise<string> {
    const url = parseTargetUrl(raw)
    if (url.href !== unchanged && !this.#options.allowPrivateTargets) await assertPublicTarget(url)
    return url.href
  }

  async list(query: ListQuery<EndpointFilter>): Promise<{ rows: Endpoint[]; total: number }> {
    return this.#db.tx(async (trx) => {
      const { id, enabled, q } = query.filter
      const base = trx('webhook_endpoints').modify((qb) => {
        if (id) qb.whereIn('id', Array.isArray(id) ? id : [id])
        if (enabled !== undefined) qb.where('enabled', enabled)
        if (q)
          qb.where((w) =>
            w
              .whereILike('url', `%${q.replace(/[%_\\]/g, '\\$&')}%`)
              .orWhereILike('description', `%${q.replace(/[%_\\]/g, '\\$&')}%`),
          )
      })
      const [counted] = await base.clone().count<{ total: string }[]>({ total: '*' })
      const rows: EndpointRow[] = await applyListQuery(
        base.clone().select('*'),
        query,
        (f) => ENDPOINT_SORT[f] ?? 'created_at',
      ).orderBy('id')
      return { rows: rows.map(toEndpoint), total: Number(counted?.total ?? 0) }
    })
  }

  async get(id: string): Promise<Endpoint> {
    const row = await this.#db.tx((trx) => trx('webhook_endpoints').where({ id }).first())
    if (!row) throw notFound(id)
    return toEndpoint(row)
  }

  /** The signing secret is in this answer only; later reads never show it. */
  async create(body: CreateEndpointBody): Promise<Endpoint & { secret: string }> {
    const url = await this.#checkedUrl(body.url)
    const secret = newSigningSecret()
    const [row] = await this.#db.tx((trx) =>
      trx('webhook_endpoints')
        .insert({
          tenant_id: this.#db.tenantId,
          url,
          description: body.description,
          events: body.events,
          enabled: body.enabled,
          secret: this.#secrets.seal(secret, this.#db.tenantId),
        })
        .returning('*'),
    )
    return { ...toEndpoint(row as EndpointRow), secret }
  }

  /** Re-enabling an endpoint (after a disable for failures) starts its failure clock afresh. */
  async update(id: string, patch: UpdateEndpointBody): Promise<Endpoint> {
    // The DNS check runs outside the transaction; react-admin's edit sends the URL back unchanged.
    const before = patch.url === undefined ? undefined : await this.get(id)
    const url = patch.url === undefined ? undefined : await this.#checkedUrl(patch.url, before?.url)
    return this.#db.tx(async (trx) => {
      const current: EndpointRow | undefined = await trx('webhook_endpoints')
        .where({ id })
        .forUpdate()
        .first()
      if (!current) throw notFound(id)
      const reEnabled = patch.enabled === true && !current.enabled
      const [row] = await trx('webhook_endpoints')
        .where({ id })
        .update({
          ...(url !== undefined && { url }),
          ...(patch.description !== undefined && { description: patch.description }),
          ...(patch.events !== undefined && { events: patch.events }),
          ...(patch.enabled !== undefined && { enabled: patch.enabled }),
          ...(reEnabled && { failing_since: null, disabled_at: null, disabled_reason: null }),
          updated_at: trx.fn.now(),
        })
        .returning('*')
      return toEndpoint(row as EndpointRow)
    })
  }

  /** Deletes the endpoint and its delivery log. */
  async remove(id: string): Promise<Endpoint> {
    const [row] = await this.#db.tx((trx) =>
      trx('webhook_endpoints').where({ id }).delete().returning('*'),
    )
    if (!row) throw notFound(id)
    return toEndpoint(row as EndpointRow)
  }
}

import { OoError, type Database, type Logger, type ScopeRunner } from '@oo/core'
import type { ReservedHosts } from './claimable-host.js'
import type { UserDirectory } from './user-directory.js'

export interface ProvisionRequest {
  operationId: string
  slug: string
  name: string
  domains: string[]
  theme?: string
  owner?: { email: string; name?: string }
}

export interface ProvisionResult {
  operationId: string
  status: 'PENDING' | 'COMMITTED' | 'FAILED'
  tenantId: string | null
  error?: string
}

interface Step {
  name: string
  run(): Promise<void>
  compensate(): Promise<void>
}

/**
 * Creates tenants as a saga: each step commits on its own and has a compensation; a failing step
 * undoes the ones before it, so nothing half-created remains. The operation id makes a retry
 * return the first attempt's result instead of creating a second tenant.
 */
export class ProvisioningService {
  readonly #database: Database
  readonly #scopes: ScopeRunner
  readonly #users: UserDirectory
  readonly #logger: Logger
  readonly #reserved: ReservedHosts

  constructor({
    database,
    scopes,
    userDirectory,
    logger,
    reservedHosts,
  }: {
    database: Database
    scopes: ScopeRunner
    userDirectory: UserDirectory
    logger: Logger
    reservedHosts: ReservedHosts
  }) {
    this.#database = database
    this.#scopes = scopes
    this.#users = userDirectory
    this.#logger = logger
    this.#reserved = reservedHosts
  }

  async provision(request: ProvisionRequest): Promise<ProvisionResult> {
    // The operator's domains are verified by who attaches them, but the platform's own
    // addresses stay reserved for everyone.
    const domains = request.domains.map((host) =>
      this.#reserved.claimable(host, 'operator', 'domains'),
    )
    const knex = this.#database.app
    const claimed = await knex('tenant_provisioning')
      .insert({
        operation_id: request.operationId,
        status: 'PENDING',
        request: JSON.stringify(request),
      })
      .onConflict('operation_id')
      .ignore()
      .returning('operation_id')
    if (!claimed.length) return this.result(request.operationId)

    let tenantId: string | null = null
    const done: Step[] = []
    const steps: Step[] = [
      {
        name: 'create tenant',
        run: async () => {
          const [row] = await knex('tenants')
            .insert({
              slug: request.slug,
              name: request.name,
              theme: request.theme ?? 'mono-luxe',
              status: 'PENDING',
            })
            .returning('id')
            .catch((err: { code?: string }) => {
              throw err.code === '23505'
                ? new OoError('TENANCY_SLUG_TAKEN', 409, `Tenant slug "${request.slug}" is taken`, {
                    field: 'slug',
                  })
                : err
            })
          tenantId = (row as { id: string }).id
          await knex('tenant_provisioning')
            .where({ operation_id: request.operationId })
            .update({ tenant_id: tenantId })
        },
        compensate: async () => {
          await knex('tenants')
            .where({ id: tenantId })
            .update({ status: 'FAILED', slug: `failed-${tenantId}` })
        },
      },
      {
        name: 'attach domains, default project and owner',
        run: async () => {
          // Resolved before the transaction: on the embedded database a second query outside
          // the open transaction would wait for its single connection forever.
          const owner = request.owner
            ? await this.#users.invite(request.owner.email, request.owner.name)
            : null
          await this.#scopes.run(tenantId, (scope) =>
            scope.cradle.db.tx(async (trx) => {
              for (const [i, host] of domains.entries()) {
                await trx('tenant_domains')
                  .insert({
                    tenant_id: tenantId,
                    host,
                    is_primary: i === 0,
                    verified_at: trx.fn.now(),
                    verification_method: 'operator',
                  })
                  .catch((err: { code?: string }) => {
                    throw err.code === '23505'
                      ? new OoError(
                          'TENANCY_DOMAIN_TAKEN',
                          409,
                          `Domain ${host} belongs to another tenant`,
                          { field: 'domains' },
                        )
                      : err
                  })
              }
              const [project] = await trx('projects')
                .insert({ tenant_id: tenantId, slug: 'main', name: 'Main' })
                .returning('id')
              if (owner) {
                await trx('members').insert({
                  tenant_id: tenantId,
                  user_id: owner.id,
                  role: 'owner',
                })
                await trx('project_members').insert({
                  tenant_id: tenantId,
                  project_id: (project as { id: string }).id,
                  user_id: owner.id,
                })
              }
            }),
          )
        },
        compensate: () =>
          this.#scopes.run(tenantId, (scope) =>
            scope.cradle.db.tx(async (trx) => {
              for (const table of ['project_members', 'members', 'projects', 'tenant_domains'])
                await trx(table).delete()
            }),
          ),
      },
      {
        name: 'commit',
        run: () =>
          this.#scopes.run(tenantId, async (scope) => {
            await scope.cradle.db.tx(async (trx) => {
              await trx('tenants')
                .where({ id: tenantId })
                .update({ status: 'COMMITTED', updated_at: trx.fn.now() })
              await trx('tenant_provisioning')
                .where({ operation_id: request.operationId })
                .update({ status: 'COMMITTED', updated_at: trx.fn.now() })
              scope.cradle.eventBus.emit('tenancy.tenant.created', {
                tenantId: tenantId!,
                slug: request.slug,
              })
            })
          }),
        compensate: async () => undefined,
      },
    ]
    try {
      for (const step of steps) {
        await step.run()
        done.push(step)
      }
    } catch (err) {
      for (const step of done.reverse()) {
        await step
          .compensate()
          .catch((cause: unknown) =>
            this.#logger.error({ err: cause, step: step.name }, 'compensation failed'),
          )
      }
      await knex('tenant_provisioning')
        .where({ operation_id: request.operationId })
        .update({ status: 'FAILED', error: (err as Error).message, updated_at: knex.fn.now() })
      throw err
    }
    return this.result(request.operationId)
  }

  async result(operationId: string): Promise<ProvisionResult> {
    const row = await this.#database
      .app('tenant_provisioning')
      .where({ operation_id: operationId })
      .first()
    if (!row)
      throw new OoError(
        'TENANCY_OPERATION_NOT_FOUND',
        404,
        `No provisioning operation ${operationId}`,
      )
    return {
      operationId,
      status: row.status,
      tenantId: row.tenant_id,
      error: row.error ?? undefined,
    }
  }
}

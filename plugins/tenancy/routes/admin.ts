import { randomUUID } from 'node:crypto'
import {
  OoError,
  parse,
  parseListQuery,
  requirePermission,
  setContentRange,
  type AppRouter,
  type AppState,
} from '@oo/core'
import type { Middleware } from 'koa'
import type { z } from 'zod'
import {
  CreateDomainBody,
  CreateProjectMemberBody,
  ProjectMemberFilter,
  CreateMemberBody,
  CreateProjectBody,
  CreateTenantBody,
  IdFilter,
  IdParam,
  UpdateMemberBody,
  UpdateProjectBody,
  UpdateTenantBody,
} from './schemas.js'

function requireSuperAdmin(): Middleware<AppState> {
  return async function requireSuperAdmin(ctx, next) {
    if (!ctx.state.principal)
      throw new OoError('OO_UNAUTHENTICATED', 401, 'Sign in to use this route')
    if (!ctx.state.principal.superAdmin)
      throw new OoError('OO_FORBIDDEN', 403, 'Only platform super-admins may do this')
    await next()
  }
}

export function adminRoutes(router: AppRouter): void {
  router.get('/me', async function me(ctx) {
    const principal = ctx.state.principal
    if (!principal) throw new OoError('OO_UNAUTHENTICATED', 401, 'Sign in to use this route')
    const memberships =
      principal.kind === 'user'
        ? await ctx.state.scope.cradle.userDirectory.memberships(principal.id)
        : []
    ctx.body = {
      id: principal.id,
      kind: principal.kind,
      email: principal.email,
      name: principal.name,
      superAdmin: principal.superAdmin,
      tenant: ctx.state.tenant ?? null,
      role: ctx.state.role ?? null,
      memberships,
    }
  })

  router.get('/tenants', requirePermission('tenancy.tenant.read'), async function listTenants(ctx) {
    const query = parseListQuery(ctx.query, {
      sortable: ['name', 'slug', 'createdAt'],
      filter: IdFilter,
    })
    const { rows, total } = await ctx.state.scope.cradle.tenantAdmin.list(
      query,
      ctx.state.principal!,
    )
    setContentRange(ctx, 'tenants', query.range, total, rows.length)
    ctx.body = rows
  })

  router.post('/tenants', requireSuperAdmin(), async function createTenant(ctx) {
    const body = parse(CreateTenantBody, ctx.request.body)
    const result = await ctx.state.scope.cradle.provisioningService.provision({
      operationId: body.operationId ?? ctx.get('idempotency-key') ?? randomUUID(),
      slug: body.slug,
      name: body.name,
      domains: body.domains,
      theme: body.theme,
      owner: body.ownerEmail ? { email: body.ownerEmail } : undefined,
    })
    if (result.status !== 'COMMITTED')
      throw new OoError(
        'TENANCY_PROVISIONING_FAILED',
        409,
        result.error ?? 'Provisioning did not complete',
        { details: result },
      )
    ctx.status = 201
    ctx.body = await ctx.state.scope.cradle.tenantAdmin.get(result.tenantId!, ctx.state.principal!)
  })

  router.get(
    '/tenants/:id',
    requirePermission('tenancy.tenant.read'),
    async function getTenant(ctx) {
      const { id } = parse(IdParam, ctx.params)
      ctx.body = await ctx.state.scope.cradle.tenantAdmin.get(id, ctx.state.principal!)
    },
  )

  router.put(
    '/tenants/:id',
    requirePermission('tenancy.tenant.write'),
    async function updateTenant(ctx) {
      const { id } = parse(IdParam, ctx.params)
      const body = parse(UpdateTenantBody, ctx.request.body)
      ctx.body = await ctx.state.scope.cradle.tenantAdmin.update(id, body, ctx.state.principal!)
    },
  )

  crud(
    router,
    'members',
    'tenancy.members',
    ['email', 'role', 'createdAt'],
    (ctx) => ctx.state.scope.cradle.memberService,
    {
      create: (svc, body) => svc.add(parse(CreateMemberBody, body)),
      update: (svc, id, body) => svc.update(id, parse(UpdateMemberBody, body)),
    },
  )
  crud(
    router,
    'projects',
    'tenancy.projects',
    ['name', 'slug'],
    (ctx) => ctx.state.scope.cradle.projectService,
    {
      create: (svc, body) => svc.create(parse(CreateProjectBody, body)),
      update: (svc, id, body) => svc.update(id, parse(UpdateProjectBody, body)),
    },
  )
  crud(
    router,
    'project-members',
    'tenancy.projects',
    ['email', 'projectId'],
    (ctx) => ctx.state.scope.cradle.projectMemberService,
    {
      create: (svc, body) => svc.add(parse(CreateProjectMemberBody, body)),
    },
    ProjectMemberFilter,
  )
  domainProofRoutes(router)
  crud(
    router,
    'domains',
    'tenancy.domains',
    ['host', 'isPrimary', 'status', 'verifiedAt'],
    (ctx) => ctx.state.scope.cradle.domainService,
    {
      create: (svc, body) => svc.add(parse(CreateDomainBody, body)),
    },
  )
}

/** Proving a pending domain: the HTTP challenge (tenant admins), or a super-admin's approval. */
function domainProofRoutes(router: AppRouter): void {
  router.post(
    '/domains/:id/verify',
    requirePermission('tenancy.domains.write'),
    async function verifyDomain(ctx) {
      const { id } = parse(IdParam, ctx.params)
      ctx.body = await ctx.state.scope.cradle.domainService.verify(id)
    },
  )
  router.post('/domains/:id/approve', requireSuperAdmin(), async function approveDomain(ctx) {
    const { id } = parse(IdParam, ctx.params)
    if (!ctx.state.tenant)
      throw new OoError('OO_TENANT_REQUIRED', 404, 'Name the domain’s tenant with X-Tenant-ID')
    ctx.body = await ctx.state.scope.cradle.domainService.approve(id)
  })
  router.post(
    '/domains/:id/unverify',
    requirePermission('tenancy.domains.write'),
    async function unverifyDomain(ctx) {
      const { id } = parse(IdParam, ctx.params)
      ctx.body = await ctx.state.scope.cradle.domainService.unverify(id)
    },
  )
}

interface CrudService<T> {
  list(
    query: ReturnType<typeof parseListQuery<typeof IdFilter>>,
  ): Promise<{ rows: T[]; total: number }>
  get(id: string): Promise<T>
  remove(id: string): Promise<T>
}

/** The five ra-data-simple-rest routes for a tenant resource, each behind its permission. */
function crud<S extends CrudService<unknown>>(
  router: AppRouter,
  resource: string,
  permission: string,
  sortable: string[],
  service: (ctx: { state: AppState }) => S,
  write: {
    create: (svc: S, body: unknown) => Promise<unknown>
    update?: (svc: S, id: string, body: unknown) => Promise<unknown>
  },
  filter: z.ZodType = IdFilter,
): void {
  router.get(`/${resource}`, requirePermission(`${permission}.read`), async function list(ctx) {
    const query = parseListQuery(ctx.query, { sortable, filter })
    const { rows, total } = await service(ctx).list(query as never)
    setContentRange(ctx, resource, query.range, total, rows.length)
    ctx.body = rows
  })
  router.get(
    `/${resource}/:id`,
    requirePermission(`${permission}.read`),
    async function getOne(ctx) {
      ctx.body = await service(ctx).get(parse(IdParam, ctx.params).id)
    },
  )
  router.post(`/${resource}`, requirePermission(`${permission}.write`), async function create(ctx) {
    ctx.status = 201
    ctx.body = await write.create(service(ctx), ctx.request.body)
  })
  const update = write.update
  if (update) {
    router.put(
      `/${resource}/:id`,
      requirePermission(`${permission}.write`),
      async function updateOne(ctx) {
        ctx.body = await update(service(ctx), parse(IdParam, ctx.params).id, ctx.request.body)
      },
    )
  }
  router.delete(
    `/${resource}/:id`,
    requirePermission(`${permission}.write`),
    async function remove(ctx) {
      ctx.body = await service(ctx).remove(parse(IdParam, ctx.params).id)
    },
  )
}

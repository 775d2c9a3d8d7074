import { aliasTo, asClass, asValue, definePlugin } from '@oo/core'
import { tenancyOptions, tenancySettings } from './config.js'
import { FORGET_HOST, onDomainChanged } from './events.js'
import { answerDomainChallenge, resolveTenant } from './middleware.js'
import { adminRoutes } from './routes/admin.js'
import { storeRoutes } from './routes/store.js'
import { seedDemoTenants } from './seed.js'
import { ReservedHosts } from './services/claimable-host.js'
import { assertChallengeOptions, DomainChallenge } from './services/domain-challenge.js'
import { DnsChallenge } from './services/dns-challenge.js'
import { DomainService } from './services/domain-service.js'
import { MemberService } from './services/member-service.js'
import { ProjectMemberService } from './services/project-member-service.js'
import { ProjectService } from './services/project-service.js'
import { ProvisioningService } from './services/provisioning-service.js'
import { TenantAdminService } from './services/tenant-admin-service.js'
import { TenantDirectory } from './services/tenant-directory.js'
import { UserDirectory } from './services/user-directory.js'
import './cradle.js'

const EVERY_ROLE = ['owner', 'admin', 'manager', 'staff', 'kitchen', 'readonly'] as const

export default definePlugin({
  name: 'tenancy',
  options: tenancyOptions,
  settings: tenancySettings,
  migrations: new URL('./migrations/', import.meta.url),
  permissions: {
    'tenancy.tenant.read': EVERY_ROLE,
    'tenancy.tenant.write': ['owner', 'admin'],
    'tenancy.members.read': ['owner', 'admin', 'manager', 'readonly'],
    'tenancy.members.write': ['owner', 'admin'],
    'tenancy.projects.read': EVERY_ROLE,
    'tenancy.projects.write': ['owner', 'admin', 'manager'],
    'tenancy.domains.read': ['owner', 'admin', 'manager', 'readonly'],
    'tenancy.domains.write': ['owner', 'admin'],
  },

  register({ container, options }) {
    assertChallengeOptions(options, container.cradle.config.mode)
    container.register({
      tenancyOptions: asValue(options),
      reservedHosts: asClass(ReservedHosts).singleton(),
      domainChallenge: asClass(DomainChallenge).singleton(),
      dnsChallenge: asClass(DnsChallenge).singleton(),
      userDirectory: asClass(UserDirectory).singleton(),
      tenantDirectory: asClass(TenantDirectory).singleton(),
      tenantResolver: aliasTo('tenantDirectory'),
      provisioningService: asClass(ProvisioningService).singleton(),
      tenantAdmin: asClass(TenantAdminService).scoped(),
      memberService: asClass(MemberService).scoped(),
      projectService: asClass(ProjectService).scoped(),
      projectMemberService: asClass(ProjectMemberService).scoped(),
      domainService: asClass(DomainService).scoped(),
    })
  },

  middleware: () => [answerDomainChallenge(), resolveTenant()],
  routes: { admin: adminRoutes, store: storeRoutes },
  events: { 'tenancy.domain.changed': onDomainChanged },
  admin: { entry: './admin/index.ts' },

  async start({ container }) {
    const directory = container.cradle.tenantDirectory
    container.cradle.io.of('/').on(FORGET_HOST, (host: unknown) => {
      if (typeof host === 'string') directory.forgetHost(host)
    })
  },

  async seed({ container, step }) {
    await seedDemoTenants(container.cradle, step)
  },
})

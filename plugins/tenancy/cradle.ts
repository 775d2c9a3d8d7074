import type { ReservedHosts } from './services/claimable-host.js'
import type { DnsChallenge } from './services/dns-challenge.js'
import type { DomainChallenge } from './services/domain-challenge.js'
import type { DomainService } from './services/domain-service.js'
import type { MemberService } from './services/member-service.js'
import type { ProjectMemberService } from './services/project-member-service.js'
import type { ProjectService } from './services/project-service.js'
import type { TenancyOptions, TenancySettings } from './config.js'
import type { TenantAdminService } from './services/tenant-admin-service.js'
import type { ProvisioningService } from './services/provisioning-service.js'
import type { TenantDirectory } from './services/tenant-directory.js'
import type { UserDirectory } from './services/user-directory.js'

declare module '@oo/core' {
  interface Cradle {
    tenancyOptions: TenancyOptions
    tenantDirectory: TenantDirectory
    userDirectory: UserDirectory
    provisioningService: ProvisioningService
    reservedHosts: ReservedHosts
    domainChallenge: DomainChallenge
    dnsChallenge: DnsChallenge
  }
  interface RequestCradle {
    tenantAdmin: TenantAdminService
    memberService: MemberService
    projectService: ProjectService
    projectMemberService: ProjectMemberService
    domainService: DomainService
  }
  interface SettingsMap {
    tenancy: TenancySettings
  }
  interface EventMap {
    'tenancy.tenant.created': { tenantId: string; slug: string }
    'tenancy.member.changed': { userId: string; role: string | null }
    'tenancy.domain.changed': {
      host: string
      action: 'added' | 'verified' | 'unverified' | 'removed'
    }
  }
}

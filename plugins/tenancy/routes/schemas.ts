import { TENANT_ROLES } from '@oo/core'
import { z } from 'zod'
import { THEMES } from '../config.js'

const host = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/,
    'must be a host name',
  )
const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be lowercase letters, digits and dashes')

export const CreateTenantBody = z
  .object({
    operationId: z.string().min(8).max(100).optional(),
    slug,
    name: z.string().trim().min(1).max(200),
    domains: z.array(host).min(1).max(20),
    theme: z.enum(THEMES).optional(),
    ownerEmail: z.email().optional(),
  })
  .strict()
export type CreateTenantBody = z.infer<typeof CreateTenantBody>

export const UpdateTenantBody = z
  .object({ name: z.string().trim().min(1).max(200).optional(), theme: z.enum(THEMES).optional() })
  .strict()
export type UpdateTenantBody = z.infer<typeof UpdateTenantBody>

// The service canonicalises the host and refuses reserved hosts (IP literals in any spelling
// included) with their own codes, so the schema only bounds the string.
export const CreateDomainBody = z
  .object({ host: z.string().min(1).max(300), isPrimary: z.boolean().default(false) })
  .strict()
export type CreateDomainBody = z.infer<typeof CreateDomainBody>

export const CreateProjectBody = z
  .object({ slug, name: z.string().trim().min(1).max(200) })
  .strict()
export type CreateProjectBody = z.infer<typeof CreateProjectBody>
export const UpdateProjectBody = CreateProjectBody.partial().strict()
export type UpdateProjectBody = z.infer<typeof UpdateProjectBody>

export const CreateMemberBody = z.object({ email: z.email(), role: z.enum(TENANT_ROLES) }).strict()
export type CreateMemberBody = z.infer<typeof CreateMemberBody>
export const UpdateMemberBody = z.object({ role: z.enum(TENANT_ROLES) }).strict()
export type UpdateMemberBody = z.infer<typeof UpdateMemberBody>

export const IdFilter = z
  .object({
    id: z.union([z.string(), z.array(z.string())]).optional(),
    q: z.string().max(200).optional(),
  })
  .strict()
export const IdParam = z.object({ id: z.uuid('must be a uuid') })

export const CreateProjectMemberBody = z
  .object({ projectId: z.uuid('must be a project id'), userId: z.uuid('must be a user id') })
  .strict()
export type CreateProjectMemberBody = z.infer<typeof CreateProjectMemberBody>
export const ProjectMemberFilter = z
  .object({
    id: z.union([z.string(), z.array(z.string())]).optional(),
    projectId: z.uuid().optional(),
    userId: z.uuid().optional(),
  })
  .strict()

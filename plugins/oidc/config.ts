import { TENANT_ROLES } from '@oo/core'
import { z } from 'zod'

export const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256'] as const

export const IssuerOptions = z.object({
  /** Issuer URL exactly as in its discovery document (`iss` of its tokens). */
  issuer: z.url(),
  /** The `aud` our API accepts in access tokens from this issuer. */
  audience: z.string().min(1),
  /** Client id for browser sign-in (authorization code + PKCE, confidential client). */
  clientId: z.string().min(1),
  /** Client secret for browser sign-in. */
  clientSecret: z.string().min(1).optional(),
  /** Scopes asked for at browser sign-in. @default ['openid', 'email', 'profile'] */
  scopes: z.array(z.string()).default(['openid', 'email', 'profile']),
  /** Signing algorithms accepted from this issuer. HS256 is never accepted from an external issuer. */
  algorithms: z.array(z.enum(ASYMMETRIC_ALGORITHMS)).min(1).default(['RS256', 'ES256']),
  /** Claim names in this issuer's tokens. */
  claims: z
    .object({
      email: z.string().default('email'),
      name: z.string().default('name'),
      /** A string or string-array claim holding roles or groups. */
      roles: z.string().default('groups'),
    })
    .prefault({}),
  /** Role/group value → tenant role. `tenant` is a tenant slug or id. */
  roleMap: z
    .record(z.string(), z.object({ tenant: z.string().min(1), role: z.enum(TENANT_ROLES) }))
    .default({}),
  /** Role/group values that make the caller a platform super-admin. */
  superAdminValues: z.array(z.string()).default([]),
  /** Trust this issuer's `email_verified` claim (lets a verified email claim an invitation). @default true */
  trustEmailVerified: z.boolean().default(true),
})
export type IssuerOptions = z.output<typeof IssuerOptions>

const Rule = z.object({
  limit: z.number().int().min(1),
  windowSeconds: z.number().int().min(1).max(86_400),
})
const rule = (limit: number, windowSeconds: number) => Rule.default({ limit, windowSeconds })

export const oidcOptions = z.object({
  /** HS256 secret for the engine's own guest/order tokens (≥ 32 chars). Unset: generated once and stored in the database. */
  tokenSecret: z.string().min(32).optional(),
  /** Lifetime of guest tokens unless `issue()` says otherwise. @default 7200 */
  guestTokenTtlSeconds: z.number().int().min(30).max(2_592_000).default(7200),
  /** Clock skew tolerated on exp/nbf/iat. @default 30 */
  clockSkewSeconds: z.number().int().min(0).max(300).default(30),
  /** How long an issuer's JWKS is cached. @default 600 */
  jwksCacheSeconds: z.number().int().min(0).max(86_400).default(600),
  /** An unknown `kid` refetches the JWKS at most this often (key rotation). @default 30 */
  jwksCooldownSeconds: z.number().int().min(0).max(3600).default(30),
  /** External issuers. When empty, the built-in development issuer serves `/oidc`. */
  issuers: z.array(IssuerOptions).default([]),
  /** The built-in development issuer (oidc-provider with local accounts) at `/oidc`. */
  devIssuer: z
    .object({
      /** Serve it. @default true when `issuers` is empty */
      enabled: z.boolean().optional(),
      /** Production refuses it unless this is set. @default false */
      allowInProduction: z.boolean().default(false),
      /** Public origin of the engine, e.g. `https://shop.example.com`. Unset: the listening address. */
      publicUrl: z.url().optional(),
      /** `aud` of the JWT access tokens it issues. @default 'urn:omniorder:api' */
      audience: z.string().min(1).default('urn:omniorder:api'),
    })
    .prefault({}),
  /** Browser sessions (backend-for-frontend) at /auth/*. */
  session: z
    .object({
      /** Name of the httpOnly session cookie. @default 'oo_session' */
      cookieName: z
        .string()
        .regex(/^[A-Za-z0-9_-]+$/)
        .default('oo_session'),
      /** Session lifetime in seconds. @default 28800 (8 h) */
      ttlSeconds: z
        .number()
        .int()
        .min(60)
        .max(30 * 86_400)
        .default(28_800),
    })
    .prefault({}),
  /** Fixed-window rate limits (Redis when configured, so they hold across processes). 429 + Retry-After. */
  rateLimits: z
    .object({
      /** Failed sign-ins (wrong password) per IP; successful ones cost nothing. @default 20 per 5 min */
      signInPerIp: rule(20, 300),
      /** Failed sign-ins per account address, known or not: then 423, locked until the window ends or a password reset. @default 5 per 15 min */
      signInPerUser: rule(5, 900),
      /** Sign-ins started (`GET /auth/login`) per IP. @default 60 per min */
      signInStartPerIp: rule(60, 60),
      /** Registrations per IP. @default 10 per hour */
      registerPerIp: rule(10, 3600),
      /** Password reset requests and confirmations per IP. @default 10 per 15 min */
      passwordResetPerIp: rule(10, 900),
      /** Password reset requests per account email. @default 3 per 15 min */
      passwordResetPerUser: rule(3, 900),
      /** API requests (/api/*) per IP. @default 1200 per min */
      apiPerIp: rule(1200, 60),
      /** API requests per signed-in caller. @default 600 per min */
      apiPerUser: rule(600, 60),
    })
    .prefault({}),
})
export type OidcOptions = z.output<typeof oidcOptions>

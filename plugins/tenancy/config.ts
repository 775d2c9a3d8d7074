import { z } from 'zod'

export const THEMES = ['mono-luxe', 'fresh-market', 'tech-ocean'] as const

export const tenancyOptions = z.object({
  /** Emails of platform super-admins (may provision tenants and act on every tenant). */
  superAdmins: z.array(z.email()).default([]),
  /** How long a host → tenant (and id → tenant) look-up is cached in memory, in ms. 0 = no cache. @default 2000 */
  hostCacheMs: z.number().int().min(0).max(60_000).default(2000),
  /** The platform's own public URL (`OO_PUBLIC_URL`): its host can never be claimed by a tenant. */
  platformUrl: z.url().optional(),
  /** More host names no tenant may claim (the engine's own names behind the front door). @default [] */
  reservedHosts: z.array(z.string().min(1)).default([]),
  /**
   * How `POST /domains/:id/verify` proves a host: it fetches
   * `<scheme>://<host>:<port>/.well-known/oo-domain-challenge/<token>`, else looks up the TXT
   * record `_oo-domain-challenge.<host>`.
   */
  domainChallenge: z
    .object({
      /** @default 'http' */
      scheme: z.enum(['http', 'https']).default('http'),
      /** Port to fetch from. @default 80 for http, 443 for https */
      port: z.number().int().min(1).max(65_535).optional(),
      /** Give up after this many ms. @default 5000 */
      timeoutMs: z.number().int().min(100).max(30_000).default(5000),
      /**
       * Connect to this address instead of resolving the host by DNS (tests on loopback).
       * Refused in production: pointed at the engine, every pending host would prove itself.
       */
      connectTo: z.string().min(1).optional(),
      /** DNS servers (`ip` or `ip:port`) for the TXT record look-up. @default the system's */
      dnsServers: z.array(z.string().min(1)).min(1).optional(),
    })
    .prefault({}),
})
export type TenancyOptions = z.output<typeof tenancyOptions>

export const tenancySettings = z.object({
  /** Storefront theme for the tenant's domains. */
  theme: z.enum(THEMES).default('mono-luxe'),
})
export type TenancySettings = z.output<typeof tenancySettings>

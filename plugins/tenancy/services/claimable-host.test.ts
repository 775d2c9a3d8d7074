import { describe, expect, it } from 'vitest'
import { ReservedHosts } from './claimable-host.js'

const hosts = new ReservedHosts({
  tenancyOptions: { platformUrl: 'https://platform.example/', reservedHosts: ['ops.example'] },
  config: { http: { host: 'engine.internal' } },
})

const codeOf = (host: string, by: 'tenant' | 'operator' = 'tenant') => {
  try {
    hosts.claimable(host, by)
    return 'ok'
  } catch (err) {
    return (err as { code: string; field?: string }).code
  }
}

describe('claimable hosts', () => {
  it('reserves every IP literal, in any spelling a browser accepts', () => {
    for (const ip of [
      '127.0.0.1',
      '10.0.0.7',
      '::1',
      '[::1]',
      '[2001:db8::1]',
      '0x7f.1',
      '127.1',
      '2130706433',
    ])
      expect(codeOf(ip), ip).toBe('TENANCY_DOMAIN_RESERVED')
  })

  it('reserves localhost, the listen host, the platform host and configured extras', () => {
    for (const host of [
      'localhost',
      'LOCALHOST.',
      'engine.internal',
      'platform.example',
      'ops.example',
    ])
      expect(codeOf(host), host).toBe('TENANCY_DOMAIN_RESERVED')
  })

  it('reserves subdomains of the platform host for tenants, not for the operator', () => {
    expect(codeOf('pizza.platform.example')).toBe('TENANCY_DOMAIN_RESERVED')
    expect(codeOf('pizza.platform.example', 'operator')).toBe('ok')
    expect(codeOf('platform.example', 'operator')).toBe('TENANCY_DOMAIN_RESERVED')
  })

  it('refuses what is not a DNS name', () => {
    for (const host of [
      '',
      'a..b',
      'evil.example:80',
      'http://x.example',
      'under_score.example',
      'x.123',
      '-a.example',
      'a'.repeat(64) + '.example',
    ])
      expect(codeOf(host), host).toBe('TENANCY_DOMAIN_INVALID')
  })

  it('returns the canonical form: lower case, punycode, no trailing dot', () => {
    expect(hosts.claimable(' Shop.Example. ', 'tenant')).toBe('shop.example')
    expect(hosts.claimable('bücher.example', 'tenant')).toBe('xn--bcher-kva.example')
    expect(hosts.isPlatformHost('PLATFORM.example')).toBe(true)
  })

  it('names the field at fault', () => {
    expect(() => hosts.claimable('127.0.0.1', 'operator', 'domains')).toThrow(
      expect.objectContaining({ field: 'domains', status: 409 }),
    )
  })
})

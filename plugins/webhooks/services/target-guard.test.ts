import { describe, expect, it } from 'vitest'
import { isPrivateAddress, parseTargetUrl } from './target-guard.js'

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '10.0.0.8',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fe80::1',
    'fe80::1%eth0',
    'fd12:3456::1',
    'fc00::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '::127.0.0.1',
    '64:ff9b::10.0.0.1',
    '2002:c0a8:0101::1',
    'not-an-ip',
  ])('refuses %s', (ip) => expect(isPrivateAddress(ip)).toBe(true))

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '93.184.216.34',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
  ])('allows %s', (ip) => expect(isPrivateAddress(ip)).toBe(false))
})

describe('parseTargetUrl', () => {
  it('accepts http and https URLs', () => {
    expect(parseTargetUrl('https://erp.example.com/hooks?x=1').hostname).toBe('erp.example.com')
    expect(parseTargetUrl('http://[2606:4700::1111]:8080/').hostname).toBe('[2606:4700::1111]')
  })

  it.each([
    ['ftp://example.com/', 'http or https'],
    ['file:///etc/passwd', 'http or https'],
    ['javascript:alert(1)', 'http or https'],
    ['https://user:pass@example.com/', 'credentials'],
    ['https://example.com/#top', 'fragment'],
    ['/relative', 'absolute'],
    [`https://example.com/${'a'.repeat(2001)}`, '2000'],
  ])('refuses %s with a 400 naming the url', (raw, why) => {
    expect(() => parseTargetUrl(raw)).toThrow(
      expect.objectContaining({ code: 'WEBHOOKS_URL_INVALID', status: 400, field: 'url' }),
    )
    expect(() => parseTargetUrl(raw)).toThrow(new RegExp(why))
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { env } from './env.js'

describe('env helpers', () => {
  afterEach(() => {
    delete process.env.OO_T_VAR
  })

  it('names the missing variable', () => {
    expect(() => env.required('OO_T_VAR')).toThrow(/OO_T_VAR is required/)
  })

  it('rejects a malformed integer, naming it', () => {
    process.env.OO_T_VAR = '12a'
    expect(() => env.int('OO_T_VAR', 1)).toThrow(/OO_T_VAR must be an integer/)
  })

  it('rejects a malformed url', () => {
    process.env.OO_T_VAR = 'not a url'
    expect(() => env.url('OO_T_VAR')).toThrow(/OO_T_VAR must be a URL/)
  })

  it('has no fallback for secrets', () => {
    expect(() => env.secret('OO_T_VAR')).toThrow(/a secret has no default/)
    expect(env.secret('OO_T_VAR', { optional: true })).toBeUndefined()
  })

  it('parses booleans and lists', () => {
    process.env.OO_T_VAR = 'yes'
    expect(env.bool('OO_T_VAR', false)).toBe(true)
    process.env.OO_T_VAR = 'a, b,,c'
    expect(env.list('OO_T_VAR')).toEqual(['a', 'b', 'c'])
  })
})

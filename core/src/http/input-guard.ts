import type { Middleware } from 'koa'
import { OoError } from '../errors.js'
import type { AppState } from './app-state.js'

/** Deeper than any body a route accepts; a guard against stack-deep walks in later code. */
const MAX_DEPTH = 32

/**
 * Why a string cannot be stored or compared as text: PostgreSQL refuses NUL in text and json,
 * and a lone surrogate has no UTF-8 form (the driver would silently write U+FFFD instead).
 */
export function badCharacter(value: string): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c === 0) return 'contains a NUL character'
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) i++
      else return 'contains an unpaired UTF-16 surrogate'
    } else if (c >= 0xdc00 && c <= 0xdfff) return 'contains an unpaired UTF-16 surrogate'
  }
  return undefined
}

/**
 * Walks decoded input (keys and string values) without recursion and throws 400
 * OO_VALIDATION_FAILED naming the first field whose string cannot be stored, or that nests
 * deeper than any route reads.
 */
export function assertStorableInput(input: unknown, root: string[] = []): void {
  const stack: { value: unknown; path: string[] }[] = [{ value: input, path: root }]
  while (stack.length) {
    const { value, path } = stack.pop()!
    if (typeof value === 'string') {
      const problem = badCharacter(value)
      if (problem) throw invalid(path, problem)
      continue
    }
    if (typeof value !== 'object' || value === null) continue
    if (path.length - root.length >= MAX_DEPTH)
      throw invalid(path, `nests deeper than ${MAX_DEPTH} levels`)
    for (const [key, child] of Object.entries(value)) {
      const problem = badCharacter(key)
      if (problem) throw invalid(path, `has a key that ${problem}`)
      stack.push({ value: child, path: [...path, key] })
    }
  }
}

function invalid(path: string[], problem: string): OoError {
  const field = path.length ? path.join('.') : 'body'
  return new OoError('OO_VALIDATION_FAILED', 400, `${field}: ${problem}`, {
    field,
    details: { issues: [{ field, code: 'invalid_string', message: problem }] },
  })
}

/** Percent-decoding that refuses what is not UTF-8 instead of guessing (querystring would write U+FFFD). */
function decodeStrict(raw: string, field: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    throw invalid([field], 'is not valid percent-encoded UTF-8')
  }
}

/**
 * Runs after the body parser, before any route: the path, the query, the JSON body and the
 * headers reach routes only as strings PostgreSQL can store. One class of 500 closed for every
 * route, instead of a refinement in each schema.
 */
export function inputGuard(): Middleware<AppState> {
  return async function inputGuard(ctx, next) {
    for (const segment of ctx.path.split('/')) {
      const problem = badCharacter(decodeStrict(segment, 'path'))
      if (problem) throw invalid(['path'], problem)
    }
    if (ctx.querystring) {
      for (const pair of ctx.querystring.split('&')) {
        const eq = pair.indexOf('=')
        const rawKey = eq < 0 ? pair : pair.slice(0, eq)
        const rawValue = eq < 0 ? '' : pair.slice(eq + 1)
        const key = decodeStrict(rawKey.replaceAll('+', ' '), 'query')
        const keyProblem = badCharacter(key)
        if (keyProblem) throw invalid(['query'], `has a parameter name that ${keyProblem}`)
        const problem = badCharacter(decodeStrict(rawValue.replaceAll('+', ' '), key))
        if (problem) throw invalid([key], problem)
      }
    }
    // Node's parser refuses NUL in headers; it decodes other bytes as latin1, so this is a second line.
    for (const [name, value] of Object.entries(ctx.headers)) {
      for (const v of Array.isArray(value) ? value : [value ?? '']) {
        if (v.includes('\u0000')) throw invalid([name], 'contains a NUL character')
      }
    }
    const rawBody = (ctx.request as { rawBody?: string }).rawBody
    // The body parser decodes bytes that are not UTF-8 to U+FFFD: a literal one in the raw text
    // is (nearly always) such a byte. A client that means U+FFFD can send the escape \ufffd.
    if (rawBody?.includes('\ufffd')) throw invalid(['body'], 'is not valid UTF-8')
    if (ctx.request.body !== undefined) assertStorableInput(ctx.request.body)
    await next()
  }
}

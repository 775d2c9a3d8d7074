import { describe, expect, it } from 'vitest'
import { SendActionBody, SendMessage } from '../routes/schemas.js'
import { ACTION_IDS, ActionRef, POLL_TEMPLATES } from './vocabulary.js'

describe('chat vocabulary', () => {
  it('accepts every canned action by id or by label', () => {
    for (const id of ACTION_IDS) expect(ActionRef.parse(id)).toBe(id)
    expect(ActionRef.parse('👍')).toBe('thumbs-up')
    expect(ActionRef.parse('👎')).toBe('thumbs-down')
    expect(ActionRef.parse('Tests green')).toBe('tests-green')
    expect(ActionRef.parse('ready')).toBe('ready')
  })

  it('refuses anything that is not in the vocabulary', () => {
    for (const text of ['hello', 'ready!', 'ready please', '', 'x'.repeat(40), '👍👍']) {
      expect(ActionRef.safeParse(text).success).toBe(false)
    }
    expect(ActionRef.safeParse(1).success).toBe(false)
  })

  it('refuses extra fields next to an action, so no text can ride along', () => {
    expect(SendActionBody.safeParse({ action: 'ready', text: 'hi' }).success).toBe(false)
    expect(
      SendMessage.safeParse({
        sessionId: '6f1c3c1e-8a52-4c39-9d2b-1f6a2b0c9e11',
        action: 'ready',
        note: 'x',
      }).success,
    ).toBe(false)
    expect(SendActionBody.parse({ action: '👎' })).toEqual({ action: 'thumbs-down' })
  })

  it('gives every poll template fixed, short choice ids', () => {
    for (const { choices } of Object.values(POLL_TEMPLATES)) {
      expect(choices.length).toBeGreaterThanOrEqual(2)
      for (const c of choices) expect(c).toMatch(/^[a-z0-9-]{1,16}$/)
    }
  })
})

import { z } from 'zod'

/**
 * Everything a chat message can say. There is no free text anywhere in the chat: a message is
 * one of these ids, so nothing personal can be written, stored or leaked.
 */
export const ACTIONS = {
  'thumbs-up': '👍',
  'thumbs-down': '👎',
  ready: 'Ready',
  blocked: 'Blocked',
  review: 'Review',
  deployed: 'Deployed',
  'tests-green': 'Tests green',
} as const
export type ActionId = keyof typeof ACTIONS
export const ACTION_IDS = Object.keys(ACTIONS) as [ActionId, ...ActionId[]]

/** Polls ask a canned question with fixed choices. */
export const POLL_TEMPLATES = {
  'go-no-go': { question: 'Go or no-go?', choices: ['go', 'no-go'] },
  'ready-to-ship': { question: 'Ready to ship?', choices: ['yes', 'no', 'not-yet'] },
  'pick-one': { question: 'Which option?', choices: ['a', 'b', 'c', 'd'] },
  confidence: { question: 'How confident are you?', choices: ['1', '2', '3', '4', '5'] },
} as const
export type PollTemplateId = keyof typeof POLL_TEMPLATES
export const POLL_TEMPLATE_IDS = Object.keys(POLL_TEMPLATES) as [
  PollTemplateId,
  ...PollTemplateId[],
]

const byLabel = new Map<string, string>(
  Object.entries(ACTIONS).map(([id, label]) => [label.toLowerCase(), id]),
)

/** An action id, or its label (`👍`, `Tests green`), normalised to the id. */
export const ActionRef = z
  .string()
  .max(32)
  .transform((s) => byLabel.get(s.trim().toLowerCase()) ?? s)
  .pipe(z.enum(ACTION_IDS, { error: 'must be one of the canned actions' }))

export function label(action: ActionId): string {
  return ACTIONS[action]
}

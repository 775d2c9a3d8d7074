import { z } from 'zod'
import { ActionRef, POLL_TEMPLATE_IDS } from '../services/vocabulary.js'

// Every body is strict: a field that is not in the vocabulary (`text`, `note`, …) is refused.
export const SendActionBody = z.object({ action: ActionRef }).strict()
export type SendActionBody = z.infer<typeof SendActionBody>

export const CreatePollBody = z
  .object({ template: z.enum(POLL_TEMPLATE_IDS, { error: 'must be one of the poll templates' }) })
  .strict()
export type CreatePollBody = z.infer<typeof CreatePollBody>

export const VoteBody = z.object({ choice: z.string().max(16) }).strict()
export type VoteBody = z.infer<typeof VoteBody>

export const EmptyBody = z.object({}).strict()

export const ProjectParam = z.object({ projectId: z.uuid('must be a uuid') })
export const SessionParam = z.object({ sessionId: z.uuid('must be a uuid') })
export const PollParam = z.object({ pollId: z.uuid('must be a uuid') })

/** Socket messages, same vocabulary. */
export const JoinMessage = z.object({ projectId: z.uuid() }).strict()
export const SendMessage = z.object({ sessionId: z.uuid(), action: ActionRef }).strict()

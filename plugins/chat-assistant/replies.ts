/**
 * The mock assistant's whole brain: a fixed table from action to canned reply. Deterministic,
 * so tests can rely on it; a real assistant would replace this table, not the plumbing.
 */
export const REPLIES = {
  blocked: {
    reply: 'unblock-checklist',
    text: 'Blocked? Check the failing step and ping the on-call reviewer.',
  },
  review: { reply: 'review-queued', text: 'Queued for review. A reviewer will pick it up.' },
  'tests-green': { reply: 'ready-to-deploy', text: 'Tests are green: ready to deploy?' },
  deployed: {
    reply: 'watch-metrics',
    text: 'Deployed. Watch the error rate for the next 15 minutes.',
  },
} as const satisfies Partial<Record<string, { reply: string; text: string }>>

export function replyTo(action: string): { reply: string; text: string } | undefined {
  return (REPLIES as Record<string, { reply: string; text: string }>)[action]
}

import {
  OoError,
  parse,
  requirePermission,
  type AppRouter,
  type AppState,
  type PluginContext,
} from '@oo/core'
import type { Middleware } from 'koa'
import type { ChatOptions } from '../config.js'
import type { GuestTokenIssuer } from '../services/guest-passes.js'
import {
  CreatePollBody,
  EmptyBody,
  PollParam,
  ProjectParam,
  SendActionBody,
  SessionParam,
  VoteBody,
} from './schemas.js'

const MODERATORS = new Set(['owner', 'admin', 'manager'])

/** Chat commands are tiny; anything bigger is refused before it is looked at. */
function limitPayload(maxBytes: number): Middleware<AppState> {
  return async function limitPayload(ctx, next) {
    const declared = Number(ctx.get('content-length') || 0)
    const actual =
      ctx.request.body === undefined ? 0 : Buffer.byteLength(JSON.stringify(ctx.request.body))
    if (Math.max(declared, actual) > maxBytes) {
      throw new OoError(
        'CHAT_PAYLOAD_TOO_LARGE',
        413,
        `Chat commands are at most ${maxBytes} bytes`,
      )
    }
    await next()
  }
}

export function adminRoutes(router: AppRouter, { options }: PluginContext<ChatOptions>): void {
  const use = [requirePermission('chat.use'), limitPayload(options.maxPayloadBytes)]

  router.post('/chat/projects/:projectId/sessions', ...use, async function openSession(ctx) {
    const { projectId } = parse(ProjectParam, ctx.params)
    parse(EmptyBody, ctx.request.body ?? {})
    ctx.status = 201
    ctx.body = await ctx.state.scope.cradle.chatService.openSession(projectId)
  })

  router.get('/chat/projects/:projectId/sessions', ...use, async function listSessions(ctx) {
    ctx.body = await ctx.state.scope.cradle.chatService.activeSessions(
      parse(ProjectParam, ctx.params).projectId,
    )
  })

  router.delete('/chat/sessions/:sessionId', ...use, async function closeSession(ctx) {
    await ctx.state.scope.cradle.chatService.closeSession(parse(SessionParam, ctx.params).sessionId)
    ctx.status = 204
  })

  router.post('/chat/sessions/:sessionId/actions', ...use, async function sendAction(ctx) {
    const { sessionId } = parse(SessionParam, ctx.params)
    const { action } = parse(SendActionBody, ctx.request.body)
    ctx.status = 202
    ctx.body = await ctx.state.scope.cradle.chatService.send(sessionId, action)
  })

  router.post('/chat/sessions/:sessionId/polls', ...use, async function createPoll(ctx) {
    const { sessionId } = parse(SessionParam, ctx.params)
    const { template } = parse(CreatePollBody, ctx.request.body)
    ctx.status = 201
    ctx.body = await ctx.state.scope.cradle.pollService.create(sessionId, template)
  })

  router.get('/chat/polls/:pollId', ...use, async function getPoll(ctx) {
    ctx.body = await ctx.state.scope.cradle.pollService.get(parse(PollParam, ctx.params).pollId)
  })

  router.post('/chat/polls/:pollId/votes', ...use, async function vote(ctx) {
    const { pollId } = parse(PollParam, ctx.params)
    const { choice } = parse(VoteBody, ctx.request.body)
    ctx.status = 201
    ctx.body = await ctx.state.scope.cradle.pollService.vote(pollId, choice)
  })

  router.post('/chat/polls/:pollId/close', ...use, async function closePoll(ctx) {
    const { pollId } = parse(PollParam, ctx.params)
    parse(EmptyBody, ctx.request.body ?? {})
    ctx.body = await ctx.state.scope.cradle.pollService.close(
      pollId,
      MODERATORS.has(ctx.state.role ?? ''),
    )
  })

  router.get('/chat/projects/:projectId/counters', ...use, async function counters(ctx) {
    ctx.body = await ctx.state.scope.cradle.chatService.counters(
      parse(ProjectParam, ctx.params).projectId,
    )
  })

  router.post(
    '/chat/projects/:projectId/guests',
    requirePermission('chat.guests.invite'),
    limitPayload(options.maxPayloadBytes),
    async function inviteGuest(ctx) {
      const { projectId } = parse(ProjectParam, ctx.params)
      parse(EmptyBody, ctx.request.body ?? {})
      const issuer = ctx.state.scope.resolve<GuestTokenIssuer | undefined>('guestTokens', {
        allowUnregistered: true,
      })
      ctx.status = 201
      ctx.body = await ctx.state.scope.cradle.guestPasses.invite(projectId, issuer)
    },
  )
}

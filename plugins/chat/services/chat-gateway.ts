import type { Namespace } from 'socket.io'
import type { ActionId } from './vocabulary.js'

/** Room of one project's chat. Tenant-qualified, so no emit can cross tenants. */
export function projectRoom(tenantId: string, projectId: string): string {
  return `chat:${tenantId}:${projectId}`
}

/** Every socket of one participant (to tell them a session was closed). */
export function participantRoom(tenantId: string, participantId: string): string {
  return `chat-participant:${tenantId}:${participantId}`
}

export interface ActionMessage {
  projectId: string
  from: string
  action: ActionId
  label: string
  at: number
}

export interface AssistantMessage {
  projectId: string
  from: 'assistant'
  inReplyTo: ActionId
  reply: string
  text: string
  at: number
}

export interface PollMessage {
  projectId: string
  pollId: string
  template: string
  question: string
  choices: readonly string[]
  status: 'open' | 'closed'
  tally: Record<string, number>
}

/** Fan-out to project rooms on `/chat`; with Redis it reaches sockets on every process. */
export class ChatGateway {
  #nsp?: Namespace

  attach(nsp: Namespace): void {
    this.#nsp = nsp
  }

  action(tenantId: string, message: ActionMessage): void {
    this.#nsp?.to(projectRoom(tenantId, message.projectId)).emit('chat:action', message)
  }

  assistant(tenantId: string, message: AssistantMessage): void {
    this.#nsp?.to(projectRoom(tenantId, message.projectId)).emit('chat:assistant', message)
  }

  poll(
    tenantId: string,
    event: 'poll:created' | 'poll:voted' | 'poll:closed',
    message: PollMessage,
  ): void {
    this.#nsp?.to(projectRoom(tenantId, message.projectId)).emit(event, message)
  }

  sessionsClosed(
    tenantId: string,
    participantId: string,
    projectId: string,
    sessionIds: string[],
  ): void {
    if (sessionIds.length)
      this.#nsp
        ?.to(participantRoom(tenantId, participantId))
        .emit('session:closed', { projectId, sessionIds, reason: 'replaced' })
  }
}

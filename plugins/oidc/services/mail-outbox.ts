import type { Database } from '@oo/core'

export interface Mail {
  id: string
  to: string
  subject: string
  body: string
  createdAt: Date
}

/** Mail the development issuer sends (reset links, verification): stored, readable by admins and tests. */
export class MailOutbox {
  readonly #database: Database

  constructor({ database }: { database: Database }) {
    this.#database = database
  }

  async send(to: string, subject: string, body: string): Promise<void> {
    await this.#database
      .app('oidc_mail_outbox')
      .insert({ to_address: to.toLowerCase(), subject, body })
  }

  async list(to?: string, limit = 50): Promise<Mail[]> {
    const q = this.#database.app('oidc_mail_outbox').orderBy('created_at', 'desc').limit(limit)
    if (to) q.where({ to_address: to.toLowerCase() })
    return (await q.select(
      'id',
      'to_address as to',
      'subject',
      'body',
      'created_at as createdAt',
    )) as Mail[]
  }
}

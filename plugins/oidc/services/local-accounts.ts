import { createHash, randomBytes } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'
import { OoError, type Database } from '@oo/core'
import type { MailOutbox } from './mail-outbox.js'

export interface Account {
  id: string
  email: string
  name: string | null
  emailVerified: boolean
}

export const MIN_PASSWORD_LENGTH = 10
const ARGON2ID = 2 // Algorithm.Argon2id; a const enum cannot be imported under verbatimModuleSyntax
const MAX_FAILURES = 5
const LOCK_MINUTES = 15
const RESET_TTL_MINUTES = 30
const SELECT = ['id', 'email', 'name', 'email_verified as emailVerified']

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

/** Accounts of the built-in issuer: argon2id hashes, lock-out, one-time reset and verification tokens. */
export class LocalAccounts {
  readonly #database: Database
  readonly #mail: MailOutbox
  #dummyHash?: Promise<string>

  constructor({ database, oidcMail }: { database: Database; oidcMail: MailOutbox }) {
    this.#database = database
    this.#mail = oidcMail
  }

  async register(
    input: { email: string; password: string; name?: string; emailVerified?: boolean },
    verifyUrl?: (token: string) => string,
  ): Promise<Account> {
    checkPassword(input.password)
    const email = input.email.trim().toLowerCase()
    const [row] = await this.#database
      .app('oidc_accounts')
      .insert({
        email,
        name: input.name ?? null,
        password_hash: await hash(input.password, { algorithm: ARGON2ID }),
        email_verified: input.emailVerified ?? false,
      })
      .onConflict('email')
      .ignore()
      .returning(SELECT)
    if (!row)
      throw new OoError('OIDC_ACCOUNT_EXISTS', 409, `An account for ${email} exists`, {
        field: 'email',
      })
    const account = row as Account
    if (!account.emailVerified && verifyUrl) {
      const token = await this.#oneTimeToken(account.id, 'verify', 24 * 60)
      await this.#mail.send(
        email,
        'Confirm your email',
        `Confirm your email address: ${verifyUrl(token)}\n\nToken: ${token}`,
      )
    }
    return account
  }

  byId(id: string): Promise<Account | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return Promise.resolve(undefined)
    return this.#database.app('oidc_accounts').where({ id }).first(SELECT) as Promise<
      Account | undefined
    >
  }

  byEmail(email: string): Promise<Account | undefined> {
    return this.#database
      .app('oidc_accounts')
      .where({ email: email.trim().toLowerCase() })
      .first(SELECT) as Promise<Account | undefined>
  }

  /** The account for these credentials. Failures count; the 5th locks the account for 15 minutes. */
  async authenticate(email: string, password: string): Promise<Account> {
    const knex = this.#database.app
    const row = await knex('oidc_accounts').where({ email: email.trim().toLowerCase() }).first()
    if (!row) {
      // Same work as a real check, so timing does not reveal which emails have accounts.
      await verify(await this.#dummy(), password).catch(() => false)
      throw badCredentials()
    }
    if (row.locked_until && new Date(row.locked_until) > new Date()) {
      throw new OoError(
        'OIDC_ACCOUNT_LOCKED',
        423,
        'Too many failed sign-ins: this account is locked for a while. Reset the password to unlock it now.',
      )
    }
    if (!(await verify(row.password_hash, password).catch(() => false))) {
      const failures = row.failed_attempts + 1
      const lock = failures >= MAX_FAILURES
      await knex('oidc_accounts')
        .where({ id: row.id })
        .update({
          failed_attempts: lock ? 0 : failures,
          locked_until: lock ? new Date(Date.now() + LOCK_MINUTES * 60_000) : row.locked_until,
          updated_at: knex.fn.now(),
        })
      if (lock)
        throw new OoError(
          'OIDC_ACCOUNT_LOCKED',
          423,
          'Too many failed sign-ins: this account is locked for a while. Reset the password to unlock it now.',
        )
      throw badCredentials()
    }
    if (row.failed_attempts || row.locked_until)
      await knex('oidc_accounts')
        .where({ id: row.id })
        .update({ failed_attempts: 0, locked_until: null })
    return { id: row.id, email: row.email, name: row.name, emailVerified: row.email_verified }
  }

  /** Mails a one-time reset link when the account exists; answers the same either way. */
  async requestPasswordReset(email: string, resetUrl: (token: string) => string): Promise<void> {
    const account = await this.byEmail(email)
    if (!account) return
    const token = await this.#oneTimeToken(account.id, 'reset', RESET_TTL_MINUTES)
    await this.#mail.send(
      account.email,
      'Reset your password',
      `Someone asked to reset your password. Use this link within ${RESET_TTL_MINUTES} minutes: ${resetUrl(token)}\n\nToken: ${token}\n\nIf it was not you, ignore this mail.`,
    )
  }

  /** Sets a new password with a reset token: once, before it expires. Unlocks the account. */
  async resetPassword(token: string, password: string): Promise<Account> {
    checkPassword(password)
    const accountId = await this.#consume(token, 'reset')
    const knex = this.#database.app
    await knex('oidc_accounts')
      .where({ id: accountId })
      .update({
        password_hash: await hash(password, { algorithm: ARGON2ID }),
        failed_attempts: 0,
        locked_until: null,
        updated_at: knex.fn.now(),
      })
    return (await this.byId(accountId))!
  }

  async verifyEmail(token: string): Promise<Account> {
    const accountId = await this.#consume(token, 'verify')
    await this.#database
      .app('oidc_accounts')
      .where({ id: accountId })
      .update({ email_verified: true, updated_at: this.#database.app.fn.now() })
    return (await this.byId(accountId))!
  }

  async #oneTimeToken(
    accountId: string,
    purpose: 'reset' | 'verify',
    minutes: number,
  ): Promise<string> {
    const token = randomBytes(32).toString('base64url')
    await this.#database.app('oidc_account_tokens').insert({
      token_hash: sha256(token),
      account_id: accountId,
      purpose,
      expires_at: new Date(Date.now() + minutes * 60_000),
    })
    return token
  }

  async #consume(token: string, purpose: 'reset' | 'verify'): Promise<string> {
    const [row] = await this.#database
      .app('oidc_account_tokens')
      .where({ token_hash: sha256(token), purpose })
      .whereNull('used_at')
      .where('expires_at', '>', new Date())
      .update({ used_at: new Date() })
      .returning('account_id')
    if (!row)
      throw new OoError(
        'OIDC_TOKEN_INVALID_OR_USED',
        400,
        'This link is invalid, expired or already used',
        { field: 'token' },
      )
    return (row as { account_id: string }).account_id
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= hash(randomBytes(16).toString('hex'), { algorithm: ARGON2ID })
    return this.#dummyHash
  }
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new OoError(
      'OIDC_PASSWORD_TOO_SHORT',
      400,
      `Passwords need at least ${MIN_PASSWORD_LENGTH} characters`,
      { field: 'password' },
    )
  }
}

function badCredentials(): OoError {
  return new OoError('OIDC_BAD_CREDENTIALS', 401, 'Wrong email or password')
}

import { createHash, randomBytes } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'
import { OoError, type Database, type Logger } from '@oo/core'
import type { MailOutbox } from './mail-outbox.js'

export interface Account {
  id: string
  email: string
  name: string | null
  emailVerified: boolean
}

/** Where the links in account mail point: the issuer's public origin, never a request's Host. */
export interface AccountLinks {
  verify(token: string): string
  reset(token: string): string
}

export const MIN_PASSWORD_LENGTH = 10
const ARGON2ID = 2 // Algorithm.Argon2id; a const enum cannot be imported under verbatimModuleSyntax
const RESET_TTL_MINUTES = 30
const VERIFY_TTL_MINUTES = 24 * 60
const SELECT = ['id', 'email', 'name', 'email_verified as emailVerified']

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

/**
 * Accounts of the built-in issuer: argon2id hashes, one-time reset and verification tokens.
 * What a stranger can ask (sign-up, reset) answers the same whether or not the address has an
 * account: the same work happens before the answer, and the mail goes out after it.
 */
export class LocalAccounts {
  readonly #database: Database
  readonly #mail: MailOutbox
  readonly #logger: Logger
  readonly #mailing = new Set<Promise<void>>()
  #dummyHash?: Promise<string>

  constructor({
    database,
    oidcMail,
    logger,
  }: {
    database: Database
    oidcMail: MailOutbox
    logger: Logger
  }) {
    this.#database = database
    this.#mail = oidcMail
    this.#logger = logger
  }

  /**
   * Self-service sign-up. A new address gets an unverified account and a confirmation link. A
   * known unverified one takes the new password (nobody proved the address yet: the latest
   * sign-up wins, and earlier links stop working); a verified one keeps its password and gets a
   * reset link instead. Either way the caller learns nothing: same answer, same work before it.
   * `passwordReplaced` runs (after the answer) when a known unverified account took the new
   * password: its sessions must end.
   */
  async signUp(
    input: { email: string; password: string; name?: string },
    links: AccountLinks,
    passwordReplaced: (accountId: string) => Promise<void>,
  ): Promise<void> {
    checkPassword(input.password)
    const email = input.email.trim().toLowerCase()
    const passwordHash = await hash(input.password, { algorithm: ARGON2ID })
    const knex = this.#database.app
    const keepIfVerified = (column: string) =>
      knex.raw(
        `case when oidc_accounts.email_verified then oidc_accounts.?? else excluded.?? end`,
        [column, column],
      )
    const [row] = (await knex('oidc_accounts')
      .insert({ email, name: input.name ?? null, password_hash: passwordHash })
      .onConflict('email')
      .merge({ password_hash: keepIfVerified('password_hash'), name: keepIfVerified('name') })
      .returning(['id', 'email_verified', knex.raw('(xmax = 0) as created')])) as {
      id: string
      email_verified: boolean
      created: boolean
    }[]
    const { id, email_verified: verified, created } = row!
    this.#later(async () => {
      if (verified) {
        const token = await this.#oneTimeToken(id, 'reset', RESET_TTL_MINUTES)
        return this.#mail.send(
          email,
          'You already have an account',
          `Someone tried to create an account with this address, which has one. Sign in, or choose a new password within ${RESET_TTL_MINUTES} minutes: ${links.reset(token)}\n\nToken: ${token}\n\nIf it was not you, ignore this mail.`,
        )
      }
      if (!created) {
        await knex('oidc_account_tokens')
          .where({ account_id: id, purpose: 'verify' })
          .whereNull('used_at')
          .update({ used_at: new Date() })
        await passwordReplaced(id)
      }
      const token = await this.#oneTimeToken(id, 'verify', VERIFY_TTL_MINUTES)
      await this.#mail.send(
        email,
        'Confirm your email',
        `Confirm your email address: ${links.verify(token)}\n\nToken: ${token}`,
      )
    })
  }

  /** An account made by the platform (seed, tests); 409 when the address has one. */
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
      const token = await this.#oneTimeToken(account.id, 'verify', VERIFY_TTL_MINUTES)
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

  /**
   * The account for these credentials. Unknown addresses cost the same argon2 check, so timing
   * does not tell them apart; failures are counted by the caller (SignInFailures), per address.
   */
  async authenticate(email: string, password: string): Promise<Account> {
    const row = await this.#database
      .app('oidc_accounts')
      .where({ email: email.trim().toLowerCase() })
      .first()
    const ok = await verify(row?.password_hash ?? (await this.#dummy()), password).catch(
      () => false,
    )
    if (!row || !ok) throw badCredentials()
    return { id: row.id, email: row.email, name: row.name, emailVerified: row.email_verified }
  }

  /** Checks the current password, then sets a new one (the caller ends the account's sessions). */
  async changePassword(email: string, current: string, next: string): Promise<Account> {
    checkPassword(next)
    const account = await this.authenticate(email, current)
    await this.#setPassword(account.id, next)
    return account
  }

  /**
   * Mails a one-time reset link when the account exists. Nothing is looked up before the
   * answer: the caller learns nothing, not even from the time it took.
   */
  requestPasswordReset(email: string, links: AccountLinks): void {
    this.#later(async () => {
      const account = await this.byEmail(email)
      if (!account) return
      const token = await this.#oneTimeToken(account.id, 'reset', RESET_TTL_MINUTES)
      await this.#mail.send(
        account.email,
        'Reset your password',
        `Someone asked to reset your password. Use this link within ${RESET_TTL_MINUTES} minutes: ${links.reset(token)}\n\nToken: ${token}\n\nIf it was not you, ignore this mail.`,
      )
    })
  }

  /** Sets a new password with a reset token: once, before it expires. */
  async resetPassword(token: string, password: string): Promise<Account> {
    checkPassword(password)
    const accountId = await this.#consume(token, 'reset')
    await this.#setPassword(accountId, password)
    return (await this.byId(accountId))!
  }

  /** Resolves when the mail of every sign-up and reset asked for so far has been written. */
  async settled(): Promise<void> {
    while (this.#mailing.size) await Promise.all(this.#mailing)
  }

  async #setPassword(accountId: string, password: string): Promise<void> {
    const knex = this.#database.app
    await knex('oidc_accounts')
      .where({ id: accountId })
      .update({
        password_hash: await hash(password, { algorithm: ARGON2ID }),
        updated_at: knex.fn.now(),
      })
  }

  /** Work after the answer (account mail), kept until done so a stopping engine can wait for it. */
  #later(job: () => Promise<void>): void {
    const running: Promise<void> = job()
      .catch((err: unknown) => this.#logger.error({ err }, 'oidc: account mail failed'))
      .finally(() => this.#mailing.delete(running))
    this.#mailing.add(running)
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

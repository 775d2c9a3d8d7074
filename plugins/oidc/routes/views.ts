const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(title)} · OmniOrder</title>
<style>body{font:16px system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}label,input,button{display:block;width:100%;box-sizing:border-box}input{margin:.25rem 0 1rem;padding:.5rem}button{padding:.6rem}.error{color:#b00020}.note{color:#555;font-size:.9rem}</style>
</head><body><h1>${escape(title)}</h1>${body}</body></html>`
}

const error = (message?: string) =>
  message ? `<p class="error" role="alert">${escape(message)}</p>` : ''

export function loginPage(opts: {
  uid: string
  email?: string
  error?: string
  clientId: string
}): string {
  return page(
    'Sign in',
    `${error(opts.error)}<form method="post" action="/oidc/interaction/${escape(opts.uid)}/login" autocomplete="on">
<label>Email <input name="email" type="email" required autofocus value="${escape(opts.email ?? '')}"></label>
<label>Password <input name="password" type="password" required></label>
<button type="submit">Sign in</button></form>
<p class="note"><a href="/oidc/register">Create an account</a> · <a href="/oidc/password-reset">Forgot your password?</a> · <a href="/oidc/interaction/${escape(opts.uid)}/abort">Cancel</a></p>
<p class="note">Development issuer for ${escape(opts.clientId)}.</p>`,
  )
}

export function registerPage(opts: { error?: string; done?: string } = {}): string {
  if (opts.done) return page('Account created', `<p>${escape(opts.done)}</p>`)
  return page(
    'Create an account',
    `${error(opts.error)}<form method="post" action="/oidc/register">
<label>Name <input name="name"></label><label>Email <input name="email" type="email" required></label>
<label>Password (10+ characters) <input name="password" type="password" minlength="10" required></label>
<button type="submit">Create account</button></form>`,
  )
}

export function resetRequestPage(opts: { sent?: boolean } = {}): string {
  if (opts.sent)
    return page(
      'Check your mail',
      '<p>If an account exists for this address, a reset link is on its way.</p>',
    )
  return page(
    'Reset your password',
    `<form method="post" action="/oidc/password-reset"><label>Email <input name="email" type="email" required></label><button type="submit">Send reset link</button></form>`,
  )
}

export function resetConfirmPage(opts: { token: string; error?: string; done?: boolean }): string {
  if (opts.done)
    return page('Password changed', '<p>Your password is changed. You can sign in again.</p>')
  return page(
    'Choose a new password',
    `${error(opts.error)}<form method="post" action="/oidc/password-reset/confirm"><input type="hidden" name="token" value="${escape(opts.token)}">
<label>New password (10+ characters) <input name="password" type="password" minlength="10" required></label><button type="submit">Set password</button></form>`,
  )
}

export function messagePage(title: string, message: string): string {
  return page(title, `<p>${escape(message)}</p>`)
}

// A real OpenID Connect provider for the single sign-on browser test (oidc-provider, OpenID-certified).
// One client, the accounts given in OIDC_ACCOUNTS, and oidc-provider's development login form
// (any password). Prints "ready" once it listens on 127.0.0.1:OIDC_PORT.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS);
const client = {
  client_id: process.env.OIDC_CLIENT_ID,
  client_secret: process.env.OIDC_CLIENT_SECRET,
  redirect_uris: [process.env.OIDC_REDIRECT_URI],
  post_logout_redirect_uris: [process.env.OIDC_REDIRECT_URI],
  grant_types: ['authorization_code'],
  response_types: ['code'],
};

// The logout confirmation without the default page's web font (the test browser has no internet).
async function logoutSource(ctx, form) {
  ctx.body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Logout Request</title></head>
    <body><h1>Do you want to sign-out from ${ctx.host}?</h1>${form}
    <button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
    <button type="submit" form="op.logoutForm">No, stay signed in</button></body></html>`;
}

const provider = new Provider(issuer, {
  clients: [client],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // Put the requested claims in the ID token: Streamlit reads the user from the ID token only.
  conformIdTokenClaims: false,
  cookies: { keys: ['leersessie-test-only-cookie-key'] },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true, logoutSource } },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...account }; } };
  },
  // A first-party client: no consent screen (oidc-provider's documented recipe).
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

provider.listen(port, '127.0.0.1', () => console.log('ready'));

/**
 * sign-downstream-claims (migrated from the Rule of the same name).
 *
 * The Ledger service behind the portal and the mobile app trusts this claim instead of
 * calling our API back. It recomputes the HMAC with the same shared key.
 *
 * Secrets: DOWNSTREAM_SIGNING_KEY.
 */
const crypto = require('crypto');

const SIGNED_CLIENTS = ['Acme Portal', 'Acme Mobile'];

exports.onExecutePostLogin = async (event, api) => {
  if (!SIGNED_CLIENTS.includes(event.client.name)) {
    return;
  }
  const signature = crypto
    .createHmac('sha256', event.secrets.DOWNSTREAM_SIGNING_KEY)
    .update(`${event.user.user_id}|${event.client.client_id}`)
    .digest('hex')
    .slice(0, 32);
  api.idToken.setCustomClaim('https://acme.com/signature', signature);
};

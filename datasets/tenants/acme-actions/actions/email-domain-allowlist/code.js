/**
 * email-domain-allowlist (migrated from the Rule of the same name).
 *
 * Internal applications are limited to Acme staff and contractors. A client is internal when
 * its metadata says restricted=true or when it is listed here.
 *
 * Secrets: ALLOWED_DOMAINS (comma-separated).
 */
const INTERNAL_CLIENTS = ['Acme Admin Console', 'Acme Expense (SAML)'];

exports.onExecutePostLogin = async (event, api) => {
  const clientName = event.client.name;
  const clientMetadata = event.client.metadata || {};
  const restricted = clientMetadata.restricted === 'true' || INTERNAL_CLIENTS.includes(clientName);
  if (!restricted) {
    return;
  }

  const allowed = (event.secrets.ALLOWED_DOMAINS || '')
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter((d) => d.length > 0);

  const email = String(event.user.email || '').trim().toLowerCase();
  const at = email.lastIndexOf('@');
  if (at < 1) {
    return api.access.deny(`Access denied: ${clientName} requires an email address`);
  }

  const domain = email.slice(at + 1);
  if (!allowed.includes(domain)) {
    console.log(`email-domain-allowlist: ${domain} not allowed for ${clientName}`);
    return api.access.deny(`Access denied: ${domain} accounts cannot sign in to ${clientName}`);
  }

  // Anyone can sign up to the database connection with any address, so it must be verified.
  // Social and enterprise IdPs are trusted to vouch for the address.
  if (event.connection.strategy === 'auth0' && !event.user.email_verified) {
    return api.access.deny(`Access denied: please verify ${email} before signing in to ${clientName}`);
  }
};

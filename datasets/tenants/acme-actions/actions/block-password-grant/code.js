/**
 * block-password-grant (migrated from the Rule of the same name).
 *
 * The resource-owner password grant skips the hosted login page (no bot detection, no
 * redirects). Only the clients below, or clients flagged in their metadata, may still use it.
 * Ticket SEC-412.
 *
 * Migration: `UnauthorizedError` becomes `api.access.deny` (Actions only know access_denied).
 */
const PASSWORD_GRANT_CLIENTS = ['Partner API', 'Acme Mobile'];
const PASSWORD_PROTOCOLS = ['oauth2-resource-owner', 'oauth2-password'];

exports.onExecutePostLogin = async (event, api) => {
  const protocol = event.transaction?.protocol;
  if (!PASSWORD_PROTOCOLS.includes(protocol)) {
    return;
  }

  const clientMetadata = event.client.metadata || {};
  if (clientMetadata.allow_password_grant === 'true' ||
      PASSWORD_GRANT_CLIENTS.includes(event.client.name)) {
    return;
  }

  console.log(`block-password-grant: refused ${protocol} for client ${event.client.name} (${event.client.client_id})`);
  api.access.deny('Access denied: password sign-in is not enabled for this application');
};

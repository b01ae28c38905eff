/**
 * require-tos-acceptance (migrated from the Rule of the same name).
 *
 * Send users to the terms-of-service page until they accept TOS_VERSION (versions are ISO
 * dates, so string comparison orders them). The page posts back to /continue with
 * accepted=true|false.
 *
 * Migration: `context.redirect` + the `redirect-callback` pass become api.redirect.sendUserTo
 * and onContinuePostLogin: only this Action resumes, earlier ones do not run again.
 *
 * Secrets: TOS_VERSION.
 */
const NO_REDIRECT_PROTOCOLS = ['oauth2-resource-owner', 'oauth2-refresh-token', 'oauth2-password'];

function needsAcceptance(event) {
  const accepted = event.user.app_metadata?.tos_accepted_version;
  return !accepted || accepted < event.secrets.TOS_VERSION;
}

exports.onExecutePostLogin = async (event, api) => {
  if (!needsAcceptance(event)) {
    return;
  }
  // Non-interactive flows cannot be redirected: let them through, ask at the next browser login.
  if (NO_REDIRECT_PROTOCOLS.includes(event.transaction?.protocol) || event.request.query?.prompt === 'none') {
    return;
  }
  api.redirect.sendUserTo('https://acme.com/tos', { query: { version: event.secrets.TOS_VERSION } });
};

exports.onContinuePostLogin = async (event, api) => {
  const body = event.request.body || {};
  if (body.accepted !== true && body.accepted !== 'true') {
    return api.access.deny('Access denied: you must accept the terms of service to continue');
  }
  api.user.setAppMetadata('tos_accepted_version', event.secrets.TOS_VERSION);
  api.user.setAppMetadata('tos_accepted_at', new Date().toISOString());
};

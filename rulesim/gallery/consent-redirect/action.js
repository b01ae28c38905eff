/**
 * Users must accept the current consent text. The consent page posts consent=accepted back
 * to /continue, which resumes this Action in onContinuePostLogin.
 */
const CONSENT_URL = {{url}};
const CONSENT_VERSION = {{version}};
const CANNOT_REDIRECT = ['oauth2-refresh-token', 'oauth2-password', 'oauth2-resource-owner'];

exports.onExecutePostLogin = async (event, api) => {
  if (event.user.app_metadata.consent_version === CONSENT_VERSION) {
    return;
  }
  const protocol = event.transaction && event.transaction.protocol;
  const prompt = (event.request.query || {}).prompt;
  if (CANNOT_REDIRECT.includes(protocol) || prompt === 'none') {
    api.access.deny('consent is required: sign in from a browser to give it');
    return;
  }
  api.redirect.sendUserTo(CONSENT_URL + '?version=' + encodeURIComponent(CONSENT_VERSION));
};

exports.onContinuePostLogin = async (event, api) => {
  const answer = (event.request.body || {}).consent;
  if (answer !== 'accepted') {
    api.access.deny('consent is required to sign in');
    return;
  }
  api.user.setAppMetadata('consent_version', CONSENT_VERSION);
};

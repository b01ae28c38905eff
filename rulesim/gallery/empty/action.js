/**
 * A post-login Action that changes nothing. `event` describes the login (user, client,
 * connection, request); `api` issues commands: api.access.deny('why'),
 * api.idToken.setCustomClaim('https://example.com/claim', value), ...
 */
exports.onExecutePostLogin = async (event, api) => {
  // Nothing to do yet.
};

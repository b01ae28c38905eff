function blockPasswordGrant(user, context, callback) {
  // The resource-owner password grant skips the hosted login page (no bot detection,
  // no redirects). Only the clients below, or clients flagged in their metadata,
  // may still use it. Ticket SEC-412.
  var PASSWORD_GRANT_CLIENTS = ['Partner API', 'Acme Mobile'];
  var PASSWORD_PROTOCOLS = ['oauth2-resource-owner', 'oauth2-password'];

  if (PASSWORD_PROTOCOLS.indexOf(context.protocol) === -1) {
    return callback(null, user, context);
  }

  var clientMetadata = context.clientMetadata || {};
  if (clientMetadata.allow_password_grant === 'true' ||
      PASSWORD_GRANT_CLIENTS.indexOf(context.clientName) !== -1) {
    return callback(null, user, context);
  }

  console.log('block-password-grant: refused ' + context.protocol + ' for client ' +
    context.clientName + ' (' + context.clientID + ')');
  return callback(new UnauthorizedError('Access denied: password sign-in is not enabled for this application'));
}

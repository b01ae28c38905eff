function requireConsent(user, context, callback) {
  // Users must accept the current consent text. The consent page posts consent=accepted back
  // to /continue, where this rule runs again with protocol 'redirect-callback'.
  var consentUrl = {{url}};
  var consentVersion = {{version}};
  var cannotRedirect = ['oauth2-refresh-token', 'oauth2-password', 'oauth2-resource-owner'];

  var appMetadata = user.app_metadata || {};
  if (appMetadata.consent_version === consentVersion) {
    return callback(null, user, context);
  }
  var request = context.request || {};
  if (context.protocol === 'redirect-callback') {
    var answer = (request.body || {}).consent;
    if (answer !== 'accepted') {
      return callback(new UnauthorizedError('consent is required to sign in'));
    }
    appMetadata.consent_version = consentVersion;
    user.app_metadata = appMetadata;
    auth0.users.updateAppMetadata(user.user_id, user.app_metadata)
      .then(function () { callback(null, user, context); })
      .catch(function (err) { callback(err); });
    return;
  }
  if (cannotRedirect.indexOf(context.protocol) !== -1 || (request.query || {}).prompt === 'none') {
    return callback(new UnauthorizedError('consent is required: sign in from a browser to give it'));
  }
  context.redirect = { url: consentUrl + '?version=' + encodeURIComponent(consentVersion) };
  return callback(null, user, context);
}

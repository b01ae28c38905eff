function requireMfaForRoles(user, context, callback) {
  // Holders of these roles must pass multi-factor authentication.
  var mfaRoles = {{roles}};
  var held = (context.authorization && context.authorization.roles) || [];
  var needsMfa = held.some(function (role) { return mfaRoles.indexOf(role) !== -1; });
  if (needsMfa && context.protocol !== 'oauth2-refresh-token') {
    context.multifactor = { provider: 'any', allowRememberBrowser: false };
  }
  return callback(null, user, context);
}

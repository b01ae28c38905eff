function (user, context, callback) {
  // Login counter for the customer-success dashboard (reads app_metadata.login_count).
  // /continue re-runs every rule, and refresh tokens are not logins: count neither.
  if (context.protocol === 'redirect-callback' || context.protocol === 'oauth2-refresh-token') {
    return callback(null, user, context);
  }

  user.app_metadata = user.app_metadata || {};
  user.app_metadata.login_count = (parseInt(user.app_metadata.login_count, 10) || 0) + 1;
  user.app_metadata.last_login_client = context.clientName;

  auth0.users.updateAppMetadata(user.user_id, user.app_metadata)
    .then(() => callback(null, user, context))
    .catch((err) => callback(err));
}

async function (user, context, callback) {
  // Send users to the terms-of-service page until they accept TOS_VERSION
  // (versions are ISO dates, so string comparison orders them).
  // The page posts back to /continue with accepted=true|false.
  const NO_REDIRECT_PROTOCOLS = ['oauth2-resource-owner', 'oauth2-refresh-token', 'oauth2-password'];
  const currentVersion = configuration.TOS_VERSION;
  const acceptedVersion = user.app_metadata?.tos_accepted_version;
  const needsAcceptance = !acceptedVersion || acceptedVersion < currentVersion;

  if (context.protocol === 'redirect-callback') {
    if (!needsAcceptance) {
      return callback(null, user, context);
    }
    const body = context.request?.body || {};
    if (body.accepted !== true && body.accepted !== 'true') {
      return callback(new UnauthorizedError('Access denied: you must accept the terms of service to continue'));
    }
    user.app_metadata = user.app_metadata || {};
    user.app_metadata.tos_accepted_version = currentVersion;
    user.app_metadata.tos_accepted_at = new Date().toISOString();
    await auth0.users.updateAppMetadata(user.user_id, user.app_metadata);
    return callback(null, user, context);
  }

  if (!needsAcceptance) {
    return callback(null, user, context);
  }

  // Non-interactive flows cannot be redirected: let them through, ask at the next browser login.
  if (NO_REDIRECT_PROTOCOLS.includes(context.protocol) || context.request?.query?.prompt === 'none') {
    return callback(null, user, context);
  }

  context.redirect = {
    url: 'https://acme.com/tos?version=' + encodeURIComponent(currentVersion)
  };
  return callback(null, user, context);
}

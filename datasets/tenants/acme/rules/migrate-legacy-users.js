function (user, context, callback) {
  // One-time import of roles and plan from the old customer database (LegacyID).
  // Only database users existed there. Runs until app_metadata.legacy_migrated is set.
  const axios = require('axios@0.27.2');

  if (context.connection !== 'Username-Password-Authentication') {
    return callback(null, user, context);
  }
  if (user.app_metadata && user.app_metadata.legacy_migrated) {
    return callback(null, user, context);
  }

  axios.post(configuration.LEGACY_API_URL + '/users/lookup', {
    email: user.email,
    auth0_id: user.user_id
  }, {
    headers: { 'X-Api-Key': configuration.LEGACY_API_KEY },
    timeout: 8000
  })
    .then(function (response) {
      const legacy = response.data || {};
      user.app_metadata = user.app_metadata || {};
      user.app_metadata.legacy_migrated = true;
      user.app_metadata.legacy_migrated_at = new Date().toISOString();

      if (legacy.found) {
        const current = Array.isArray(user.app_metadata.roles) ? user.app_metadata.roles : [];
        const legacyRoles = Array.isArray(legacy.roles) ? legacy.roles : [];
        const merged = current.concat(legacyRoles.filter(function (r) { return current.indexOf(r) === -1; }));
        user.app_metadata.roles = merged;
        if (legacy.plan) {
          user.app_metadata.plan = legacy.plan;
        }
        // add-role-claims has already run for this login: patch its claims so the
        // migrated roles show up right away.
        ['idToken', 'accessToken'].forEach(function (token) {
          const claim = context[token]['https://acme.com/roles'];
          if (Array.isArray(claim)) {
            merged.forEach(function (r) { if (claim.indexOf(r) === -1) claim.push(r); });
          }
        });
      }

      return auth0.users.updateAppMetadata(user.user_id, user.app_metadata);
    })
    .then(function () {
      callback(null, user, context);
    })
    .catch(function (err) {
      console.log('migrate-legacy-users: failed for ' + user.user_id + ': ' + err.message);
      callback(new Error('We could not load your account details, please try again later.'));
    });
}

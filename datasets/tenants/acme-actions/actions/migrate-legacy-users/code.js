/**
 * migrate-legacy-users (migrated from the Rule of the same name).
 *
 * One-time import of roles and plan from the old customer database (LegacyID). Only database
 * users existed there. Runs until app_metadata.legacy_migrated is set.
 *
 * Migration: auth0.users.updateAppMetadata becomes api.user.setAppMetadata per key (written
 * once, at the end of the flow); the role claims set by add-role-claims are set again with
 * the legacy roles merged in (Actions cannot read claims back: the roles come from
 * transaction metadata `acme_roles`). A failed lookup denies the login with the Rule's message.
 *
 * Dependencies: axios@0.27.2. Secrets: LEGACY_API_URL, LEGACY_API_KEY.
 */
const axios = require('axios');

exports.onExecutePostLogin = async (event, api) => {
  if (event.connection.name !== 'Username-Password-Authentication') {
    return;
  }
  const appMetadata = event.user.app_metadata || {};
  if (appMetadata.legacy_migrated) {
    return;
  }

  let legacy;
  try {
    const response = await axios.post(`${event.secrets.LEGACY_API_URL}/users/lookup`, {
      email: event.user.email,
      auth0_id: event.user.user_id
    }, {
      headers: { 'X-Api-Key': event.secrets.LEGACY_API_KEY },
      timeout: 8000
    });
    legacy = response.data || {};
  } catch (err) {
    console.log(`migrate-legacy-users: failed for ${event.user.user_id}: ${err.message}`);
    return api.access.deny('We could not load your account details, please try again later.');
  }

  api.user.setAppMetadata('legacy_migrated', true);
  api.user.setAppMetadata('legacy_migrated_at', new Date().toISOString());
  if (!legacy.found) {
    return;
  }

  const current = Array.isArray(appMetadata.roles) ? appMetadata.roles : [];
  const legacyRoles = Array.isArray(legacy.roles) ? legacy.roles : [];
  const merged = current.concat(legacyRoles.filter((r) => !current.includes(r)));
  api.user.setAppMetadata('roles', merged);
  if (legacy.plan) {
    api.user.setAppMetadata('plan', legacy.plan);
  }

  // add-role-claims has already run for this login: set its claims again with the migrated roles.
  // Where add-role-claims is still a Rule (halfway through the migration), its roles are not in
  // transaction metadata: rebuild its list from the stored and RBAC roles instead, trimmed and
  // without duplicates as the Rule builds it (a role both stored and in RBAC appeared twice).
  const raw = event.transaction?.metadata?.acme_roles;
  const claimed = raw ? JSON.parse(raw) : [];
  if (!raw) {
    let stored = appMetadata.roles || [];
    if (typeof stored === 'string') {
      stored = stored.split(',');
    }
    for (let role of [].concat(stored, event.authorization?.roles || [])) {
      if (typeof role !== 'string') continue;
      role = role.trim();
      if (role && !claimed.includes(role)) claimed.push(role);
    }
  }
  const roles = claimed.concat(merged.filter((r) => !claimed.includes(r)));
  api.idToken.setCustomClaim('https://acme.com/roles', roles);
  api.accessToken.setCustomClaim('https://acme.com/roles', roles);
  api.transaction.setMetadata('acme_roles', JSON.stringify(roles));
};

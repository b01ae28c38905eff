/**
 * add-role-claims (migrated from the Rule of the same name).
 *
 * Roles come from three places:
 *  - app_metadata.roles (legacy; sometimes a comma-separated string instead of an array)
 *  - Auth0 RBAC (event.authorization.roles)
 *  - workforce IdP groups (transaction metadata `acme_idp_roles`, from map-idp-groups)
 *
 * Migration: later Actions cannot read claims back, so the roles also go to transaction
 * metadata `acme_roles` (restrict-api-scopes, contextual-mfa, migrate-legacy-users read it).
 */
const NAMESPACE = 'https://acme.com/';

exports.onExecutePostLogin = async (event, api) => {
  const appMetadata = event.user.app_metadata || {};
  let fromMetadata = appMetadata.roles || [];
  if (typeof fromMetadata === 'string') {
    fromMetadata = fromMetadata.split(',');
  }
  const fromRbac = Array.isArray(event.authorization?.roles) ? event.authorization.roles : [];
  const rawIdp = event.transaction?.metadata?.acme_idp_roles;
  const fromIdp = rawIdp ? JSON.parse(rawIdp) : [];

  const roles = [];
  for (let role of [].concat(fromMetadata, fromRbac, fromIdp)) {
    if (typeof role !== 'string') continue;
    role = role.trim();
    if (role && !roles.includes(role)) roles.push(role);
  }

  api.idToken.setCustomClaim(NAMESPACE + 'roles', roles);
  api.accessToken.setCustomClaim(NAMESPACE + 'roles', roles);
  if (roles.includes('admin')) {
    api.idToken.setCustomClaim(NAMESPACE + 'admin', true);
  }
  api.transaction.setMetadata('acme_roles', JSON.stringify(roles));
};

/**
 * The user's roles, as a namespaced claim in the ID and access tokens.
 */
const NAMESPACE = {{namespace}};

exports.onExecutePostLogin = async (event, api) => {
  const roles = (event.authorization && event.authorization.roles) || [];
  if (roles.length > 0) {
    api.idToken.setCustomClaim(NAMESPACE + 'roles', roles);
    api.accessToken.setCustomClaim(NAMESPACE + 'roles', roles);
  }
};

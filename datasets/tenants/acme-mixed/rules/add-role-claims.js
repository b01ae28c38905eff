function addRoles(user, context, callback) {
  // Roles come from three places:
  //  - app_metadata.roles (legacy, written by the old admin tool and by migrate-legacy-users;
  //    sometimes a comma-separated string instead of an array)
  //  - Auth0 RBAC (context.authorization.roles)
  //  - workforce IdP groups (user.idp_roles, set by map-idp-groups)
  var namespace = 'https://acme.com/';
  var appMetadata = user.app_metadata || {};

  var fromMetadata = appMetadata.roles || [];
  if (typeof fromMetadata === 'string') {
    fromMetadata = fromMetadata.split(',');
  }
  var fromRbac = (context.authorization && Array.isArray(context.authorization.roles))
    ? context.authorization.roles : [];
  var fromIdp = Array.isArray(user.idp_roles) ? user.idp_roles : [];

  var roles = [];
  [].concat(fromMetadata, fromRbac, fromIdp).forEach(function (role) {
    if (typeof role !== 'string') return;
    role = role.trim();
    if (role && roles.indexOf(role) === -1) roles.push(role);
  });

  context.idToken[namespace + 'roles'] = roles;
  context.accessToken[namespace + 'roles'] = roles;

  if (roles.indexOf('admin') !== -1) {
    context.idToken[namespace + 'admin'] = true;
  }

  return callback(null, user, context);
}

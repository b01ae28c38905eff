function addRolesToTokens(user, context, callback) {
  // The user's roles, as a namespaced claim in the ID and access tokens.
  var namespace = {{namespace}};
  var roles = (context.authorization && context.authorization.roles) || [];
  if (roles.length > 0) {
    context.idToken[namespace + 'roles'] = roles;
    context.accessToken[namespace + 'roles'] = roles;
  }
  return callback(null, user, context);
}

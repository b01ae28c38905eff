function restrictApplicationsToRole(user, context, callback) {
  // Only holders of the role may sign in to these applications.
  var restrictedApps = {{applications}};
  var requiredRole = {{role}};
  if (restrictedApps.indexOf(context.clientName) === -1) {
    return callback(null, user, context);
  }
  var roles = (context.authorization && context.authorization.roles) || [];
  if (roles.indexOf(requiredRole) === -1) {
    return callback(new UnauthorizedError('you do not have access to this application'));
  }
  return callback(null, user, context);
}

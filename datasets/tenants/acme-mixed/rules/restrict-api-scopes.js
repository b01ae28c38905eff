function restrictAcmeApiScopes(user, context, callback) {
  // Acme API (https://api.acme.com/) scopes are only granted to the roles below.
  // Scopes not listed here are granted as requested. Relies on the role claim
  // written by add-role-claims.
  const AUDIENCE = 'https://api.acme.com/';
  const SCOPE_ROLES = {
    'write:invoices': ['billing'],
    'approve:invoices': ['billing', 'admin'],
    'approve:expenses': ['expense-approver', 'admin'],
    'manage:users': ['admin'],
    'delete:customers': ['admin']
  };

  const query = context.request?.query || {};
  if (query.audience !== AUDIENCE) {
    return callback(null, user, context);
  }

  const roles = context.accessToken['https://acme.com/roles'] || [];
  const requested = Array.isArray(context.accessToken.scope)
    ? context.accessToken.scope
    : String(query.scope || '').split(' ').filter(Boolean);

  const removed = [];
  const granted = requested.filter((scope) => {
    const allowedRoles = SCOPE_ROLES[scope];
    if (!allowedRoles) return true;
    const ok = allowedRoles.some((role) => roles.includes(role));
    if (!ok) removed.push(scope);
    return ok;
  });

  context.accessToken.scope = granted;
  if (removed.length > 0) {
    console.log(`restrict-api-scopes: removed ${removed.join(' ')} for ${user.user_id}`);
  }
  return callback(null, user, context);
}

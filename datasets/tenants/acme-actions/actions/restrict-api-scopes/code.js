/**
 * restrict-api-scopes (migrated from the Rule of the same name).
 *
 * Acme API (https://api.acme.com/) scopes are only granted to the roles below. Scopes not
 * listed here are granted as requested.
 *
 * Migration: the Rule replaced context.accessToken.scope wholesale and read the role claim;
 * the Action removes the scopes one by one and reads the roles from transaction metadata
 * `acme_roles` (add-role-claims).
 */
const AUDIENCE = 'https://api.acme.com/';
const SCOPE_ROLES = {
  'write:invoices': ['billing'],
  'approve:invoices': ['billing', 'admin'],
  'approve:expenses': ['expense-approver', 'admin'],
  'manage:users': ['admin'],
  'delete:customers': ['admin']
};

exports.onExecutePostLogin = async (event, api) => {
  const query = event.request?.query || {};
  if (query.audience !== AUDIENCE) {
    return;
  }

  const raw = event.transaction?.metadata?.acme_roles;
  const roles = raw ? JSON.parse(raw) : [];
  const requested = event.transaction?.requested_scopes || String(query.scope || '').split(' ').filter(Boolean);

  const removed = [];
  for (const scope of requested) {
    const allowedRoles = SCOPE_ROLES[scope];
    if (allowedRoles && !allowedRoles.some((role) => roles.includes(role))) {
      api.accessToken.removeScope(scope);
      removed.push(scope);
    }
  }
  if (removed.length > 0) {
    console.log(`restrict-api-scopes: removed ${removed.join(' ')} for ${event.user.user_id}`);
  }
};

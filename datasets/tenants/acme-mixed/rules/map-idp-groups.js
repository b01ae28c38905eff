function mapIdpGroups(user, context, callback) {
  // Turns workforce IdP groups (set on user.groups by normalize-idp-profile) into
  // Acme application roles. add-role-claims merges user.idp_roles into the role claims.
  const _ = require('lodash');

  const GROUP_ROLES = {
    'acme-finance': ['billing'],
    'acme-finance-approvers': ['billing', 'expense-approver'],
    'acme-managers': ['expense-approver'],
    'acme-it-admins': ['admin'],
    'acme-engineering': ['developer'],
    'acme-sales': ['sales'],
    'acme-support': ['support']
  };

  if (!_.includes(['samlp', 'waad'], context.connectionStrategy) || _.isEmpty(user.groups)) {
    return callback(null, user, context);
  }

  // "CN=Acme-Finance,OU=Groups,DC=acme,DC=com" -> "acme-finance"
  const groups = _.uniq(_.compact(_.map(_.castArray(user.groups), function (group) {
    const cn = /^cn=([^,]+)/i.exec(String(group));
    return _.toLower(_.trim(cn ? cn[1] : String(group)));
  })));

  const roles = _.uniq(_.flatMap(groups, function (group) {
    return GROUP_ROLES[group] || [];
  }));

  user.idp_roles = roles;
  context.idToken['https://acme.com/groups'] = groups;

  return callback(null, user, context);
}

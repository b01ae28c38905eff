/**
 * map-idp-groups (migrated from the Rule of the same name).
 *
 * Turns workforce IdP groups (from normalize-idp-profile, in transaction metadata
 * `acme_groups`) into Acme application roles, kept for add-role-claims in transaction
 * metadata `acme_idp_roles`.
 *
 * Dependencies: lodash@4.17.21.
 */
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

exports.onExecutePostLogin = async (event, api) => {
  const raw = event.transaction?.metadata?.acme_groups;
  const userGroups = raw ? JSON.parse(raw) : [];
  if (!_.includes(['samlp', 'waad'], event.connection.strategy) || _.isEmpty(userGroups)) {
    return;
  }

  // "CN=Acme-Finance,OU=Groups,DC=acme,DC=com" -> "acme-finance"
  const groups = _.uniq(_.compact(_.map(_.castArray(userGroups), (group) => {
    const cn = /^cn=([^,]+)/i.exec(String(group));
    return _.toLower(_.trim(cn ? cn[1] : String(group)));
  })));
  const roles = _.uniq(_.flatMap(groups, (group) => GROUP_ROLES[group] || []));

  api.transaction.setMetadata('acme_idp_roles', JSON.stringify(roles));
  api.idToken.setCustomClaim('https://acme.com/groups', groups);
};

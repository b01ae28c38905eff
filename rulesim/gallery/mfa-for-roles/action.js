/**
 * Holders of these roles must pass multi-factor authentication.
 */
const MFA_ROLES = {{roles}};

exports.onExecutePostLogin = async (event, api) => {
  const held = (event.authorization && event.authorization.roles) || [];
  const needsMfa = held.some((role) => MFA_ROLES.includes(role));
  const protocol = event.transaction && event.transaction.protocol;
  if (needsMfa && protocol !== 'oauth2-refresh-token') {
    api.multifactor.enable('any', { allowRememberBrowser: false });
  }
};

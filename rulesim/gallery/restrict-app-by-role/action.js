/**
 * Only holders of the role may sign in to these applications.
 */
const RESTRICTED_APPS = {{applications}};
const REQUIRED_ROLE = {{role}};

exports.onExecutePostLogin = async (event, api) => {
  if (!RESTRICTED_APPS.includes(event.client.name)) {
    return;
  }
  const roles = (event.authorization && event.authorization.roles) || [];
  if (!roles.includes(REQUIRED_ROLE)) {
    api.access.deny('you do not have access to this application');
    return;
  }
};

/**
 * An email address must be verified before its owner can sign in.
 */
exports.onExecutePostLogin = async (event, api) => {
  if (event.user.email && !event.user.email_verified) {
    api.access.deny('please verify your email address before signing in');
    return;
  }
};

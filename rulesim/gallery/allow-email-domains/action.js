/**
 * Only people whose email address is at one of the allowed domains may sign in.
 */
const ALLOWED_DOMAINS = {{domains}};

exports.onExecutePostLogin = async (event, api) => {
  const email = typeof event.user.email === 'string' ? event.user.email.toLowerCase() : '';
  const domain = email.slice(email.lastIndexOf('@') + 1);
  const allowed = email.includes('@') &&
    ALLOWED_DOMAINS.some((d) => String(d).toLowerCase() === domain);
  if (!allowed) {
    api.access.deny('sign-in is limited to approved email domains');
    return;
  }
};

/**
 * force-email-verification (migrated from the disabled Rule; deployed but NOT bound to the
 * post-login trigger).
 *
 * DISABLED 2021-09-14: blocked Google and Okta users whose IdP does not send email_verified.
 * Replaced by the database-only check in email-domain-allowlist. Kept for reference; do not
 * bind without reading INC-2291.
 */
exports.onExecutePostLogin = async (event, api) => {
  if (!event.user.email_verified) {
    api.access.deny('Please verify your email before logging in.');
  }
};

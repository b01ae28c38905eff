function (user, context, callback) {
  // DISABLED 2021-09-14: blocked Google and Okta users whose IdP does not send
  // email_verified. Replaced by the database-only check in email-domain-allowlist.
  // Kept for reference; do not re-enable without reading INC-2291.
  if (!user.email_verified) {
    return callback(new UnauthorizedError('Please verify your email before logging in.'));
  }
  return callback(null, user, context);
}

function requireVerifiedEmail(user, context, callback) {
  // An email address must be verified before its owner can sign in.
  if (user.email && !user.email_verified) {
    return callback(new UnauthorizedError('please verify your email address before signing in'));
  }
  return callback(null, user, context);
}

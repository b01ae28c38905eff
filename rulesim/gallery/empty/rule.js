function (user, context, callback) {
  // A Rule that changes nothing. `user` is the profile, `context` this login's application,
  // connection and request. Deny with callback(new UnauthorizedError('why')); add a claim with
  // context.idToken['https://example.com/claim'] = value; then continue:
  return callback(null, user, context);
}

function signInAsPrimaryAccount(user, context, callback) {
  // A linked identity carries its primary account's user_id in app_metadata; the tokens are
  // then issued for the primary account.
  var metadataKey = {{metadata_key}};
  var primary = (user.app_metadata || {})[metadataKey];
  if (typeof primary === 'string' && primary !== '' && primary !== user.user_id) {
    context.primaryUser = primary;
  }
  return callback(null, user, context);
}

/**
 * A linked identity carries its primary account's user_id in app_metadata; the tokens are
 * then issued for the primary account.
 */
const METADATA_KEY = {{metadata_key}};

exports.onExecutePostLogin = async (event, api) => {
  const primary = event.user.app_metadata[METADATA_KEY];
  if (typeof primary === 'string' && primary !== '' && primary !== event.user.user_id) {
    api.authentication.setPrimaryUser(primary);
  }
};

/**
 * count-logins (migrated from the Rule of the same name).
 *
 * Login counter for the customer-success dashboard (reads app_metadata.login_count). Refresh
 * tokens are not logins.
 *
 * Migration: the Rule wrote the whole app_metadata; the Action sets its two keys. Actions do
 * not run again on /continue, so the `redirect-callback` guard is gone. The Action steps
 * aside when the Rule ran in the same login (api.rules.wasExecuted), so enabling both during
 * the switch-over does not count a login twice.
 */
// The Rule's id: while the Rule is still enabled somewhere during the switch-over, it counts.
const COUNT_LOGINS_RULE = 'rul_8kq2Lw0cN3xYz7Tb';

exports.onExecutePostLogin = async (event, api) => {
  if (event.transaction?.protocol === 'oauth2-refresh-token' || api.rules.wasExecuted(COUNT_LOGINS_RULE)) {
    return;
  }
  const appMetadata = event.user.app_metadata || {};
  api.user.setAppMetadata('login_count', (parseInt(appMetadata.login_count, 10) || 0) + 1);
  api.user.setAppMetadata('last_login_client', event.client.name);
};

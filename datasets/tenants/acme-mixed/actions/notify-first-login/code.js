/**
 * notify-first-login (migrated from the Rule of the same name).
 *
 * Tell #new-signups about every first login. A Slack outage must not break sign-in.
 *
 * Migration: the Rule posted without waiting ("fire and forget"). Work still running when an
 * Action's handler resolves may be cut off, so the Action awaits the post (10 s timeout) and
 * ignores its failure. It runs once per login even when require-tos-acceptance redirected.
 *
 * Secrets: SLACK_HOOK_URL.
 */
exports.onExecutePostLogin = async (event, api) => {
  if (event.stats.logins_count !== 1) {
    return;
  }
  const user = event.user;
  const text = `:tada: New Acme user ${user.email || user.user_id} (${user.name || 'no name'}) ` +
    `signed up via ${event.connection.name} on ${event.client.name}`;
  try {
    const response = await fetch(event.secrets.SLACK_HOOK_URL, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text, username: 'auth0-actions', icon_emoji: ':lock:' }),
      signal: AbortSignal.timeout(10000)
    });
    if (response.status >= 300) {
      console.log(`notify-first-login: Slack hook failed: HTTP ${response.status}`);
    }
  } catch (err) {
    console.log(`notify-first-login: Slack hook failed: ${err.message}`);
  }
};

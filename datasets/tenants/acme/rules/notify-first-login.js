function (user, context, cb) {
  // Tell #new-signups about every first login. Fire and forget: the user does not
  // wait for Slack, and a Slack outage must not break sign-in.
  var stats = context.stats || {};
  if (stats.loginsCount !== 1) {
    return cb(null, user, context);
  }

  var text = ':tada: New Acme user ' + (user.email || user.user_id) + ' (' + (user.name || 'no name') +
    ') signed up via ' + context.connection + ' on ' + context.clientName;

  require('request').post({
    url: configuration.SLACK_HOOK_URL,
    json: { text: text, username: 'auth0-rules', icon_emoji: ':lock:' },
    timeout: 10000
  }, function (err, response) {
    if (err || response.statusCode >= 300) {
      console.log('notify-first-login: Slack hook failed: ' + (err ? err.message : 'HTTP ' + response.statusCode));
    }
  });

  return cb(null, user, context);
}

function enrichProfileFromApi(user, context, callback) {
  // Company and job title from the profile API, as ID token claims. A failing API never
  // blocks the login.
  var request = require('request');
  var lookupUrl = {{url}};
  var namespace = {{namespace}};

  if (!user.email) {
    return callback(null, user, context);
  }
  request.get({
    url: lookupUrl,
    qs: { email: user.email },
    headers: { Authorization: 'Bearer ' + configuration.PROFILE_API_KEY },
    json: true,
    timeout: 5000
  }, function (err, response, body) {
    if (err || response.statusCode !== 200 || !body || typeof body !== 'object') {
      console.log('profile lookup skipped: ' + (err ? err.message : 'HTTP ' + response.statusCode));
      return callback(null, user, context);
    }
    if (typeof body.company === 'string') {
      context.idToken[namespace + 'company'] = body.company;
    }
    if (typeof body.job_title === 'string') {
      context.idToken[namespace + 'job_title'] = body.job_title;
    }
    return callback(null, user, context);
  });
}

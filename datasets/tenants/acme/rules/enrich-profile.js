function enrichFromPartner(user, context, callback) {
  // Company, title and seniority from the enrichment partner, as ID token claims
  // for the portal's account page. Nothing is stored on the user.
  var request = require('request');

  if (!user.email || context.clientName === 'Partner API' || context.protocol === 'oauth2-refresh-token') {
    return callback(null, user, context);
  }

  // TODO remove after the key rotation is confirmed (OPS-1180)
  console.log('enrich-profile: looking up ' + user.email + ' with key ' +
    String(configuration.ENRICH_API_KEY).slice(0, 16) + '...');

  request.get({
    url: 'https://enrich.acme-partners.example/v2/person',
    qs: { email: user.email },
    json: true,
    headers: { Authorization: 'Bearer ' + configuration.ENRICH_API_KEY },
    timeout: 5000
  }, function (err, response, body) {
    if (err || response.statusCode !== 200 || !body) {
      // Never block a login because the partner is down.
      console.log('enrich-profile: skipped for ' + user.user_id + ': ' +
        (err ? err.message : 'HTTP ' + response.statusCode));
      return callback(null, user, context);
    }

    var ns = 'https://acme.com/';
    if (body.company) context.idToken[ns + 'company'] = body.company;
    if (body.title) context.idToken[ns + 'title'] = body.title;
    if (body.seniority) context.idToken[ns + 'seniority'] = body.seniority;

    return callback(null, user, context);
  });
}

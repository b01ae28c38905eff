function (user, context, callback) {
  // Step-up MFA when a login looks unusual or the user is an administrator.
  // Refresh tokens cannot answer an MFA challenge, so they are left alone.
  if (context.protocol === 'oauth2-refresh-token') {
    return callback(null, user, context);
  }

  var appMetadata = user.app_metadata || {};
  var knownCountries = Array.isArray(appMetadata.known_countries) ? appMetadata.known_countries : [];
  var geoip = context.request && context.request.geoip;
  var country = geoip ? geoip.country_code : undefined;
  var roles = context.idToken['https://acme.com/roles'] || appMetadata.roles || [];

  var reasons = [];
  if (country && knownCountries.indexOf(country) === -1) {
    reasons.push('new country ' + country);
  }
  if (context.riskAssessment && context.riskAssessment.confidence === 'low') {
    reasons.push('low risk-assessment confidence');
  }
  if (roles.indexOf('admin') !== -1) {
    reasons.push('admin role');
  }

  // Remember the country. Only changed in memory here: it is saved when a later rule
  // writes app_metadata (count-logins).
  if (country && knownCountries.indexOf(country) === -1) {
    user.app_metadata = appMetadata;
    user.app_metadata.known_countries = knownCountries.concat([country]);
  }

  if (reasons.length > 0) {
    context.multifactor = {
      provider: 'any',
      allowRememberBrowser: false
    };
    console.log('contextual-mfa: MFA required for ' + user.user_id + ' (' + reasons.join(', ') + ')');
  }

  return callback(null, user, context);
}

function denyCountries(user, context, callback) {
  // Logins located in these countries are denied.
  var deniedCountries = {{countries}};
  var geoip = (context.request && context.request.geoip) || {};
  var country = String(geoip.country_code || '').toUpperCase();
  if (country && deniedCountries.indexOf(country) !== -1) {
    return callback(new UnauthorizedError('sign-in from your country is not allowed'));
  }
  return callback(null, user, context);
}

/**
 * Logins located in these countries are denied.
 */
const DENIED_COUNTRIES = {{countries}};

exports.onExecutePostLogin = async (event, api) => {
  const geoip = event.request.geoip || {};
  const country = String(geoip.countryCode || '').toUpperCase();
  if (country && DENIED_COUNTRIES.includes(country)) {
    api.access.deny('sign-in from your country is not allowed');
    return;
  }
};

/**
 * contextual-mfa (migrated from the Rule of the same name).
 *
 * Step-up MFA when a login looks unusual or the user is an administrator. Refresh tokens
 * cannot answer an MFA challenge, so they are left alone.
 *
 * Migration: the Rule added the new country to app_metadata in memory only (it was saved when
 * a later rule wrote the whole app_metadata). The Action saves it explicitly with
 * api.user.setAppMetadata. Roles come from transaction metadata `acme_roles`.
 */
exports.onExecutePostLogin = async (event, api) => {
  if (event.transaction?.protocol === 'oauth2-refresh-token') {
    return;
  }

  const appMetadata = event.user.app_metadata || {};
  const knownCountries = Array.isArray(appMetadata.known_countries) ? appMetadata.known_countries : [];
  const country = event.request.geoip?.countryCode;
  const raw = event.transaction?.metadata?.acme_roles;
  const roles = raw ? JSON.parse(raw) : (appMetadata.roles || []);

  const reasons = [];
  if (country && !knownCountries.includes(country)) {
    reasons.push(`new country ${country}`);
    api.user.setAppMetadata('known_countries', knownCountries.concat([country]));
  }
  if (event.authentication?.riskAssessment?.confidence === 'low') {
    reasons.push('low risk-assessment confidence');
  }
  if (roles.includes('admin')) {
    reasons.push('admin role');
  }

  if (reasons.length > 0) {
    api.multifactor.enable('any', { allowRememberBrowser: false });
    console.log(`contextual-mfa: MFA required for ${event.user.user_id} (${reasons.join(', ')})`);
  }
};

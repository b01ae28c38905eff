/**
 * add-session-claims (migrated from the Rule of the same name).
 *
 * Claims the portal and the mobile app use to show "signed in with / from" and to scope data
 * to an organization.
 */
const NS = 'https://acme.com/';

exports.onExecutePostLogin = async (event, api) => {
  const org = event.organization;
  if (org?.id) {
    api.idToken.setCustomClaim(NS + 'org_id', org.id);
    api.idToken.setCustomClaim(NS + 'org_name', org.name);
    api.accessToken.setCustomClaim(NS + 'org_id', org.id);
  }

  const methods = (event.authentication?.methods || []).map((m) => m.name).filter(Boolean);
  if (methods.length > 0) {
    api.idToken.setCustomClaim(NS + 'auth_methods', [...new Set(methods)]);
  }

  api.idToken.setCustomClaim(NS + 'connection', event.connection.name);

  const country = event.request.geoip?.countryCode;
  if (country) {
    api.idToken.setCustomClaim(NS + 'country', country);
  }
};

function addSessionClaims(user, context, callback) {
  // Claims the portal and the mobile app use to show "signed in with / from" and to
  // scope data to an organization.
  const ns = 'https://acme.com/';

  const org = context.organization;
  if (org?.id) {
    context.idToken[ns + 'org_id'] = org.id;
    context.idToken[ns + 'org_name'] = org.name;
    context.accessToken[ns + 'org_id'] = org.id;
  }

  const methods = (context.authentication?.methods || []).map((m) => m.name).filter(Boolean);
  if (methods.length > 0) {
    context.idToken[ns + 'auth_methods'] = [...new Set(methods)];
  }

  context.idToken[ns + 'connection'] = context.connection;

  const country = context.request?.geoip?.country_code;
  if (country) {
    context.idToken[ns + 'country'] = country;
  }

  return callback(null, user, context);
}

/**
 * expense-saml-mappings (migrated from the Rule of the same name).
 *
 * Acme Expense (SaaS) wants its own attribute names and the email as NameID.
 *
 * Migration: the Rule mapped attributes to profile *paths* resolved when the assertion was
 * issued (after every rule had changed `user`). The Action sets literal values: the
 * normalized profile and the IdP roles/groups come from transaction metadata written by
 * normalize-idp-profile and map-idp-groups.
 */
const CLAIMS = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/';

function fromTransaction(event, key, fallback) {
  const raw = event.transaction?.metadata?.[key];
  return raw ? JSON.parse(raw) : fallback;
}

exports.onExecutePostLogin = async (event, api) => {
  if (event.client.name !== 'Acme Expense (SAML)') {
    return;
  }
  const user = event.user;
  const profile = fromTransaction(event, 'acme_profile', {});
  const appMetadata = user.app_metadata || {};
  const email = profile.email ?? user.email;
  const attributes = {
    [CLAIMS + 'nameidentifier']: user.user_id,
    [CLAIMS + 'emailaddress']: email,
    [CLAIMS + 'givenname']: profile.given_name ?? user.given_name,
    [CLAIMS + 'surname']: profile.family_name ?? user.family_name,
    'http://schemas.acme.com/claims/employee_id': appMetadata.employee_id,
    'http://schemas.acme.com/claims/cost_center': appMetadata.cost_center,
    'http://schemas.acme.com/claims/roles': fromTransaction(event, 'acme_idp_roles', undefined),
    'http://schemas.xmlsoap.org/claims/Group': fromTransaction(event, 'acme_groups', undefined)
  };
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) api.samlResponse.setAttribute(name, value);
  }

  api.samlResponse.setNameIdentifierFormat('urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
  api.samlResponse.setNameIdentifierProbes([CLAIMS + 'emailaddress']);
  api.samlResponse.setLifetimeInSeconds(28800);
  api.samlResponse.setSignatureAlgorithm('rsa-sha256');
  api.samlResponse.setDigestAlgorithm('sha256');
};

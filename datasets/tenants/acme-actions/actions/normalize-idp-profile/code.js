/**
 * normalize-idp-profile (migrated from the Rule of the same name).
 *
 * Okta (samlp), Azure AD (waad) and Google send names, emails and groups under different
 * keys. Downstream apps expect given_name / family_name / name / email (lower case) in the
 * ID token, and later Actions need the groups.
 *
 * Migration: the Rule rewrote `user.*`, which changed the issued profile and what later rules
 * saw. An Action cannot change the stored profile, so:
 *  - changed standard claims are set with api.idToken.setCustomClaim (they override the
 *    profile values);
 *  - what later Actions need goes to transaction metadata (strings only, so JSON):
 *    `acme_profile` {given_name, family_name, name, email} and `acme_groups` [..].
 */
const SAML_GIVEN = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname';
const SAML_SURNAME = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname';
const SAML_EMAIL = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress';
const SAML_GROUPS = 'http://schemas.xmlsoap.org/claims/Group';
const AAD_GROUPS = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups';

// First non-empty value among the keys; SAML attributes often arrive as one-element arrays.
function pick(source, keys) {
  for (const key of keys) {
    let value = source[key];
    if (Array.isArray(value)) value = value[0];
    if (value !== undefined && value !== null && String(value).trim() !== '') {
      return String(value).trim();
    }
  }
  return undefined;
}

exports.onExecutePostLogin = async (event, api) => {
  const user = event.user;
  const strategy = event.connection.strategy;
  const identity = (Array.isArray(user.identities) && user.identities[0]) || {};
  const profileData = identity.profileData || {};
  const profile = { given_name: user.given_name, family_name: user.family_name, name: user.name, email: user.email };

  if (strategy === 'samlp' || strategy === 'waad' || strategy === 'google-oauth2') {
    const given = pick(user, ['given_name']) ||
      pick(profileData, ['given_name', 'firstName', 'first_name', 'givenName', SAML_GIVEN]);
    const family = pick(user, ['family_name']) ||
      pick(profileData, ['family_name', 'lastName', 'last_name', 'surname', 'sn', SAML_SURNAME]);
    if (given) profile.given_name = given;
    if (family) profile.family_name = family;

    // Azure and Okta often put the email or the UPN in `name`.
    if (!user.name || user.name === user.email || String(user.name).includes('@')) {
      const full = [given, family].filter(Boolean).join(' ');
      if (full) profile.name = full;
    }
    if (!user.email) {
      const mail = pick(profileData, ['email', 'mail', 'emailaddress', SAML_EMAIL, 'upn']);
      if (mail && mail.includes('@')) profile.email = mail;
    }
  }
  if (typeof profile.email === 'string') {
    profile.email = profile.email.trim().toLowerCase();
  }

  for (const claim of ['given_name', 'family_name', 'name', 'email']) {
    if (profile[claim] !== undefined && profile[claim] !== user[claim]) {
      api.idToken.setCustomClaim(claim, profile[claim]);
    }
  }
  api.transaction.setMetadata('acme_profile', JSON.stringify(profile));

  if (strategy === 'samlp' || strategy === 'waad') {
    let rawGroups = profileData.groups || profileData.memberOf ||
      profileData[SAML_GROUPS] || profileData[AAD_GROUPS] || user.groups;
    if (typeof rawGroups === 'string') {
      rawGroups = rawGroups.split(/[;,|]/);
    }
    if (Array.isArray(rawGroups)) {
      const groups = rawGroups.map((g) => String(g).trim()).filter((g) => g.length > 0);
      api.transaction.setMetadata('acme_groups', JSON.stringify(groups));
    }
  }
};

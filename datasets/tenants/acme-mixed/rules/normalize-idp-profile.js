function normalizeProfile(user, context, callback) {
  // Okta (samlp), Azure AD (waad) and Google send names, emails and groups under
  // different keys. Downstream apps expect given_name / family_name / name / email
  // (lower case) and user.groups as an array of strings.
  var SAML_GIVEN = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname';
  var SAML_SURNAME = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname';
  var SAML_EMAIL = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress';
  var SAML_GROUPS = 'http://schemas.xmlsoap.org/claims/Group';
  var AAD_GROUPS = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups';

  var strategy = context.connectionStrategy;
  var identity = (Array.isArray(user.identities) && user.identities[0]) || {};
  var profileData = identity.profileData || {};

  // First non-empty value among the keys; SAML attributes often arrive as one-element arrays.
  function pick(source, keys) {
    for (var i = 0; i < keys.length; i++) {
      var value = source[keys[i]];
      if (Array.isArray(value)) value = value[0];
      if (value !== undefined && value !== null && String(value).trim() !== '') {
        return String(value).trim();
      }
    }
    return undefined;
  }

  if (strategy === 'samlp' || strategy === 'waad' || strategy === 'google-oauth2') {
    var given = pick(user, ['given_name']) ||
      pick(profileData, ['given_name', 'firstName', 'first_name', 'givenName', SAML_GIVEN]);
    var family = pick(user, ['family_name']) ||
      pick(profileData, ['family_name', 'lastName', 'last_name', 'surname', 'sn', SAML_SURNAME]);

    if (given) user.given_name = given;
    if (family) user.family_name = family;

    // Azure and Okta often put the email or the UPN in `name`.
    if (!user.name || user.name === user.email || String(user.name).indexOf('@') !== -1) {
      var full = [given, family].filter(Boolean).join(' ');
      if (full) user.name = full;
    }

    if (!user.email) {
      var mail = pick(profileData, ['email', 'mail', 'emailaddress', SAML_EMAIL, 'upn']);
      if (mail && mail.indexOf('@') !== -1) user.email = mail;
    }
  }

  if (typeof user.email === 'string') {
    user.email = user.email.trim().toLowerCase();
  }

  if (strategy === 'samlp' || strategy === 'waad') {
    var rawGroups = profileData.groups || profileData.memberOf ||
      profileData[SAML_GROUPS] || profileData[AAD_GROUPS] || user.groups;
    if (typeof rawGroups === 'string') {
      rawGroups = rawGroups.split(/[;,|]/);
    }
    if (Array.isArray(rawGroups)) {
      user.groups = rawGroups
        .map(function (g) { return String(g).trim(); })
        .filter(function (g) { return g.length > 0; });
    }
  }

  return callback(null, user, context);
}

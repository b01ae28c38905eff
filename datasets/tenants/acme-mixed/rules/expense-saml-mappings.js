function (user, context, callback) {
  // Acme Expense (SaaS) wants its own attribute names and the email as NameID.
  if (context.clientName !== 'Acme Expense (SAML)') {
    return callback(null, user, context);
  }

  context.samlConfiguration = context.samlConfiguration || {};
  context.samlConfiguration.mappings = {
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier': 'user_id',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': 'email',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname': 'given_name',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname': 'family_name',
    'http://schemas.acme.com/claims/employee_id': 'app_metadata.employee_id',
    'http://schemas.acme.com/claims/cost_center': 'app_metadata.cost_center',
    'http://schemas.acme.com/claims/roles': 'idp_roles',
    'http://schemas.xmlsoap.org/claims/Group': 'groups'
  };
  context.samlConfiguration.nameIdentifierFormat = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
  context.samlConfiguration.nameIdentifierProbes = [
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress'
  ];
  context.samlConfiguration.lifetimeInSeconds = 28800;
  context.samlConfiguration.signatureAlgorithm = 'rsa-sha256';
  context.samlConfiguration.digestAlgorithm = 'sha256';

  return callback(null, user, context);
}

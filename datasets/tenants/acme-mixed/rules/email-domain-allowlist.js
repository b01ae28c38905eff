function (user, context, cb) {
  // Internal applications are limited to Acme staff and contractors.
  // A client is internal when its metadata says restricted=true (set in the dashboard
  // under Application > Advanced > Application Metadata) or when it is listed here.
  var INTERNAL_CLIENTS = ['Acme Admin Console', 'Acme Expense (SAML)'];

  var clientMetadata = context.clientMetadata || {};
  var restricted = clientMetadata.restricted === 'true' ||
    INTERNAL_CLIENTS.indexOf(context.clientName) !== -1;
  if (!restricted) {
    return cb(null, user, context);
  }

  var allowed = (configuration.ALLOWED_DOMAINS || '')
    .split(',')
    .map(function (d) { return d.trim().toLowerCase(); })
    .filter(function (d) { return d.length > 0; });

  var email = String(user.email || '').trim().toLowerCase();
  var at = email.lastIndexOf('@');
  if (at < 1) {
    return cb(new UnauthorizedError('Access denied: ' + context.clientName + ' requires an email address'));
  }

  var domain = email.slice(at + 1);
  if (allowed.indexOf(domain) === -1) {
    console.log('email-domain-allowlist: ' + domain + ' not allowed for ' + context.clientName);
    return cb(new UnauthorizedError('Access denied: ' + domain + ' accounts cannot sign in to ' + context.clientName));
  }

  // Anyone can sign up to the database connection with any address, so it must be verified.
  // Social and enterprise IdPs are trusted to vouch for the address.
  if (context.connectionStrategy === 'auth0' && !user.email_verified) {
    return cb(new UnauthorizedError('Access denied: please verify ' + email + ' before signing in to ' + context.clientName));
  }

  return cb(null, user, context);
}

function signForLedger(user, context, cb) {
  // The Ledger service behind the portal and the mobile app trusts this claim instead of
  // calling our API back. It recomputes the HMAC with the same shared key.
  var crypto = require('crypto');
  var SIGNED_CLIENTS = ['Acme Portal', 'Acme Mobile'];

  if (SIGNED_CLIENTS.indexOf(context.clientName) === -1) {
    return cb(null, user, context);
  }

  var signature = crypto
    .createHmac('sha256', configuration.DOWNSTREAM_SIGNING_KEY)
    .update(user.user_id + '|' + context.clientID)
    .digest('hex')
    .slice(0, 32);

  context.idToken['https://acme.com/signature'] = signature;
  return cb(null, user, context);
}

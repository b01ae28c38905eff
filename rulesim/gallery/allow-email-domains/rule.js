function allowEmailDomains(user, context, callback) {
  // Only people whose email address is at one of these domains may sign in.
  var allowedDomains = {{domains}};

  var email = typeof user.email === 'string' ? user.email.toLowerCase() : '';
  var domain = email.slice(email.lastIndexOf('@') + 1);
  var allowed = email.indexOf('@') !== -1 && allowedDomains.some(function (d) {
    return String(d).toLowerCase() === domain;
  });
  if (!allowed) {
    return callback(new UnauthorizedError('sign-in is limited to approved email domains'));
  }
  return callback(null, user, context);
}

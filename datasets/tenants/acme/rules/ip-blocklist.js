function denyBlocklistedIps(user, context, callback) {
  // Deny sign-ins from addresses on the threat-intel feed. The feed is cached on `global`
  // so that a warm container fetches it at most once per BLOCKLIST_TTL_SECONDS.
  // Entries ending in "." (IPv4) or ":" (IPv6) are prefixes; others are exact addresses.
  const request = require('request');
  const ttlMs = (parseInt(configuration.BLOCKLIST_TTL_SECONDS, 10) || 600) * 1000;

  const ip = String(context.request?.ip || '').toLowerCase();
  if (!ip) {
    return callback(null, user, context);
  }

  const check = (entries) => {
    const hit = entries.find((entry) =>
      entry === ip || ((entry.endsWith('.') || entry.endsWith(':')) && ip.startsWith(entry)));
    if (hit) {
      console.log(`ip-blocklist: ${ip} matched ${hit} for ${user.user_id}`);
      return callback(new UnauthorizedError('Access denied: sign-ins from this network are blocked'));
    }
    return callback(null, user, context);
  };

  const cached = global.acmeBlocklist;
  if (cached && cached.expiresAt > Date.now()) {
    return check(cached.entries);
  }

  request.get({
    url: configuration.BLOCKLIST_URL,
    json: true,
    timeout: 3000,
    headers: { 'X-Api-Key': configuration.THREATINTEL_API_KEY }
  }, (err, response, body) => {
    if (err || response.statusCode !== 200 || !body || !Array.isArray(body.entries)) {
      console.log('ip-blocklist: feed unavailable (' + (err ? err.message : 'HTTP ' + response.statusCode) + ')');
      // Use the stale copy if there is one; with none, let the login through.
      return check(cached ? cached.entries : []);
    }
    global.acmeBlocklist = {
      entries: body.entries.map((entry) => String(entry).toLowerCase()),
      version: body.version,
      expiresAt: Date.now() + ttlMs
    };
    return check(global.acmeBlocklist.entries);
  });
}

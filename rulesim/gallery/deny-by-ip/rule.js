function denyBlockedNetworks(user, context, callback) {
  // Logins from these IPv4 ranges are denied.
  var blockedRanges = {{blocked_ranges}};

  function toNumber(ip) {
    var parts = String(ip).split('.');
    if (parts.length !== 4) return null;
    var n = 0;
    for (var i = 0; i < 4; i++) {
      if (!/^\d{1,3}$/.test(parts[i]) || Number(parts[i]) > 255) return null;
      n = n * 256 + Number(parts[i]);
    }
    return n;
  }
  function inRange(ip, range) {
    var slash = range.indexOf('/');
    var base = toNumber(slash === -1 ? range : range.slice(0, slash));
    var bits = slash === -1 ? 32 : Number(range.slice(slash + 1));
    if (base === null || !(bits >= 0 && bits <= 32)) return false;
    var size = Math.pow(2, 32 - bits);
    return Math.floor(ip / size) === Math.floor(base / size);
  }

  var ip = toNumber(context.request && context.request.ip);
  if (ip !== null && blockedRanges.some(function (r) { return inRange(ip, r); })) {
    return callback(new UnauthorizedError('sign-in from this network is not allowed'));
  }
  return callback(null, user, context);
}

/**
 * Logins from these IPv4 ranges are denied.
 */
const BLOCKED_RANGES = {{blocked_ranges}};

function toNumber(ip) {
  const parts = String(ip).split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    n = n * 256 + Number(part);
  }
  return n;
}

function inRange(ip, range) {
  const slash = range.indexOf('/');
  const base = toNumber(slash === -1 ? range : range.slice(0, slash));
  const bits = slash === -1 ? 32 : Number(range.slice(slash + 1));
  if (base === null || !(bits >= 0 && bits <= 32)) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(ip / size) === Math.floor(base / size);
}

exports.onExecutePostLogin = async (event, api) => {
  const ip = toNumber(event.request.ip);
  if (ip !== null && BLOCKED_RANGES.some((range) => inRange(ip, range))) {
    api.access.deny('sign-in from this network is not allowed');
    return;
  }
};

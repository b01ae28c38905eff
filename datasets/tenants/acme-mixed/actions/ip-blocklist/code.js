/**
 * ip-blocklist (migrated from the Rule of the same name).
 *
 * Deny sign-ins from addresses on the threat-intel feed. Entries ending in "." (IPv4) or ":"
 * (IPv6) are prefixes; others are exact addresses.
 *
 * Migration: `request` becomes the global fetch; the feed is cached in module scope (which,
 * like Rules' `global`, lives as long as the warm instance) instead of `global`. api.cache
 * would hold it too, but it is only reliable within one execution.
 *
 * Secrets: BLOCKLIST_URL, BLOCKLIST_TTL_SECONDS, THREATINTEL_API_KEY.
 */
let cached = null;   // {entries, version, expiresAt}

async function fetchFeed(event) {
  const response = await fetch(event.secrets.BLOCKLIST_URL, {
    headers: { 'X-Api-Key': event.secrets.THREATINTEL_API_KEY, Accept: 'application/json' },
    signal: AbortSignal.timeout(3000)
  });
  if (response.status !== 200) {
    throw new Error(`HTTP ${response.status}`);
  }
  const body = await response.json();
  if (!body || !Array.isArray(body.entries)) {
    throw new Error('malformed feed');
  }
  return body;
}

exports.onExecutePostLogin = async (event, api) => {
  const ttlMs = (parseInt(event.secrets.BLOCKLIST_TTL_SECONDS, 10) || 600) * 1000;
  const ip = String(event.request.ip || '').toLowerCase();
  if (!ip) {
    return;
  }

  let entries;
  if (cached && cached.expiresAt > Date.now()) {
    entries = cached.entries;
  } else {
    try {
      const body = await fetchFeed(event);
      cached = {
        entries: body.entries.map((entry) => String(entry).toLowerCase()),
        version: body.version,
        expiresAt: Date.now() + ttlMs
      };
      entries = cached.entries;
    } catch (err) {
      console.log(`ip-blocklist: feed unavailable (${err.message})`);
      // Use the stale copy if there is one; with none, let the login through.
      entries = cached ? cached.entries : [];
    }
  }

  const hit = entries.find((entry) =>
    entry === ip || ((entry.endsWith('.') || entry.endsWith(':')) && ip.startsWith(entry)));
  if (hit) {
    console.log(`ip-blocklist: ${ip} matched ${hit} for ${event.user.user_id}`);
    api.access.deny('Access denied: sign-ins from this network are blocked');
  }
};

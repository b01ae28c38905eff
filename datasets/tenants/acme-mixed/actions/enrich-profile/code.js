/**
 * enrich-profile (migrated from the Rule of the same name).
 *
 * Company, title and seniority from the enrichment partner, as ID token claims for the
 * portal's account page. Nothing is stored on the user. Never blocks a login because the
 * partner is down.
 *
 * Migration: `request` becomes fetch with a 5 s abort signal. The log line no longer prints
 * the first characters of the API key (OPS-1180 is closed).
 *
 * Secrets: ENRICH_API_KEY.
 */
const NS = 'https://acme.com/';

exports.onExecutePostLogin = async (event, api) => {
  const user = event.user;
  if (!user.email || event.client.name === 'Partner API' ||
      event.transaction?.protocol === 'oauth2-refresh-token') {
    return;
  }

  console.log(`enrich-profile: looking up ${user.email}`);
  let body;
  try {
    const url = new URL('https://enrich.acme-partners.example/v2/person');
    url.searchParams.set('email', user.email);
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${event.secrets.ENRICH_API_KEY}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(5000)
    });
    if (response.status !== 200) {
      throw new Error(`HTTP ${response.status}`);
    }
    body = await response.json();
  } catch (err) {
    console.log(`enrich-profile: skipped for ${user.user_id}: ${err.message}`);
    return;
  }
  if (!body) {
    return;
  }
  if (body.company) api.idToken.setCustomClaim(NS + 'company', body.company);
  if (body.title) api.idToken.setCustomClaim(NS + 'title', body.title);
  if (body.seniority) api.idToken.setCustomClaim(NS + 'seniority', body.seniority);
};

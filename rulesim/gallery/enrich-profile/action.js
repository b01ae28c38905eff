/**
 * Company and job title from the profile API, as ID token claims. A failing API never
 * blocks the login.
 */
const LOOKUP_URL = {{url}};
const NAMESPACE = {{namespace}};

exports.onExecutePostLogin = async (event, api) => {
  if (!event.user.email) {
    return;
  }
  let body;
  try {
    const url = new URL(LOOKUP_URL);
    url.searchParams.set('email', event.user.email);
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${event.secrets.PROFILE_API_KEY}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(5000)
    });
    if (response.status !== 200) {
      throw new Error(`HTTP ${response.status}`);
    }
    body = await response.json();
  } catch (err) {
    console.log(`profile lookup skipped: ${err.message}`);
    return;
  }
  if (!body || typeof body !== 'object') {
    return;
  }
  if (typeof body.company === 'string') {
    api.idToken.setCustomClaim(NAMESPACE + 'company', body.company);
  }
  if (typeof body.job_title === 'string') {
    api.idToken.setCustomClaim(NAMESPACE + 'job_title', body.job_title);
  }
};

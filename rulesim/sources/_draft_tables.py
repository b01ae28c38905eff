"""The tables of the Rules → Actions draft (:mod:`rulesim.sources.draft`): how ``context``
reads map onto ``event`` (contract section 5), what has no safe translation and why, and the
small JavaScript helpers a draft may need (emitted at the top of the module when used)."""

from __future__ import annotations

__all__ = ["CONTEXT_READS", "CONTEXT_TODO", "GEOIP", "HELPERS", "STANDARD_CLAIMS", "USER_TODO"]

STANDARD_CLAIMS = frozenset({"name", "given_name", "family_name", "nickname", "picture", "email",
                       "email_verified", "phone_number", "locale", "zoneinfo", "website"})
GEOIP = {"country_code": "countryCode", "country_code3": "countryCode3",
        "country_name": "countryName", "city_name": "cityName",
        "continent_code": "continentCode", "subdivision_code": "subdivisionCode",
        "subdivision_name": "subdivisionName", "time_zone": "timeZone"}
# context.X -> event expression (contract section 5)
CONTEXT_READS = {"clientID": "event.client.client_id", "clientName": "event.client.name",
            "clientMetadata": "event.client.metadata", "connection": "event.connection.name",
            "connectionID": "event.connection.id",
            "connectionStrategy": "event.connection.strategy",
            "connectionMetadata": "event.connection.metadata",
            "protocol": "event.transaction?.protocol", "request": "event.request",
            "tenant": "event.tenant.id", "authentication": "event.authentication",
            "riskAssessment": "event.authentication?.riskAssessment",
            "authorization": "event.authorization", "organization": "event.organization",
            "sessionID": "event.session?.id"}
CONTEXT_TODO = {
    "connectionOptions": "context.connectionOptions has no Actions counterpart (DIFF-USERFIELDS)",
    "samlConfiguration": "SAML mappings are profile paths in Rules, literal values in Actions "
                         "(api.samlResponse.setAttribute; DIFF-SAML-MAPPING)",
    "idToken": "an Action cannot read back the claims earlier Actions set (DIFF-VISIBILITY): "
               "pass the value with api.transaction.setMetadata",
    "accessToken": "an Action cannot read back the claims or scopes earlier Actions set "
                   "(DIFF-VISIBILITY): pass the value with api.transaction.setMetadata",
    "multifactor": "an Action cannot read the MFA requirement earlier Actions set (DIFF-MFA)",
    "sso": "context.sso has no direct counterpart: event.session.clients holds objects",
}
USER_TODO = {"last_login", "last_ip", "logins_count", "blocked"}
HELPERS = {
    "rulesimSetMetadata": """function rulesimSetMetadata(api, kind, data) {
  // auth0.users.update{App,User}Metadata(id, obj) -> one set*Metadata(key, value) per key
  for (const [key, value] of Object.entries(data || {})) {
    if (kind === 'app') api.user.setAppMetadata(key, value);
    else api.user.setUserMetadata(key, value);
  }
  return Promise.resolve();
}""",
    "rulesimSetScopes": """function rulesimSetScopes(api, event, scopes) {
  // context.accessToken.scope = [...] -> per-scope edits from the requested scopes (DIFF-SCOPES)
  const wanted = Array.isArray(scopes) ? scopes : String(scopes || '').split(' ').filter(Boolean);
  for (const scope of event.transaction?.requested_scopes || []) {
    if (!wanted.includes(scope)) api.accessToken.removeScope(scope);
  }
  for (const scope of wanted) api.accessToken.addScope(scope);
}""",
    "rulesimEnableMfa": """function rulesimEnableMfa(api, mfa) {
  // context.multifactor = {provider, allowRememberBrowser, ...} -> api.multifactor.enable
  if (!mfa) return api.multifactor.enable('none');
  const options = { allowRememberBrowser: !!mfa.allowRememberBrowser };
  if (mfa.host || mfa.ikey || mfa.skey) {
    options.providerOptions = { host: mfa.host, ikey: mfa.ikey, skey: mfa.skey, username: mfa.username };
  }
  api.multifactor.enable(mfa.provider || 'any', options);
}""",
    "rulesimRedirect": """function rulesimRedirect(api, redirect) {
  // context.redirect = {url} -> api.redirect.sendUserTo(url); the Rule's redirect-callback
  // branch is onContinuePostLogin
  if (redirect && redirect.url) api.redirect.sendUserTo(redirect.url);
}""",
}

(function makeActionsEvent(U) {
  // The post-login `event` (v3) projected from rulesim's canonical login, the payload Rules get:
  // {user, context, timestamp_ms, ...}. One projection per flow (`project`); each Action then
  // gets a copy with what the engine carries forward (flow.js: startRun, a lazy copy). The
  // projection shares values with the login, which the flow owns and never changes.
  //
  // The mapping (contract section 5, docs/actions.md):
  //   user          v3 profile fields only; app_metadata/user_metadata always objects when the
  //                 Rules user has none; identities trimmed to connection, provider, user_id,
  //                 profileData, isSocial (no IdP tokens); last_login, last_ip, logins_count,
  //                 blocked and other extras absent unless options.userExtraFields === 'copy'
  //   client        clientID, clientName, clientMetadata || {}
  //   connection    connectionID, connection, connectionStrategy, connectionMetadata
  //                 (connectionOptions has no equivalent)
  //   request       always present: ip, method, query, body, geoip (camelCase), hostname,
  //                 user_agent (from userAgent), language, asn
  //   transaction   protocol (not redirect-callback/delegation), fields parsed from the query:
  //                 requested_scopes/acr_values/prompt/response_type/ui_locales split on spaces,
  //                 redirect_uri, response_mode, state, login_hint, locale; metadata {}
  //   stats         {logins_count: context.stats.loginsCount}
  //   tenant        {id: context.tenant}
  //   authentication  context.authentication.methods, context.riskAssessment
  //   authorization {roles}; organization (+ display_name); session {id, clients: [{client_id}]}
  //   resource_server {identifier: the audience of query or body}
  //   refresh_token only on refresh-token exchanges with options.enterprise (id, client_id,
  //                 session_id, metadata {}); secrets per Action (flow.js)
  'use strict';

  var hasOwn = Object.prototype.hasOwnProperty;
  var USER_FIELDS = ['user_id', 'email', 'email_verified', 'name', 'given_name', 'family_name', 'nickname',
    'picture', 'username', 'phone_number', 'phone_verified', 'created_at', 'updated_at', 'last_password_reset',
    'app_metadata', 'user_metadata', 'multifactor', 'enrolledFactors', 'identities'];
  // Rules-only profile fields that are never copied, even with userExtraFields: 'copy'.
  var NEVER = { user_id: 1 };
  var IDENTITY_FIELDS = ['connection', 'provider', 'user_id', 'profileData', 'isSocial'];
  var GEOIP = {
    country_code: 'countryCode', country_code3: 'countryCode3', country_name: 'countryName',
    city_name: 'cityName', continent_code: 'continentCode', subdivision_code: 'subdivisionCode',
    subdivision_name: 'subdivisionName', latitude: 'latitude', longitude: 'longitude', time_zone: 'timeZone',
  };
  // GEOIP as two lists (an index loop costs QuickJS less than a for-in loop).
  var GEOIP_FROM = Object.keys(GEOIP), GEOIP_TO = GEOIP_FROM.map(function (k) { return GEOIP[k]; });
  var NO_SUCH_PROTOCOL = { 'redirect-callback': 1, delegation: 1 };

  // The words of a space-separated parameter (split by hand: a regular expression split costs
  // QuickJS a new RegExp per call).
  // Without a whitespace character other than the space (a scope, a response type), the words
  // are what a native split on spaces gives, less the empty strings.
  var OTHER_SPACE = /[\t\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;
  function words(v) {
    if (v === undefined || v === null) return undefined;
    if (Array.isArray(v)) return v.map(String);
    var s = String(v), out = [], start = -1;
    if (!OTHER_SPACE.test(s)) {
      var parts = s.split(' ');
      for (var p = 0; p < parts.length; p++) if (parts[p] !== '') out.push(parts[p]);
      return out;
    }
    for (var i = 0; i <= s.length; i++) {
      var c = i < s.length ? s.charCodeAt(i) : 32;
      var space = c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0xfeff || (c >= 0x2000 && (c <= 0x200a || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000)) || c === 0x1680;
      if (space) { if (start >= 0) { out.push(s.slice(start, i)); start = -1; } } else if (start < 0) start = i;
    }
    return out;
  }
  function put(obj, k, v) { if (v !== undefined) obj[k] = v; }

  function projectUser(u, options) {
    var out = {};
    for (var i = 0; i < USER_FIELDS.length; i++) {
      var k = USER_FIELDS[i], v = u[k];
      if (v !== undefined && hasOwn.call(u, k)) out[k] = v;
    }
    if (out.app_metadata === undefined || out.app_metadata === null) out.app_metadata = {};
    if (out.user_metadata === undefined || out.user_metadata === null) out.user_metadata = {};
    out.identities = (Array.isArray(u.identities) ? u.identities : []).map(function (id) {
      var t = {};
      if (!id || typeof id !== 'object') return t;
      for (var j = 0; j < IDENTITY_FIELDS.length; j++) put(t, IDENTITY_FIELDS[j], (id[IDENTITY_FIELDS[j]]));
      return t;
    });
    if (options.userExtraFields === 'copy') {
      for (var key in u) {
        if (hasOwn.call(u, key) && !hasOwn.call(out, key) && !NEVER[key] && u[key] !== undefined) out[key] = (u[key]);
      }
    }
    return out;
  }

  function projectRequest(r, protocolQuery) {
    r = r || {};
    var query = (r.query || protocolQuery || {});
    var body = (r.body || {});
    var out = {
      ip: r.ip === undefined ? '' : r.ip,
      method: r.method || (body && Object.keys(body).length ? 'POST' : 'GET'),
      query: query,
      body: body,
      geoip: {},
    };
    var g = r.geoip || {};
    var geoip = out.geoip;
    for (var n = 0; n < GEOIP_FROM.length; n++) {
      var v = g[GEOIP_FROM[n]];
      if (v !== undefined && hasOwn.call(g, GEOIP_FROM[n])) geoip[GEOIP_TO[n]] = v;
    }
    put(out, 'hostname', r.hostname);
    put(out, 'user_agent', r.userAgent !== undefined ? r.userAgent : r.user_agent);
    put(out, 'language', r.language);
    put(out, 'asn', r.asn);
    return out;
  }

  function projectTransaction(ctx, request) {
    var q = request.query || {};
    var b = request.body || {};
    function pick(k) { return q[k] !== undefined ? q[k] : b[k]; }
    var t = { metadata: {} };
    if (ctx.protocol !== undefined && !NO_SUCH_PROTOCOL[ctx.protocol]) t.protocol = ctx.protocol;
    put(t, 'requested_scopes', words(pick('scope')));
    put(t, 'acr_values', words(pick('acr_values')));
    put(t, 'prompt', words(pick('prompt')));
    put(t, 'redirect_uri', pick('redirect_uri'));
    put(t, 'response_type', words(pick('response_type')));
    put(t, 'response_mode', pick('response_mode'));
    put(t, 'state', pick('state'));
    var locales = words(pick('ui_locales'));
    put(t, 'ui_locales', locales);
    put(t, 'locale', locales && locales.length ? locales[0] : undefined);
    put(t, 'login_hint', pick('login_hint'));
    return t;
  }

  // project(login, options): the flow's base event, without secrets (added per Action).
  function project(login, options) {
    options = options || {};
    var u = login.user || {};
    var ctx = login.context || {};
    var request = projectRequest(ctx.request, null);
    var ev = {
      user: projectUser(u, options),
      client: { client_id: ctx.clientID, name: ctx.clientName, metadata: (ctx.clientMetadata || {}) },
      connection: { id: ctx.connectionID, name: ctx.connection, strategy: ctx.connectionStrategy },
      request: request,
      transaction: projectTransaction(ctx, request),
      stats: { logins_count: ctx.stats && ctx.stats.loginsCount !== undefined ? ctx.stats.loginsCount : 0 },
      tenant: { id: ctx.tenant },
      authorization: { roles: ((ctx.authorization && ctx.authorization.roles) || []) },
    };
    put(ev.connection, 'metadata', (ctx.connectionMetadata));
    if (ctx.authentication || ctx.riskAssessment) {
      ev.authentication = { methods: ((ctx.authentication && ctx.authentication.methods) || []) };
      put(ev.authentication, 'riskAssessment', (ctx.riskAssessment));
    }
    if (ctx.organization) {
      var o = ctx.organization;
      ev.organization = { id: o.id, name: o.name, display_name: o.display_name !== undefined ? o.display_name : o.name,
        metadata: (o.metadata || {}) };
    }
    if (ctx.sessionID !== undefined) {
      var clients = (ctx.sso && Array.isArray(ctx.sso.current_clients)) ? ctx.sso.current_clients : [];
      ev.session = { id: ctx.sessionID, clients: clients.map(function (c) { return { client_id: c }; }) };
    }
    var audience = request.query.audience !== undefined ? request.query.audience : request.body.audience;
    if (audience !== undefined) ev.resource_server = { identifier: audience };
    if (options.enterprise && ctx.protocol === 'oauth2-refresh-token') {
      ev.refresh_token = { id: 'rt_' + (ctx.sessionID || 'simulated'), client_id: ctx.clientID, metadata: {} };
      put(ev.refresh_token, 'session_id', ctx.sessionID);
    }
    return ev;
  }

  return { project: project, projectRequest: projectRequest, GEOIP: GEOIP };
})

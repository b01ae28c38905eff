(function makeActionsResult(U, CH) {
  // What the application receives when a flow ends (contract section 7): the tokens with the
  // claims Auth0 lets through, scopes, MFA, the error, metadata written, and the rest of the
  // flow's state as plain data (finishFlow's shape is documented at the top of flow.js).
  //
  // install(O, F) -> {finishFlow, standardClaims, requestedScopes}
  //   O  the flow settings (flow.js settings());  F  {next(flow), flushMetadata(flow)} of flow.js
  'use strict';

  var hasOwn = Object.prototype.hasOwnProperty;
  var jsonStringify = JSON.stringify, jsonParse = JSON.parse;
  var MapCtor = Map;
  var RESTRICTED = { sub: 1, aud: 1, iss: 1, exp: 1, nbf: 1, iat: 1, jti: 1, azp: 1, nonce: 1, auth_time: 1,
    at_hash: 1, c_hash: 1, acr: 1, amr: 1, sid: 1, org_id: 1, org_name: 1, cnf: 1, act: 1, scope: 1, gty: 1,
    roles: 1, permissions: 1, groups: 1, client_id: 1, may_act: 1 };
  var FORBIDDEN_NS = /^https?:\/\/([^\/]*\.)?(auth0\.com|webtask\.io|webtask\.run)(\/|$)/i;
  var NAMESPACED = /^https?:\/\//i;
  // Claim name -> why Auth0 drops it whatever the flow ('restricted', 'reserved_namespace'; '':
  // not for that). Claim names repeat from login to login; the namespace test is a regular
  // expression, which costs more than the lookup (as the prelude's claimVerdict). Long names
  // are not kept: an Action's claim names must not fill the engine's memory across logins.
  var claimVerdicts = new MapCtor();
  function claimVerdict(k) {
    var v = claimVerdicts.get(k);
    if (v === undefined) {
      v = hasOwn.call(RESTRICTED, k) ? 'restricted' : FORBIDDEN_NS.test(k) ? 'reserved_namespace' : '';
      if (k.length > 256) return v;
      if (claimVerdicts.size >= 4096) claimVerdicts.clear();
      claimVerdicts.set(k, v);
    }
    return v;
  }
  var PROFILE = ['name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile',
    'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at'];
  var STANDARD = { email: 1, email_verified: 1, phone_number: 1, phone_number_verified: 1 };
  PROFILE.forEach(function (k) { STANDARD[k] = 1; });
  var DEFAULT_SCOPES = ['openid', 'profile', 'email'];

  return function install(O, F) {
    var next = F.next, flushMetadata = F.flushMetadata;
    function filterClaims(flow, src, token, dropped, auth0Api) {
      var out = {};
      for (var k in src) {
        var why = claimVerdict(k);
        if (why === '' && auth0Api && !NAMESPACED.test(k)) why = 'auth0_api_audience';
        if (why === '' && O.override_profile_claims === 'drop' && hasOwn.call(STANDARD, k)) why = 'standard_claim';
        if (why !== '') { dropped.push([token, k, why, flow.actions[src[k].action].name]); continue; }
        out[k] = jsonParse(src[k].json);
      }
      return out;
    }
    function standardClaims(flow, scopes) {
      var u = flow.base.user, t = {}, lu = flow.login.user;
      if (scopes.indexOf('openid') >= 0) t.sub = flow.pending.primaryUser ? flow.pending.primaryUser.id : u.user_id;
      if (scopes.indexOf('profile') >= 0 && lu) {
        for (var p = 0; p < PROFILE.length; p++) { var v = lu[PROFILE[p]]; if (v !== undefined) t[PROFILE[p]] = U.clone(v); }
      }
      if (scopes.indexOf('email') >= 0) { if (u.email !== undefined) t.email = u.email; if (u.email_verified !== undefined) t.email_verified = u.email_verified; }
      if (scopes.indexOf('phone') >= 0) { if (u.phone_number !== undefined) t.phone_number = u.phone_number; if (u.phone_verified !== undefined) t.phone_number_verified = u.phone_verified; }
      return t;
    }
    // Whether a token's custom claims `claims` (filterClaims of `src`) are over the limit in
    // UTF-8 bytes. Their JSON text is made and counted only when it could be: a value's text
    // is its command's (src[k].json: JSON.stringify gives back the text it was parsed from),
    // a name's at most 6 units a unit and its quotes, and a UTF-16 unit is at most 3 bytes.
    function tooLarge(claims, src) {
      var units = 2, limit = O.claim_limit_bytes;
      for (var k in claims) if (hasOwn.call(claims, k)) units += k.length * 6 + 4 + src[k].json.length;
      if (units * 3 <= limit) return false;
      var json = jsonStringify(claims);
      return json.length * 3 > limit && U.bytes(json) > limit;
    }
    // Whether an object has an own enumerable key (without the array Object.keys makes).
    function hasKeys(obj) {
      for (var k in obj) if (hasOwn.call(obj, k)) return true;
      return false;
    }
    function requestedScopes(flow) {
      return (flow.base.transaction && flow.base.transaction.requested_scopes) || DEFAULT_SCOPES;
    }
    function isAuth0Api(flow) {
      var rs = flow.base.resource_server && flow.base.resource_server.identifier;
      if (typeof rs !== 'string') return false;
      return /\/api\/v2\/?$/.test(rs) || /\/mfa\/?$/.test(rs) || rs.indexOf('https://' + O.domain + '/api/v2') === 0;
    }
    // finishFlow(flow, lean): lean gives only what the prelude reads (85-actions.js: outcome,
    // error, idToken, accessToken, scopes, droppedClaims, customIdClaims, claimsTooLarge, mfa,
    // factors, redirects, suspension, metadata: {writes}, saml, primaryUser, changes): the
    // rest it reads from the flow itself, or not at all (a result is made for every login:
    // the fields left out are objects it would make for nothing). Its `changes` are flat
    // (CHANGE_FIELDS a row, changes.js flatRows): the prelude reads them field by field.
    function finishFlow(flow, lean) {
      var P = flow.pending;
      if (flow.state === 'running') {
        if (next(flow) !== null) {
          for (var r = flow.cursor.index; r < flow.actions.length; r++) if (flow.actions[r].status === 'pending') flow.actions[r].status = 'not_run';
          flow.state = 'failed';
          flow.failure = { index: flow.cursor.index, code: 'flow_incomplete', message: 'the flow ended before every Action ran', error: 'access_denied' };
        } else {
          flow.state = 'success';
        }
      }
      if (flow.state === 'suspended') for (var s = 0; s < flow.actions.length; s++) if (flow.actions[s].status === 'pending') flow.actions[s].status = 'not_run';
      var dropped = [], idToken = null, accessToken = null, scopes = null, outcome = flow.state, error = null, customIdClaims = null, over = null;
      if (flow.state === 'success') {
        scopes = flow.grantedScopes ? flow.grantedScopes.slice()
          : ((flow.base.transaction && flow.base.transaction.requested_scopes) ? flow.base.transaction.requested_scopes.slice() : DEFAULT_SCOPES.slice());
        for (var e = 0; e < P.scopeEdits.length; e++) {
          var ed = P.scopeEdits[e], at = scopes.indexOf(ed[1]);
          if (ed[0] === 'add' && at < 0) scopes.push(ed[1]);
          if (ed[0] === 'remove' && at >= 0) scopes.splice(at, 1);
        }
        var requested = requestedScopes(flow);
        idToken = standardClaims(flow, requested);
        var customId = filterClaims(flow, P.idClaims, 'id_token', dropped, false);
        var customAt = filterClaims(flow, P.accessClaims, 'access_token', dropped, isAuth0Api(flow));
        over = tooLarge(customId, P.idClaims) ? 'id_token' : (tooLarge(customAt, P.accessClaims) ? 'access_token' : null);
        for (var c in customId) idToken[c] = customId[c];
        accessToken = customAt;
        customIdClaims = customId;
        if (over) {
          var last = flow.actions.length - 1;
          flow.failure = { index: last, code: 'claims_too_large', message: 'the custom claims of the ' + over + ' exceed ' + O.claim_limit_bytes + ' bytes', error: 'access_denied' };
          outcome = flow.state = 'failed';
          idToken = accessToken = scopes = customIdClaims = null;
        }
      }
      if (flow.state === 'success' || flow.state === 'denied' || flow.state === 'custom' || O.on_error_commands === 'keep') flushMetadata(flow);
      if (flow.state === 'denied' || flow.state === 'custom') {
        var d = flow.deny;
        var code = d.kind === 'validation' ? (O.validation_error_code === 'error' ? d.code : 'access_denied') : 'access_denied';
        error = { error: code, description: d.reason, code: d.kind === 'deny' ? 'denied' : d.kind, action: flow.actions[d.action].name, index: d.action };
      } else if (flow.failure) {
        var f = flow.failure;
        error = { error: f.error, description: f.message, code: f.code, action: flow.actions[f.index] ? flow.actions[f.index].name : null, index: f.index };
      }
      var mfa = null;
      if (flow.state === 'success' && P.factors.length === 0 && P.mfa) {
        mfa = { provider: P.mfa.provider, allowRememberBrowser: P.mfa.allowRememberBrowser, providerOptions: P.mfa.providerOptions, action: flow.actions[P.mfa.action].name };
      }
      var saml = (hasKeys(P.saml.attributes) || hasKeys(P.saml.config)) ? P.saml : null;
      var suspension = flow.state === 'suspended' ? (flow.suspension) : null, primaryUser = P.primaryUser ? P.primaryUser.id : null;
      // Plain data that shares objects with the flow (read it, do not change it).
      if (lean) {
        return {
          outcome: outcome, error: error, idToken: idToken, accessToken: accessToken, scopes: scopes, droppedClaims: dropped,
          customIdClaims: customIdClaims, claimsTooLarge: over || null, mfa: mfa, factors: (P.factors),
          redirects: (flow.redirects), suspension: suspension, metadata: { writes: (flow.metadataWrites) }, saml: (saml),
          primaryUser: primaryUser, changes: CH.flatRows(flow),
        };
      }
      var stored = flow.storedUser;
      return {
        outcome: outcome,
        error: error,
        actions: flow.actions.map(function (ax) {
          return { name: ax.name, status: ax.status, runs: ax.runs, flags: ax.flags.slice(), error: ax.error };
        }),
        idToken: idToken, accessToken: accessToken, scopes: scopes, droppedClaims: dropped, customIdClaims: customIdClaims,
        claimsTooLarge: over || null,
        mfa: mfa, mfaOverridden: !!(P.mfa && P.factors.length), factors: (P.factors),
        redirects: (flow.redirects), prompts: (flow.prompts),
        suspension: suspension,
        metadata: { writes: (flow.metadataWrites), app_metadata: (stored.app_metadata), user_metadata: (stored.user_metadata) },
        saml: (saml),
        session: { metadata: (P.session.metadata), expiresAt: P.session.expiresAt, idleExpiresAt: P.session.idleExpiresAt, cookieMode: P.session.cookieMode, revoked: (P.session.revoked) || null },
        refreshToken: { metadata: (P.refreshToken.metadata), expiresAt: P.refreshToken.expiresAt, idleExpiresAt: P.refreshToken.idleExpiresAt, revoked: (P.refreshToken.revoked) || null },
        transactionMetadata: (flow.carried.transactionMetadata),
        authenticationMethods: (flow.carried.methods),
        primaryUser: primaryUser,
        validationError: flow.deny && flow.deny.kind === 'validation' ? { code: flow.deny.code, message: flow.deny.reason } : null,
        cache: (P.cacheWrites),
        commands: flow.commands.map(function (c) { return [c.action, c.leg, c.handler, c.op, CH.argsJson(c), c.flags]; }),
        changes: CH.rows(flow),
        legs: flow.leg + 1,
      };
    }

    return { finishFlow: finishFlow, standardClaims: standardClaims, requestedScopes: requestedScopes };
  };
})

  // ---------------------------------------------------------------- tokens and the login record
  var RESTRICTED = { sub: 1, aud: 1, iss: 1, exp: 1, nbf: 1, iat: 1, jti: 1, azp: 1, nonce: 1, auth_time: 1, at_hash: 1, c_hash: 1, acr: 1, amr: 1, sid: 1, org_id: 1, org_name: 1, cnf: 1, act: 1, scope: 1, gty: 1, roles: 1, permissions: 1, groups: 1, client_id: 1, may_act: 1 };
  var FORBIDDEN_NS = /^https?:\/\/([^\/]*\.)?(auth0\.com|webtask\.io|webtask\.run)(\/|$)/i;
  // The OIDC `profile` scope's claims, with static property names (fast in QuickJS).
  function profileClaims(user, idt) {
    var v;
    if ((v = user.name) !== undefined) idt.name = v;
    if ((v = user.family_name) !== undefined) idt.family_name = v;
    if ((v = user.given_name) !== undefined) idt.given_name = v;
    if ((v = user.middle_name) !== undefined) idt.middle_name = v;
    if ((v = user.nickname) !== undefined) idt.nickname = v;
    if ((v = user.preferred_username) !== undefined) idt.preferred_username = v;
    if ((v = user.profile) !== undefined) idt.profile = v;
    if ((v = user.picture) !== undefined) idt.picture = v;
    if ((v = user.website) !== undefined) idt.website = v;
    if ((v = user.gender) !== undefined) idt.gender = v;
    if ((v = user.birthdate) !== undefined) idt.birthdate = v;
    if ((v = user.zoneinfo) !== undefined) idt.zoneinfo = v;
    if ((v = user.locale) !== undefined) idt.locale = v;
    if ((v = user.updated_at) !== undefined) idt.updated_at = v;
  }
  // Claim name -> why Auth0 drops it ('': kept). Claim names repeat from login to login; the
  // namespace test is a regular expression, which costs more than the lookup.
  var claimVerdicts = new MapCtor();
  function claimVerdict(k) {
    var v = claimVerdicts.get(k);
    if (v === undefined) {
      v = hasOwn.call(RESTRICTED, k) ? 'restricted' : FORBIDDEN_NS.test(k) ? 'reserved_namespace' : '';
      if (claimVerdicts.size >= 4096) claimVerdicts.clear();
      claimVerdicts.set(k, v);
    }
    return v;
  }
  // filterClaims(src, token, dropped, isAccess, out, kept): the claims of src Auth0 keeps,
  // written into out (a new object when out is undefined) and their names appended to kept
  // (when given); the dropped ones are appended to dropped.
  function filterClaims(src, token, dropped, isAccess, out, kept) {
    if (out === undefined) out = {};
    if (!src || typeof src !== 'object') return out;
    var keys = objectKeys(src);
    for (var i = 0; i < keys.length; i++) {
      var k = keys[i];
      if (isAccess && k === 'scope') continue;
      var why = claimVerdict(k);
      if (why !== '') { dropped.push([token, k, why]); continue; }
      var v = src[k];
      if (v === undefined || typeof v === 'function') continue;
      out[k] = v;
      if (kept !== undefined) kept.push(k);
    }
    return out;
  }
  // The length of the JSON of the custom claims alone (names kept, values as in the token).
  function customJsonLength(token, kept) {
    var custom = {};
    for (var i = 0; i < kept.length; i++) custom[kept[i]] = token[kept[i]];
    return jsonStringify(custom).length;
  }
  var scopeLists = new MapCtor();   // scope string -> its list (a few distinct strings)
  var scopeMasks = new MapCtor();   // a list scopeList gave -> the standard scopes in it
  // The bits of the ID token's standard scopes in a scope list (the C tokens' argument).
  function scopeMask(scopes) {
    var m = scopeMasks.get(scopes);
    if (m === undefined) {
      m = (scopes.indexOf('openid') >= 0 ? 1 : 0) | (scopes.indexOf('profile') >= 0 ? 2 : 0) |
        (scopes.indexOf('email') >= 0 ? 4 : 0) | (scopes.indexOf('phone') >= 0 ? 8 : 0);
      if (scopeMasks.size >= 256) scopeMasks.clear();
      scopeMasks.set(scopes, m);
    }
    return m;
  }
  function requestedScopes(ctx) { return scopeList(ctx).slice(); }
  // The scope a login asked for: in the query, or in the POSTed body (resource-owner and
  // refresh-token grants), as the Actions' event.transaction.requested_scopes reads it. The
  // list is shared by every login that asked for the same text: never change it.
  function scopeList(ctx) {
    var q = ctx.request && ctx.request.query, b = ctx.request && ctx.request.body;
    var s = q && typeof q.scope === 'string' ? q.scope
      : (b && typeof b.scope === 'string' ? b.scope : 'openid profile email');
    var list = scopeLists.get(s);
    if (list === undefined) {
      list = s.split(/\s+/).filter(function (x) { return x; });
      if (scopeLists.size >= 256) scopeLists.clear();
      scopeLists.set(s, list);
    }
    return list;
  }
  // The SAML attributes context.samlConfiguration.mappings give: each attribute's profile path
  // ('app_metadata.plan') resolved against the user as the assertion is issued; a path that
  // resolves to nothing leaves the attribute out. JSON, or null without mappings.
  function samlAttributes(saml, user) {
    var mappings = saml && typeof saml === 'object' ? unwrap(saml.mappings) : undefined;
    if (!mappings || typeof mappings !== 'object') return null;
    var out = {}, names = objectKeys(mappings);
    for (var i = 0; i < names.length; i++) {
      var path = unwrap(mappings[names[i]]);
      if (typeof path !== 'string' || path === '') continue;
      var v = user, parts = path.split('.');
      try {
        for (var j = 0; j < parts.length && v !== undefined && v !== null; j++) {
          v = typeof v === 'object' ? unwrap(v[parts[j]]) : undefined;
        }
      } catch (e) { v = undefined; }   // a getter a rule defined threw: the attribute is left out
      if (v !== undefined && v !== null && typeof v !== 'function') out[names[i]] = v;
    }
    return safeJson(out);
  }
  // What the application receives from the login as it stands (tokens after Auth0's claim
  // filtering, scopes, MFA, redirect, SAML, account linking), plus the checks made at the end
  // of a login: claim size and prototype pollution.
  var CLAIM_LIMIT = OPTIONS.claimLimit;
  // The tokens' JSON in C (rulesim/runtime/_tracker_tokens.h), with the change tracker: the
  // same texts and dropped claims as tokensJs, from the raw objects, or 0 when anything but
  // plain data is on the way (then tokensJs). nativeOut: its answer, reused.
  var nativeTokens = CT !== null && NATIVE.tokens ? NATIVE.tokens : null, nativeOut = [null, null];
  function loginOutputs() {
    if (S.flow && NRULES === 0) return actionsOnlyOutputs();   // no Rules view (85-actions.js)
    var ctx = S.contextRaw, user = S.userRaw;
    var dropped = [];
    var scopes = scopeList(ctx);
    var idJson, atJson, tooLarge = null;
    if (nativeTokens !== null && nativeTokens(ctMem, ctHold, user, ctx, scopeMask(scopes), JSON_PROTOS, nativeOut, dropped) === 1 &&
        nativeOut[0].length <= CLAIM_LIMIT && nativeOut[1].length <= CLAIM_LIMIT) {
      idJson = nativeOut[0];
      atJson = nativeOut[1];
    } else {
      var tok = tokensJs(ctx, user, scopes, dropped);
      idJson = tok[0]; atJson = tok[1]; tooLarge = tok[2];
    }
    return loginOutputsWith(ctx, user, scopes, dropped, idJson, atJson, tooLarge);
  }
  // The ID token's JSON, the access token's custom claims' JSON and which is too large (null:
  // neither), the dropped claims appended to dropped ([token, name, why]).
  function tokensJs(ctx, user, scopes, dropped) {
    dropped.length = 0;
    var idt = {};
    // A rule that set context.primaryUser (account linking) has the tokens issued for that user.
    var primaryV = unwrap(ctx.primaryUser);
    if (scopes.indexOf('openid') >= 0) idt.sub = typeof primaryV === 'string' && primaryV ? primaryV : user.user_id;
    if (scopes.indexOf('profile') >= 0) profileClaims(user, idt);
    if (scopes.indexOf('email') >= 0) { if (user.email !== undefined) idt.email = user.email; if (user.email_verified !== undefined) idt.email_verified = user.email_verified; }
    if (scopes.indexOf('phone') >= 0) { if (user.phone_number !== undefined) idt.phone_number = user.phone_number; if (user.phone_verified !== undefined) idt.phone_number_verified = user.phone_verified; }
    // The custom claims go straight into the token (they override standard ones).
    var keptId = [];
    filterClaims(unwrap(ctx.idToken), 'id_token', dropped, false, idt, keptId);
    var customAt = filterClaims(unwrap(ctx.accessToken), 'access_token', dropped, true);
    // Serialise each token once; the custom claims alone are measured only when the whole
    // token is over the limit (it contains them, so it is never smaller).
    var idJson = safeJson(idt), atJson = safeJson(customAt);
    var tooLarge = null;
    if (idJson.length > CLAIM_LIMIT && customJsonLength(idt, keptId) > CLAIM_LIMIT) tooLarge = 'id_token';
    else if (atJson.length > CLAIM_LIMIT) tooLarge = 'access_token';
    return [idJson, atJson, tooLarge];
  }
  function loginOutputsWith(ctx, user, scopes, dropped, idJson, atJson, tooLarge) {
    var atScopes = scopes;
    var atV = unwrap(ctx.accessToken), atScope = atV ? atV.scope : undefined;
    if (isArray(atScope)) atScopes = atScope.map(stringOf);
    else if (typeof atScope === 'string') atScopes = atScope.split(/\s+/).filter(Boolean);
    var mfaV = unwrap(ctx.multifactor), redirectV = unwrap(ctx.redirect);
    var mfa = mfaV && typeof mfaV === 'object' ? mfaV : null;
    return {
      idJson: idJson, atJson: atJson, tooLarge: tooLarge, scopes: atScopes, dropped: dropped,
      pollution: pollutionCheck(),
      mfa: mfa,
      redirect: redirectV && typeof redirectV === 'object' && redirectV.url ? stringOf(redirectV.url) : null,
      samlJson: ctx.samlConfiguration !== undefined ? safeJson(unwrap(ctx.samlConfiguration)) : null,
      samlAttrJson: samlAttributes(unwrap(ctx.samlConfiguration), user),
      primaryJson: ctx.primaryUser !== undefined ? safeJson(unwrap(ctx.primaryUser)) : null,
    };
  }
  // finish(hostJson): end the login and return its record (see 75-records.js). hostJson
  // carries what only the host measured for a login it drove: per-rule time, simulated I/O
  // time and calls, the pass's I/O total and the rule that timed out.
  function finish(hostJson) { return encodeBlock(endInto(newBlock(), hostJson), null); }
  // finishPending(hostJson): end the login as finish() does, its record kept with the
  // deferred records (80-batch.js): '' unless the engine must be rebuilt after it (the memory
  // limit, a built-in it cannot restore: rebuildAfter), when every pending record crosses.
  function finishPending(hostJson) {
    endInto(pendingBlock(), hostJson);
    return rebuildAfter ? takeRecords() : '';
  }
  // endInto(B, hostJson): append the login's record to block B and end the login; B.
  function endInto(B, hostJson) {
    recordLogin(B, hostJson ? jsonParse(hostJson) : null);
    endLogin();
    return B;
  }
  function endLogin() {
    S = null;
    clearLoginState();
  }
  // The end of a bare (no-recording) login: 1 when it was allowed, 0 otherwise.
  function finishBare() {
    var ok = S.failed ? 0 : 1;
    S = null;
    clearLoginState();
    return ok;
  }
  function safeJson(v) { try { var s = jsonStringify(v); return s === undefined ? null : s; } catch (e) { return jsonStringify('[unserialisable: ' + stringOf(e && e.message) + ']'); } }


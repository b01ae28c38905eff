(function makeActionsChanges(U, API) {
  // The `api` commands of a flow as rows of the `changes` table (docs/actions.md, "Rows").
  //
  // flatRows(flow) replays the commands in the order they were issued and returns, per command
  // that changes something, ROW fields in one flat array: action, leg, target, path, op,
  // before, after, persisted, command, flags: the Action's index and the leg it ran in; the
  // target and JSON path it changes (the targets of the Rules' change rows where one fits:
  // id_token, access_token, app_metadata, user_metadata, multifactor, redirect, saml,
  // primary_user; else access, transaction_metadata, session, refresh_token, cache, prompt,
  // authentication); op add, replace or remove; before/after as JSON text (null for none);
  // persisted (1 when a metadata command's value was written to the user, 0 otherwise); the
  // command's name (`idToken.setCustomClaim`) and its flags joined by ',' (after_deny,
  // after_resolve, ignored). rows(flow) gives the same rows as arrays of their own.
  //
  // `before` is the value the flow held before the command: the claim set by an earlier
  // command, the stored metadata with the earlier metadata commands applied, and so on.
  // Commands that change nothing (redirect.encodeToken, redirect.validateToken, the
  // early-access queries) have no row. A command keeps its arguments as JSON texts
  // (`parts`, api.js rec()): values go to the rows as they are, without parsing.
  'use strict';

  var hasOwn = Object.prototype.hasOwnProperty;
  var IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
  var ROW = 10;
  // A key's segment of a JSON path: the key itself, or JSON-quoted when it is no identifier.
  function segment(key) { return IDENT.test(key) ? key : '[' + JSON.stringify(key) + ']'; }
  function child(path, seg) {
    if (path === '') return seg;
    return seg.charAt(0) === '[' ? path + seg : path + '.' + seg;
  }
  function js(v) { return v === undefined ? null : JSON.stringify(v); }
  // A command's argument n: as JSON text (null for none) and as a value.
  function text(c, n) { var p = c.parts[n]; return p === undefined || p === 'null' ? null : p; }
  function value(c, n) { var p = c.parts[n]; return p === undefined ? undefined : JSON.parse(p); }
  // A command's key (argument 0) as [key, its path segment]. Keys (claim names, metadata keys)
  // repeat from command to command and login to login: each JSON text is parsed and tested
  // once. The memo is bounded in entries and in key length (an Action's keys must not fill
  // the engine's memory across logins).
  var keyMemo = new Map(), MEMO_KEY_CHARS = 256;
  function keyOf(c) {
    var p = c.parts[0], e = p === undefined ? undefined : keyMemo.get(p);
    if (e === undefined) {
      var k = value(c, 0);
      k = typeof k === 'string' ? k : String(k);
      e = [k, segment(k)];
      if (p !== undefined && p.length <= MEMO_KEY_CHARS) {
        if (keyMemo.size >= 4096) keyMemo.clear();
        keyMemo.set(p, e);
      }
    }
    return e;
  }
  function argsJson(c) {
    var out = [];
    for (var n = 0; n < c.parts.length; n++) out.push(c.parts[n] === undefined ? 'null' : c.parts[n]);
    return '[' + out.join(',') + ']';
  }
  // The fields of `obj` that were given (an argument left out is recorded as null).
  function given(obj) {
    var out = {};
    for (var k in obj) if (obj[k] !== null && obj[k] !== undefined) out[k] = obj[k];
    return out;
  }

  // A keyed state as JSON texts: the value of key k the flow holds (null: none). Keys of
  // `initial` become JSON only when a command touches them. A replay makes ten states and
  // most flows touch a few: an untouched one holds no object of its own.
  var NOTHING = {};   // never written to
  function Keyed(initial) { this.initial = U.isPlain(initial) ? initial : NOTHING; this.json = null; }
  Keyed.prototype.get = function (k) {
    if (this.json !== null && hasOwn.call(this.json, k)) return this.json[k];
    return this.initial !== NOTHING && hasOwn.call(this.initial, k) ? js(this.initial[k]) : null;
  };
  Keyed.prototype.set = function (k, json) { (this.json || (this.json = {}))[k] = json; };

  function flatRows(flow) {
    if (flow.commands.length === 0) return [];
    var base = flow.base.user || {};
    // The keyed states by name (idToken, accessToken, app, user, transaction, saml, samlConfig,
    // session, refreshToken, single), each made when a command first touches it.
    var states = {};
    function state(name) {
      return states[name] || (states[name] = new Keyed(name === 'app' ? base.app_metadata : name === 'user' ? base.user_metadata : NOTHING));
    }
    var mfaNone = flow.options.mfa_none;
    var out = [];
    // One row, its fields appended to `out` (an array per row would cost one allocation each).
    function row(c, target, path, op, before, after, persisted) {
      out.push(c.action, c.leg, target, path, op, before, after, persisted ? 1 : 0, c.op, c.flags.length ? c.flags.join(',') : '');
    }
    // The row of a command that sets key k of state st to `after` (JSON text; null removes
    // it): add or replace, or remove what was there (no row when nothing was). The state
    // takes the value unless the command was ignored (`apply`).
    function keyed(c, target, path, st, k, after, apply, persisted) {
      var before = st.get(k);
      if (apply) st.set(k, after);
      if (after !== null) row(c, target, path, before === null ? 'add' : 'replace', before, after, persisted);
      else if (before !== null) row(c, target, path, 'remove', before, null, persisted);
    }
    for (var n = 0; n < flow.commands.length; n++) {
      var c = flow.commands[n], apply = c.flags.length === 0 || c.flags.indexOf('ignored') < 0;
      var op = c.op, key;
      switch (op) {
        case 'idToken.setCustomClaim':
          key = keyOf(c);
          keyed(c, 'id_token', key[1], state('idToken'), key[0], c.parts[1] === undefined ? null : c.parts[1], apply);
          break;
        case 'accessToken.setCustomClaim':
          key = keyOf(c);
          keyed(c, 'access_token', key[1], state('accessToken'), key[0], c.parts[1] === undefined ? null : c.parts[1], apply);
          break;
        case 'accessToken.addScope':
          row(c, 'access_token', 'scope', 'add', null, text(c, 0));
          break;
        case 'accessToken.removeScope':
          row(c, 'access_token', 'scope', 'remove', text(c, 0), null);
          break;
        case 'multifactor.enable':
          var provider = value(c, 0), options = value(c, 1) || {};
          if (provider === 'none') { if (mfaNone === 'cancel') keyed(c, 'multifactor', '', state('single'), 'mfa', null, apply); }
          else keyed(c, 'multifactor', '', state('single'), 'mfa', js({ provider: provider, allowRememberBrowser: options.allowRememberBrowser, providerOptions: options.providerOptions }), apply);
          break;
        case 'authentication.challengeWith':
        case 'authentication.challengeWithAny':
        case 'authentication.enrollWith':
        case 'authentication.enrollWithAny':
          row(c, 'multifactor', 'factors', 'add', null, js(given({ factors: value(c, 0), options: value(c, 1) })));
          break;
        case 'authentication.recordMethod':
          row(c, 'authentication', 'methods', 'add', null, text(c, 0));
          break;
        case 'authentication.setPrimaryUser':
          keyed(c, 'primary_user', '', state('single'), 'primary', text(c, 0), apply);
          break;
        case 'user.setAppMetadata':
          key = keyOf(c);
          keyed(c, 'app_metadata', key[1], state('app'), key[0], text(c, 1), apply, c.persisted);
          break;
        case 'user.setUserMetadata':
          key = keyOf(c);
          keyed(c, 'user_metadata', key[1], state('user'), key[0], text(c, 1), apply, c.persisted);
          break;
        case 'transaction.setMetadata':
          key = keyOf(c);
          keyed(c, 'transaction_metadata', key[1], state('transaction'), key[0], text(c, 1), apply);
          break;
        case 'access.deny':
          row(c, 'access', 'deny', 'add', null, text(c, 0));
          break;
        case 'validation.error':
          row(c, 'access', 'validation_error', 'add', null, js({ code: value(c, 0), message: value(c, 1) }));
          break;
        case 'session.revoke':
        case 'refreshToken.revoke':
          row(c, op === 'session.revoke' ? 'session' : 'refresh_token', 'revoked', 'add', null, js(given({ reason: value(c, 0), options: value(c, 1) })));
          break;
        case 'redirect.sendUserTo':
          row(c, 'redirect', '', 'add', null, js({ url: value(c, 0) }));
          break;
        case 'prompt.render':
          row(c, 'prompt', '', 'add', null, js({ id: value(c, 0), options: value(c, 1) }));
          break;
        case 'samlResponse.setAttribute':
          key = keyOf(c);
          keyed(c, 'saml', child('attributes', key[1]), state('saml'), key[0], text(c, 1), apply);
          break;
        case 'cache.set':
          row(c, 'cache', keyOf(c)[1], 'add', null, text(c, 1));
          break;
        case 'cache.delete':
          row(c, 'cache', keyOf(c)[1], 'remove', null, null);
          break;
        default:
          other(c, op, apply);
      }
    }
    // The commands of the less common families (SAML configuration, session and refresh-token
    // settings, the transaction's target scopes).
    function other(c, op, apply) {
      var dot = op.indexOf('.'), family = op.slice(0, dot), method = op.slice(dot + 1), key;
      if (family === 'samlResponse') {
        var name = API.SAML_CONFIG[method] ? API.SAML_CONFIG[method][0] : method;
        keyed(c, 'saml', name, state('samlConfig'), name, text(c, 0), apply);
      } else if (family === 'session' || family === 'refreshToken') {
        var target = family === 'session' ? 'session' : 'refresh_token', st = state(family);
        if (method === 'setMetadata') { key = keyOf(c); keyed(c, target, child('metadata', key[1]), st, key[0], text(c, 1), apply); }
        else if (method === 'deleteMetadata') { key = keyOf(c); keyed(c, target, child('metadata', key[1]), st, key[0], null, apply); }
        else if (method === 'evictMetadata') {
          var all = {}, k;
          for (k in st.json) if (st.json[k] !== null) all[k] = JSON.parse(st.json[k]);
          row(c, target, 'metadata', 'remove', js(all), null);
          if (apply) for (k in st.json) st.set(k, null);
        } else if (method === 'setExpiresAt') row(c, target, 'expires_at', 'add', null, text(c, 0));
        else if (method === 'setIdleExpiresAt') row(c, target, 'idle_expires_at', 'add', null, text(c, 0));
        else if (method === 'setCookieMode') row(c, target, 'cookie.mode', 'add', null, text(c, 0));
      } else if (family === 'transaction') {
        row(c, 'access_token', 'target_scopes', 'add', null, argsJson(c));
      }
    }
    return out;
  }
  function rows(flow) {
    var flat = flatRows(flow), out = [];
    for (var n = 0; n < flat.length; n += ROW) out.push(flat.slice(n, n + ROW));
    return out;
  }

  return { rows: rows, flatRows: flatRows, ROW: ROW, argsJson: argsJson };
})

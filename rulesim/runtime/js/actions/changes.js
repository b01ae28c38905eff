(function makeActionsChanges(U, API) {
  // The `api` commands of a flow as rows of the `changes` table (docs/actions.md, "Rows").
  //
  // rows(flow) replays the commands in the order they were issued and returns, per command
  // that changes something, [action, leg, target, path, op, before, after, persisted, command,
  // flags]: the Action's index and the leg it ran in; the target and JSON path it changes
  // (the targets of the Rules' change rows where one fits: id_token, access_token,
  // app_metadata, user_metadata, multifactor, redirect, saml, primary_user; else access,
  // transaction_metadata, session, refresh_token, cache, prompt, authentication); op add,
  // replace or remove; before/after as JSON text (null for none); persisted (1 when a metadata
  // command's value was written to the user, 0 otherwise); the command's name
  // (`idToken.setCustomClaim`) and its flags (after_deny, after_resolve, ignored).
  //
  // `before` is the value the flow held before the command: the claim set by an earlier
  // command, the stored metadata with the earlier metadata commands applied, and so on.
  // Commands that change nothing (redirect.encodeToken, redirect.validateToken, the
  // early-access queries) have no row. A command keeps its arguments as JSON texts
  // (`parts`, api.js rec()): values go to the rows as they are, without parsing.
  'use strict';

  var hasOwn = Object.prototype.hasOwnProperty;
  var IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
  function child(path, key) {
    var seg = IDENT.test(key) ? key : '[' + JSON.stringify(key) + ']';
    if (path === '') return seg;
    return seg.charAt(0) === '[' ? path + seg : path + '.' + seg;
  }
  function js(v) { return v === undefined ? null : JSON.stringify(v); }
  // A command's argument n: as JSON text (null for none) and as a value.
  function text(c, n) { var p = c.parts[n]; return p === undefined || p === 'null' ? null : p; }
  function value(c, n) { var p = c.parts[n]; return p === undefined ? undefined : JSON.parse(p); }
  function key(c) { var k = value(c, 0); return typeof k === 'string' ? k : String(k); }
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

  // A keyed state as JSON texts: before/after of key k and the op from one to the other. Keys
  // of `initial` become JSON only when a command touches them.
  function Keyed(initial) { this.initial = U.isPlain(initial) ? initial : {}; this.json = {}; }
  Keyed.prototype.get = function (k) {
    if (hasOwn.call(this.json, k)) return this.json[k];
    return hasOwn.call(this.initial, k) ? js(this.initial[k]) : null;
  };
  Keyed.prototype.change = function (k, after, apply) {
    var before = this.get(k);
    if (apply) this.json[k] = after;
    if (after === null) return before === null ? null : ['remove', before, null];
    return [before === null ? 'add' : 'replace', before, after];
  };

  function rows(flow) {
    var base = flow.base.user || {};
    var state = {
      idToken: new Keyed({}), accessToken: new Keyed({}),
      app: new Keyed(base.app_metadata), user: new Keyed(base.user_metadata),
      transaction: new Keyed({}), saml: new Keyed({}), samlConfig: new Keyed({}),
      session: new Keyed({}), refreshToken: new Keyed({}), single: new Keyed({}),
    };
    var mfaNone = flow.options.mfa_none;
    var out = [];
    function row(c, target, path, change, persisted) {
      if (change === null) return;
      out.push([c.action, c.leg, target, path, change[0], change[1], change[2], persisted ? 1 : 0, c.op, c.flags.join(',')]);
    }
    for (var n = 0; n < flow.commands.length; n++) {
      var c = flow.commands[n], apply = c.flags.indexOf('ignored') < 0;
      var op = c.op, dot = op.indexOf('.'), family = op.slice(0, dot), method = op.slice(dot + 1);
      switch (op) {
        case 'idToken.setCustomClaim':
        case 'accessToken.setCustomClaim':
          row(c, family === 'idToken' ? 'id_token' : 'access_token', child('', key(c)),
            state[family].change(key(c), c.parts[1] === undefined ? null : c.parts[1], apply));
          break;
        case 'accessToken.addScope':
          row(c, 'access_token', 'scope', ['add', null, text(c, 0)]);
          break;
        case 'accessToken.removeScope':
          row(c, 'access_token', 'scope', ['remove', text(c, 0), null]);
          break;
        case 'multifactor.enable':
          var provider = value(c, 0), options = value(c, 1) || {};
          if (provider === 'none') { if (mfaNone === 'cancel') row(c, 'multifactor', '', state.single.change('mfa', null, apply)); }
          else row(c, 'multifactor', '', state.single.change('mfa', js({ provider: provider, allowRememberBrowser: options.allowRememberBrowser, providerOptions: options.providerOptions }), apply));
          break;
        case 'authentication.challengeWith':
        case 'authentication.challengeWithAny':
        case 'authentication.enrollWith':
        case 'authentication.enrollWithAny':
          row(c, 'multifactor', 'factors', ['add', null, js(given({ factors: value(c, 0), options: value(c, 1) }))]);
          break;
        case 'authentication.recordMethod':
          row(c, 'authentication', 'methods', ['add', null, text(c, 0)]);
          break;
        case 'authentication.setPrimaryUser':
          row(c, 'primary_user', '', state.single.change('primary', text(c, 0), apply));
          break;
        case 'user.setAppMetadata':
        case 'user.setUserMetadata':
          var meta = method === 'setAppMetadata' ? 'app' : 'user';
          row(c, meta + '_metadata', child('', key(c)), state[meta].change(key(c), text(c, 1), apply), c.persisted);
          break;
        case 'transaction.setMetadata':
          row(c, 'transaction_metadata', child('', key(c)), state.transaction.change(key(c), text(c, 1), apply));
          break;
        case 'access.deny':
          row(c, 'access', 'deny', ['add', null, text(c, 0)]);
          break;
        case 'validation.error':
          row(c, 'access', 'validation_error', ['add', null, js({ code: value(c, 0), message: value(c, 1) })]);
          break;
        case 'session.revoke':
        case 'refreshToken.revoke':
          row(c, family === 'session' ? 'session' : 'refresh_token', 'revoked', ['add', null, js(given({ reason: value(c, 0), options: value(c, 1) }))]);
          break;
        case 'redirect.sendUserTo':
          row(c, 'redirect', '', ['add', null, js({ url: value(c, 0) })]);
          break;
        case 'prompt.render':
          row(c, 'prompt', '', ['add', null, js({ id: value(c, 0), options: value(c, 1) })]);
          break;
        case 'samlResponse.setAttribute':
          row(c, 'saml', child('attributes', key(c)), state.saml.change(key(c), text(c, 1), apply));
          break;
        case 'cache.set':
          row(c, 'cache', child('', key(c)), ['add', null, text(c, 1)]);
          break;
        case 'cache.delete':
          row(c, 'cache', child('', key(c)), ['remove', null, null]);
          break;
        default:
          if (family === 'samlResponse') {
            var name = API.SAML_CONFIG[method] ? API.SAML_CONFIG[method][0] : method;
            row(c, 'saml', name, state.samlConfig.change(name, text(c, 0), apply));
          } else if (family === 'session' || family === 'refreshToken') {
            var target = family === 'session' ? 'session' : 'refresh_token', st = state[family];
            if (method === 'setMetadata') row(c, target, child('metadata', key(c)), st.change(key(c), text(c, 1), apply));
            else if (method === 'deleteMetadata') row(c, target, child('metadata', key(c)), st.change(key(c), null, apply));
            else if (method === 'evictMetadata') {
              var all = {}, k;
              for (k in st.json) if (st.json[k] !== null) all[k] = JSON.parse(st.json[k]);
              row(c, target, 'metadata', ['remove', js(all), null]);
              if (apply) for (k in st.json) st.json[k] = null;
            } else if (method === 'setExpiresAt') row(c, target, 'expires_at', ['add', null, text(c, 0)]);
            else if (method === 'setIdleExpiresAt') row(c, target, 'idle_expires_at', ['add', null, text(c, 0)]);
            else if (method === 'setCookieMode') row(c, target, 'cookie.mode', ['add', null, text(c, 0)]);
          } else if (family === 'transaction') {
            row(c, 'access_token', 'target_scopes', ['add', null, argsJson(c)]);
          }
      }
    }
    return out;
  }

  return { rows: rows, argsJson: argsJson };
})

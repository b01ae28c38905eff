(function makeSessionApi(U, K) {
  // api.session and api.refreshToken (api.js BUILD): their metadata (Auth0's key and value
  // limits), expiry, cookie mode and revocation. K holds api.js's rec(c, op, args) and
  // bad(c, message); c is a step's context (api.js build()).
  //
  // Returns {session(c), refreshToken(c)}: the namespace builders.
  'use strict';

  var hasOwn = Object.prototype.hasOwnProperty;
  var META_KEY = /^[a-zA-Z0-9_-]{1,255}$/;
  var rec = K.rec, bad = K.bad;
  var BUILD = {};

  function checkMetadata(m) {
    var keys = Object.keys(m);
    if (keys.length > 25) return 'Metadata must not contain more than 25 entries';
    for (var k = 0; k < keys.length; k++) {
      if (keys[k].indexOf('\u0000') >= 0) return 'Metadata keys must not contain null bytes (\\x00)';
      if (!META_KEY.test(keys[k])) return keys[k].length > 255 ? 'All metadata keys must be at most 255 characters long' : 'Metadata keys may only include letters, numbers, underscores, or hyphens';
      var v = m[keys[k]];
      if (v.length > 255) return 'All metadata values must be at most 255 characters long';
      if (v.indexOf('\u0000') >= 0) return 'Metadata values must not contain null bytes (\\x00)';
    }
    return '';
  }
  function expiry(c, op, store, field) {
    return function (when) {
      if (!when) throw bad(c, 'Either inactivity or absolute expiration time must be provided');
      if (typeof when !== 'number' || !isFinite(when) || when <= 0) throw bad(c, 'Invalid expiration: must be a positive number of milliseconds since the epoch');
      if (rec(c, op, [when]) && (store[field] === undefined || when < store[field])) store[field] = when;
    };
  }
  function metadataApi(c, prefix, state, eventKey, what, guard) {
    return {
      setMetadata: function setMetadata(key, value) {
        try {
          guard('setMetadata', true);
          if (typeof key !== 'string') throw new Error('Invalid metadata: Metadata key must be a string');
          var next = U.clone(state.metadata || {});
          if (value === null) {
            if (!hasOwn.call(next, key)) return;
            delete next[key];
          } else {
            if (typeof value !== 'string') throw new Error('Invalid metadata: Metadata value must be a string');
            next[key] = value;
            var problem = checkMetadata(next);
            if (problem) throw new Error('Invalid metadata: ' + problem);
          }
          if (rec(c, prefix + '.setMetadata', [key, value])) {
            state.metadata = next;
            c.flow.eventVersion++;
            if (c.event[eventKey]) c.event[eventKey].metadata = U.clone(next);
          }
        } catch (e) {
          throw bad(c, 'Failed to set ' + what + ' metadata: ' + (e && e.message ? e.message : String(e)));
        }
      },
      deleteMetadata: function deleteMetadata(key) {
        if (!guard('deleteMetadata', false) || !state.metadata || !hasOwn.call(state.metadata, key)) return;
        if (rec(c, prefix + '.deleteMetadata', [key])) {
          delete state.metadata[key];
          if (c.event[eventKey]) c.event[eventKey].metadata = U.clone(state.metadata);
        }
      },
      evictMetadata: function evictMetadata() {
        if (!guard('evictMetadata', false) || !state.metadata || !Object.keys(state.metadata).length) return;
        if (rec(c, prefix + '.evictMetadata', [])) {
          state.metadata = {};
          c.flow.eventVersion++;
          if (c.event[eventKey]) c.event[eventKey].metadata = {};
        }
      },
    };
  }
  // Session metadata needs a session: setMetadata throws without one; delete/evict do nothing.
  BUILD.session = function (c) {
    var S = c.flow.pending.session;
    var s = metadataApi(c, 'session', S, 'session', 'session', function (method, strict) {
      if (c.event.session) return true;
      if (strict) throw new Error('Cannot set metadata on a session that does not exist.');
      return false;
    });
    s.setExpiresAt = expiry(c, 'session.setExpiresAt', S, 'expiresAt');
    s.setIdleExpiresAt = expiry(c, 'session.setIdleExpiresAt', S, 'idleExpiresAt');
    s.setCookieMode = function setCookieMode(mode) {
      if (!mode) throw bad(c, 'Cookie mode must be provided');
      if (mode !== 'persistent' && mode !== 'non-persistent') throw bad(c, 'Invalid cookie mode: ' + mode + ". Valid values are 'persistent' and 'non-persistent'.");
      if (rec(c, 'session.setCookieMode', [mode])) {
        var event = c.event;
        S.cookieMode = mode;
        c.flow.eventVersion++;
        if (event.session && typeof event.session === 'object' && Object.keys(event.session).length) {
          event.session.cookie = { mode: mode };
        }
      }
    };
    s.revoke = function revoke(reason, options) {
      if (typeof reason !== 'string' || !reason) throw bad(c, 'Invalid reason: must be a non-empty string');
      if (options !== undefined && (typeof options !== 'object' || options === null)) throw bad(c, 'Invalid options: must be an object');
      if (rec(c, 'session.revoke', [reason, options])) {
        var flow = c.flow;
        S.revoked = { reason: reason, preserveRefreshTokens: !!(options && options.preserveRefreshTokens), action: c.i };
        if (!flow.deny) flow.deny = { action: c.i, leg: flow.leg, reason: reason, kind: 'session_revoked' };
      }
    };
    return s;
  };
  // Refresh-token metadata works before a refresh token exists (it is kept for the token the
  // flow creates); everything throws on an `online` refresh token.
  function notOnline(c, method) {
    var event = c.event;
    if (event.refresh_token && event.refresh_token.access === 'online') throw new Error('Cannot call ' + method + ' on an online refresh token.');
    return true;
  }
  function guarded(c, method, fn) {
    return function () {
      try { notOnline(c, method); } catch (e) { throw bad(c, e.message); }
      return fn.apply(undefined, arguments);
    };
  }
  BUILD.refreshToken = function (c) {
    var R = c.flow.pending.refreshToken;
    var t = metadataApi(c, 'refreshToken', R, 'refresh_token', 'refresh token', function (method) { return notOnline(c, method); });
    t.setExpiresAt = guarded(c, 'setExpiresAt', expiry(c, 'refreshToken.setExpiresAt', R, 'expiresAt'));
    t.setIdleExpiresAt = guarded(c, 'setIdleExpiresAt', expiry(c, 'refreshToken.setIdleExpiresAt', R, 'idleExpiresAt'));
    t.revoke = function revoke(reason) {
      if (typeof reason !== 'string' || !reason) throw bad(c, 'Invalid reason: must be a non-empty string');
      if (!rec(c, 'refreshToken.revoke', [reason])) return;
      var flow = c.flow, event = c.event;
      if (event.refresh_token || (event.transaction && event.transaction.protocol === 'oauth2-refresh-token')) {
        R.revoked = { reason: reason, action: c.i };
        if (!flow.deny) flow.deny = { action: c.i, leg: flow.leg, reason: reason, kind: 'refresh_token_revoked' };
      } else {
        U.flag(flow.actions[c.i], 'no_refresh_token');
      }
    };
    return t;
  };

  return { session: BUILD.session, refreshToken: BUILD.refreshToken };
})

(function (module, exports, require, host) {
  // Node's `querystring`: parse / stringify / escape / unescape (and decode / encode aliases).
  'use strict';

  function escape(str) {
    return encodeURIComponent(str);
  }

  // Lenient percent-decoding: malformed sequences are kept as they are, like Node.
  function unescape(str) {
    try {
      return decodeURIComponent(str);
    } catch (e) {
      return str.replace(/(%[0-9a-fA-F]{2})+/g, function (run) {
        try { return decodeURIComponent(run); } catch (e2) { return run; }
      });
    }
  }

  function stringifyPrimitive(v) {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && isFinite(v)) return '' + v;
    if (typeof v === 'bigint') return '' + v;
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    return '';
  }

  function stringify(obj, sep, eq, options) {
    sep = sep || '&';
    eq = eq || '=';
    var enc = (options && options.encodeURIComponent) || exports.escape;
    if (obj === null || typeof obj !== 'object') return '';
    var parts = [];
    Object.keys(obj).forEach(function (k) {
      var v = obj[k];
      var ks = enc(stringifyPrimitive(k)) + eq;
      if (Array.isArray(v)) {
        v.forEach(function (item) { parts.push(ks + enc(stringifyPrimitive(item))); });
      } else {
        parts.push(ks + enc(stringifyPrimitive(v)));
      }
    });
    return parts.join(sep);
  }

  function parse(qs, sep, eq, options) {
    sep = sep || '&';
    eq = eq || '=';
    var obj = Object.create(null);
    if (typeof qs !== 'string' || qs.length === 0) return obj;
    var maxKeys = options && typeof options.maxKeys === 'number' ? options.maxKeys : 1000;
    var dec = (options && options.decodeURIComponent) || exports.unescape;
    var pieces = qs.split(sep);
    if (maxKeys > 0 && pieces.length > maxKeys) pieces = pieces.slice(0, maxKeys);
    pieces.forEach(function (piece) {
      if (piece === '') return;
      var idx = piece.indexOf(eq);
      var k = idx >= 0 ? piece.slice(0, idx) : piece;
      var v = idx >= 0 ? piece.slice(idx + eq.length) : '';
      k = dec(k.replace(/\+/g, ' '));
      v = dec(v.replace(/\+/g, ' '));
      if (!(k in obj)) obj[k] = v;
      else if (Array.isArray(obj[k])) obj[k].push(v);
      else obj[k] = [obj[k], v];
    });
    return obj;
  }

  exports.escape = escape;
  exports.unescape = unescape;
  exports.stringify = stringify;
  exports.encode = stringify;
  exports.parse = parse;
  exports.decode = parse;
})

(function (module, exports, require, host) {
  // The globals Node gives every script and QuickJS lacks, installed by the sandbox once per
  // engine (require.defineNodeGlobals): URL, URLSearchParams, TextEncoder, TextDecoder,
  // process, atob, btoa, structuredClone, queueMicrotask, the ES2022 methods Node 18 has
  // (Array/String/TypedArray .at, findLast, findLastIndex, Object.hasOwn), and V8's wording of
  // JSON.parse errors. Built-ins only: rules cannot require 'internal/globals'.
  'use strict';

  function define(target, name, value) {
    Object.defineProperty(target, name, { value: value, writable: true, configurable: true, enumerable: false });
  }

  // ---------------------------------------------------------------- ES2022 methods
  function at(index) {
    var len = this.length >>> 0;
    var k = Math.trunc(Number(index)) || 0;
    if (k < 0) k += len;
    if (k < 0 || k >= len) return undefined;
    return this[k];
  }
  function findLast(fn, thisArg) {
    for (var i = (this.length >>> 0) - 1; i >= 0; i--) if (fn.call(thisArg, this[i], i, this)) return this[i];
    return undefined;
  }
  function findLastIndex(fn, thisArg) {
    for (var i = (this.length >>> 0) - 1; i >= 0; i--) if (fn.call(thisArg, this[i], i, this)) return i;
    return -1;
  }
  function installMethods(G) {
    var TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
    [G.Array.prototype, TypedArrayProto].forEach(function (proto) {
      if (!proto.at) define(proto, 'at', at);
      if (!proto.findLast) define(proto, 'findLast', findLast);
      if (!proto.findLastIndex) define(proto, 'findLastIndex', findLastIndex);
    });
    if (!G.String.prototype.at) define(G.String.prototype, 'at', { at: function (i) { return at.call(String(this), i); } }.at);
    if (!G.Object.hasOwn) {
      define(G.Object, 'hasOwn', { hasOwn: function (o, k) { return Object.prototype.hasOwnProperty.call(Object(o), k); } }.hasOwn);
    }
  }

  // ---------------------------------------------------------------- structuredClone
  function DataCloneError(message) {
    var e = new Error(message);
    e.name = 'DataCloneError';
    e.code = 25;
    return e;
  }
  function structuredClone(value) {
    if (arguments.length === 0) {
      throw require('internal/errors').invalidArgType('value', 'specified', undefined);
    }
    var seen = new Map();
    function clone(v) {
      if (v === null || (typeof v !== 'object' && typeof v !== 'function')) {
        if (typeof v === 'symbol') throw DataCloneError(String(v) + ' could not be cloned.');
        return v;
      }
      if (typeof v === 'function') throw DataCloneError(Function.prototype.toString.call(v) + ' could not be cloned.');
      if (seen.has(v)) return seen.get(v);
      var out;
      if (Array.isArray(v)) {
        out = [];
        seen.set(v, out);
        for (var i = 0; i < v.length; i++) if (i in v) out[i] = clone(v[i]);
        return out;
      }
      if (v instanceof Date) { out = new Date(v.getTime()); seen.set(v, out); return out; }
      if (v instanceof RegExp) { out = new RegExp(v.source, v.flags); seen.set(v, out); return out; }
      if (v instanceof Map) {
        out = new Map();
        seen.set(v, out);
        v.forEach(function (val, key) { out.set(clone(key), clone(val)); });
        return out;
      }
      if (v instanceof Set) {
        out = new Set();
        seen.set(v, out);
        v.forEach(function (val) { out.add(clone(val)); });
        return out;
      }
      if (v instanceof ArrayBuffer) { out = v.slice(0); seen.set(v, out); return out; }
      if (ArrayBuffer.isView(v)) {
        // A Buffer comes back a plain Uint8Array, as in Node.
        var Ctor = v instanceof Uint8Array ? Uint8Array : v.constructor;
        out = new Ctor(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
        seen.set(v, out);
        return out;
      }
      if (v instanceof Error) {
        out = new Error(v.message);
        seen.set(v, out);
        if (typeof v.name === 'string' && /^(Eval|Range|Reference|Syntax|Type|URI)Error$/.test(v.name)) out.name = v.name;
        if (v.stack !== undefined) out.stack = v.stack;
        return out;
      }
      if (v instanceof Boolean || v instanceof Number || v instanceof String) {
        out = Object(v.valueOf());
        seen.set(v, out);
        return out;
      }
      if (v instanceof Promise || v instanceof WeakMap || v instanceof WeakSet) {
        throw DataCloneError('#<' + v.constructor.name + '> could not be cloned.');
      }
      out = {};
      seen.set(v, out);
      Object.keys(v).forEach(function (k) { out[k] = clone(v[k]); });
      return out;
    }
    return clone(value);
  }

  // ---------------------------------------------------------------- JSON.parse wording
  // V8 10 (Node 16 and 18, Auth0's last Rules runtimes): "Unexpected token < in JSON at
  // position 0", "Unexpected end of JSON input", "Unexpected number/string in JSON at
  // position N". QuickJS says "unexpected token: '<'". The scan below runs only after the
  // native parser has refused the text, to find where V8 would have stopped.
  var WS = { ' ': 1, '\t': 1, '\n': 1, '\r': 1 };
  function jsonErrorMessage(text) {
    var s = text, i = 0, n = s.length;
    function Stop(pos) { this.pos = pos; }
    function stop() { throw new Stop(i); }
    function ws() { while (i < n && WS[s[i]]) i++; }
    function literal(word) {
      for (var k = 0; k < word.length; k++, i++) if (i >= n || s[i] !== word[k]) stop();
    }
    function digits() {
      if (i >= n || s[i] < '0' || s[i] > '9') stop();
      while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    }
    function number() {
      if (s[i] === '-') i++;
      if (s[i] === '0') {
        i++;
        if (i < n && s[i] >= '0' && s[i] <= '9') stop();
      } else digits();
      if (s[i] === '.') { i++; digits(); }
      if (s[i] === 'e' || s[i] === 'E') {
        i++;
        if (s[i] === '+' || s[i] === '-') i++;
        digits();
      }
    }
    function string() {
      i++;
      for (;;) {
        if (i >= n) stop();
        var c = s.charCodeAt(i);
        if (c === 34) { i++; return; }
        if (c < 0x20) stop();
        if (c === 92) {
          i++;
          if (i >= n) stop();
          var e = s[i];
          if (e === 'u') {
            for (var h = 0; h < 4; h++) {
              i++;
              if (i >= n || !/[0-9a-fA-F]/.test(s[i])) stop();
            }
          } else if ('"\\/bfnrt'.indexOf(e) < 0) stop();
        }
        i++;
      }
    }
    function value() {
      ws();
      if (i >= n) stop();
      var c = s[i];
      if (c === '{') {
        i++;
        ws();
        if (s[i] === '}') { i++; return; }
        for (;;) {
          ws();
          if (s[i] !== '"') stop();
          string();
          ws();
          if (s[i] !== ':') stop();
          i++;
          value();
          ws();
          if (s[i] === ',') { i++; continue; }
          if (s[i] === '}') { i++; return; }
          stop();
        }
      }
      if (c === '[') {
        i++;
        ws();
        if (s[i] === ']') { i++; return; }
        for (;;) {
          value();
          ws();
          if (s[i] === ',') { i++; continue; }
          if (s[i] === ']') { i++; return; }
          stop();
        }
      }
      if (c === '"') return string();
      if (c === '-' || (c >= '0' && c <= '9')) return number();
      if (c === 't') return literal('true');
      if (c === 'f') return literal('false');
      if (c === 'n') return literal('null');
      stop();
    }
    try {
      value();
      ws();
      if (i < n) stop();
      return null;
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
      if (e.pos >= n) return 'Unexpected end of JSON input';
      var ch = s[e.pos];
      if (ch === '"') return 'Unexpected string in JSON at position ' + e.pos;
      if (ch === '-' || (ch >= '0' && ch <= '9')) return 'Unexpected number in JSON at position ' + e.pos;
      return 'Unexpected token ' + ch + ' in JSON at position ' + e.pos;
    }
  }
  function installJsonWording(G) {
    var nativeParse = G.JSON.parse;
    var parse = {
      parse: function (text, reviver) {
        try {
          return nativeParse.apply(this, arguments);
        } catch (e) {
          if (!(e instanceof SyntaxError) || typeof text === 'symbol') throw e;
          var message = jsonErrorMessage(String(text));
          if (message === null) throw e;   // the text was fine: a reviver threw
          throw new SyntaxError(message);
        }
      }
    }.parse;
    define(G.JSON, 'parse', parse);
  }

  // ---------------------------------------------------------------- install
  // `sandbox`: {lineBlock} of the sandbox's source layout, so printed errors name rule lines.
  module.exports = function install(G, builtin, sandbox) {
    builtin('internal/inspect').configure(sandbox);
    // The sandbox's virtual Date answers to the name Node's has (inspect prints it otherwise).
    if (G.Date.name !== 'Date') Object.defineProperty(G.Date, 'name', { value: 'Date', configurable: true });
    var url = builtin('url');
    var util = builtin('util');
    var buffer = builtin('buffer');
    var globals = {
      URL: url.URL,
      URLSearchParams: url.URLSearchParams,
      TextEncoder: util.TextEncoder,
      TextDecoder: util.TextDecoder,
      process: builtin('process'),
      atob: buffer.atob,
      btoa: buffer.btoa,
      structuredClone: structuredClone,
      queueMicrotask: function queueMicrotask(fn) {
        if (typeof fn !== 'function') {
          throw require('internal/errors').invalidArgType('callback', 'of type function', fn);
        }
        Promise.resolve().then(function () { fn(); });
      },
    };
    var names = [];
    Object.keys(globals).forEach(function (name) {
      if (Object.prototype.hasOwnProperty.call(G, name)) return;
      define(G, name, globals[name]);
      names.push(name);
    });
    installMethods(G);
    installJsonWording(G);
    return names;
  };
  module.exports.jsonErrorMessage = jsonErrorMessage;
})

(function (module, exports, require, host) {
  // The globals Node gives every script and QuickJS lacks, installed by the sandbox once per
  // engine (require.defineNodeGlobals): URL, URLSearchParams, TextEncoder, TextDecoder,
  // process, atob, btoa, structuredClone, queueMicrotask, WeakRef, FinalizationRegistry, the
  // ES2022 methods Node 18 has (Array/String/TypedArray .at, findLast, findLastIndex,
  // Object.hasOwn), and V8's wording of JSON.parse errors. Built-ins only: rules cannot
  // require 'internal/globals'.
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

  // ---------------------------------------------------------------- ES2023-ES2025 (Node 22)
  // What Node 22 has and QuickJS 2021 lacks, for Actions on the node22 runtime (installNode22):
  // the copying array methods, Object/Map.groupBy, Promise.withResolvers, Array.fromAsync,
  // well-formed strings and the Set methods, with V8's error wording. Node 18 has none of them.
  var MAX_LENGTH = 9007199254740991;
  function toInteger(v) { var n = Math.trunc(Number(v)); return n === n ? n : 0; }
  function lengthOf(o) { var n = toInteger(o.length); return n <= 0 ? 0 : Math.min(n, MAX_LENGTH); }
  function objectOf(v) {
    if (v === null || v === undefined) throw new TypeError('Cannot convert undefined or null to object');
    return Object(v);
  }
  function checkCompare(fn) {
    if (fn !== undefined && typeof fn !== 'function') {
      throw new TypeError('The comparison function must be either a function or undefined: ' + String(fn));
    }
  }
  function denseCopy(o, len) {
    var out = [];
    for (var i = 0; i < len; i++) out.push(o[i]);
    return out;
  }
  function toSorted(comparefn) {
    checkCompare(comparefn);
    var o = objectOf(this);
    return denseCopy(o, lengthOf(o)).sort(comparefn);
  }
  function toReversed() {
    var o = objectOf(this), len = lengthOf(o), out = [];
    for (var i = len - 1; i >= 0; i--) out.push(o[i]);
    return out;
  }
  function toSpliced(start, skipCount) {
    var o = objectOf(this), len = lengthOf(o), rel = toInteger(start);
    var from = rel < 0 ? Math.max(len + rel, 0) : Math.min(rel, len);
    var skip = arguments.length === 0 ? 0
      : arguments.length === 1 ? len - from : Math.min(Math.max(toInteger(skipCount), 0), len - from);
    var out = [], i;
    for (i = 0; i < from; i++) out.push(o[i]);
    for (i = 2; i < arguments.length; i++) out.push(arguments[i]);
    for (i = from + skip; i < len; i++) out.push(o[i]);
    return out;
  }
  function withAt(len, index) {
    var rel = toInteger(index), actual = rel >= 0 ? rel : len + rel;
    return actual >= len || actual < 0 ? -1 : actual;
  }
  var arrayWith = { with: function (index, value) {
    var o = objectOf(this), len = lengthOf(o), at = withAt(len, index);
    if (at < 0) throw new RangeError('Invalid index : ' + index);
    var out = denseCopy(o, len);
    out[at] = value;
    return out;
  } }.with;
  // Typed arrays copy into a new array of the same type (not the species).
  function sameType(ta) {
    var proto = Object.getPrototypeOf(ta);
    while (proto && !Object.prototype.hasOwnProperty.call(proto, 'BYTES_PER_ELEMENT')) proto = Object.getPrototypeOf(proto);
    if (!proto) throw new TypeError('this is not a typed array.');
    return new proto.constructor(ta.length);
  }
  function typedCopy(ta) { var out = sameType(ta); out.set(ta); return out; }
  var typed = {
    toSorted: function toSorted(comparefn) { checkCompare(comparefn); return typedCopy(this).sort(comparefn); },
    toReversed: function toReversed() { return typedCopy(this).reverse(); },
    with: function (index, value) {
      var out = typedCopy(this), v = out instanceof BigInt64Array || out instanceof BigUint64Array ? BigInt(value) : Number(value);
      var at = withAt(out.length, index);
      if (at < 0) throw new RangeError('Invalid typed array index');
      out[at] = v;
      return out;
    },
  };
  function groupInto(items, callbackfn, add, method) {
    if (items === null || items === undefined) throw new TypeError(method + ' called on null or undefined');
    if (typeof callbackfn !== 'function') throw new TypeError(String(callbackfn) + ' is not a function');
    var k = 0;
    for (var value of items) add(callbackfn(value, k++), value);
  }
  var groupBy = {
    groupBy: function (items, callbackfn) {
      var out = Object.create(null);
      groupInto(items, callbackfn, function (key, value) {
        if (typeof key !== 'symbol') key = String(key);
        if (Object.prototype.hasOwnProperty.call(out, key)) out[key].push(value); else out[key] = [value];
      }, 'Object.groupBy');
      return out;
    },
  }.groupBy;
  var mapGroupBy = {
    groupBy: function (items, callbackfn) {
      var out = new Map();
      groupInto(items, callbackfn, function (key, value) {
        var list = out.get(key);
        if (list) list.push(value); else out.set(key, [value]);
      }, 'Map.groupBy');
      return out;
    },
  }.groupBy;
  var withResolvers = { withResolvers: function () {
    var resolve, reject;
    var promise = new this(function (a, b) { resolve = a; reject = b; });
    return { promise: promise, resolve: resolve, reject: reject };
  } }.withResolvers;
  var fromAsync = { fromAsync: function (asyncItems) {
    var mapfn = arguments[1], thisArg = arguments[2];
    return (async function () {
      if (mapfn !== undefined && typeof mapfn !== 'function') throw new TypeError(String(mapfn) + ' is not a function');
      var out = [], k = 0, v;
      if (asyncItems !== null && asyncItems !== undefined &&
          (typeof asyncItems[Symbol.asyncIterator] === 'function' || typeof asyncItems[Symbol.iterator] === 'function')) {
        var iterable = typeof asyncItems[Symbol.asyncIterator] === 'function' ? asyncItems
          : { [Symbol.asyncIterator]: function () {
            var it = asyncItems[Symbol.iterator]();
            return { next: async function () { var r = it.next(); return r.done ? r : { done: false, value: await r.value }; } };
          } };
        for await (v of iterable) out.push(mapfn ? await mapfn.call(thisArg, v, k++) : v);
        return out;
      }
      var o = objectOf(asyncItems), len = lengthOf(o);
      for (k = 0; k < len; k++) { v = await o[k]; out.push(mapfn ? await mapfn.call(thisArg, v, k) : v); }
      return out;
    })();
  } }.fromAsync;
  function isLead(c) { return c >= 0xd800 && c <= 0xdbff; }
  function isTrail(c) { return c >= 0xdc00 && c <= 0xdfff; }
  function wellFormed(s, fix) {
    var out = '', from = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (isLead(c) && i + 1 < s.length && isTrail(s.charCodeAt(i + 1))) { i++; continue; }
      if (isLead(c) || isTrail(c)) {
        if (!fix) return false;
        out += s.slice(from, i) + '\ufffd';
        from = i + 1;
      }
    }
    return fix ? out + s.slice(from) : true;
  }
  function stringThis(v, method) {
    if (v === null || v === undefined) throw new TypeError('String.prototype.' + method + ' called on null or undefined');
    return String(v);
  }
  var strings = {
    isWellFormed: function isWellFormed() { return wellFormed(stringThis(this, 'isWellFormed'), false); },
    toWellFormed: function toWellFormed() { return wellFormed(stringThis(this, 'toWellFormed'), true); },
  };
  // The Set methods take any set-like `other`: {size, has(), keys()} (GetSetRecord).
  function setRecord(other, method) {
    if (other === null || (typeof other !== 'object' && typeof other !== 'function')) {
      throw new TypeError('Set.prototype.' + method + ' argument must be an object');
    }
    var size = Number(other.size);
    if (size !== size) throw new TypeError('The .size property is NaN');
    var has = other.has, keys = other.keys;
    if (typeof has !== 'function') throw new TypeError('string "has" is not a function');
    if (typeof keys !== 'function') throw new TypeError('string "keys" is not a function');
    return { size: size, has: function (v) { return !!has.call(other, v); },
      each: function (fn) {
        var it = keys.call(other);
        for (var r = it.next(); !r.done; r = it.next()) if (fn(r.value) === false) return false;
        return true;
      } };
  }
  function thisSet(s, method) {
    if (!(s instanceof Set)) {
      throw new TypeError('Method Set.prototype.' + method + ' called on incompatible receiver ' + Object.prototype.toString.call(s).replace(/^\[object (.*)\]$/, '#<$1>'));
    }
    return s;
  }
  var setMethods = {
    union: function union(other) {
      var out = new Set(thisSet(this, 'union')), r = setRecord(other, 'union');
      r.each(function (v) { out.add(v); });
      return out;
    },
    intersection: function intersection(other) {
      var me = thisSet(this, 'intersection'), r = setRecord(other, 'intersection'), out = new Set();
      if (me.size <= r.size) me.forEach(function (v) { if (r.has(v)) out.add(v); });
      else r.each(function (v) { if (me.has(v)) out.add(v); });
      return out;
    },
    difference: function difference(other) {
      var me = thisSet(this, 'difference'), r = setRecord(other, 'difference'), out = new Set(me);
      if (me.size <= r.size) me.forEach(function (v) { if (r.has(v)) out.delete(v); });
      else r.each(function (v) { out.delete(v); });
      return out;
    },
    symmetricDifference: function symmetricDifference(other) {
      var me = thisSet(this, 'symmetricDifference'), r = setRecord(other, 'symmetricDifference'), out = new Set(me);
      r.each(function (v) { if (me.has(v)) out.delete(v); else out.add(v); });
      return out;
    },
    isSubsetOf: function isSubsetOf(other) {
      var me = thisSet(this, 'isSubsetOf'), r = setRecord(other, 'isSubsetOf');
      if (me.size > r.size) return false;
      var all = true;
      me.forEach(function (v) { if (all && !r.has(v)) all = false; });
      return all;
    },
    isSupersetOf: function isSupersetOf(other) {
      var me = thisSet(this, 'isSupersetOf'), r = setRecord(other, 'isSupersetOf');
      if (me.size < r.size) return false;
      return r.each(function (v) { return me.has(v); });
    },
    isDisjointFrom: function isDisjointFrom(other) {
      var me = thisSet(this, 'isDisjointFrom'), r = setRecord(other, 'isDisjointFrom');
      if (me.size <= r.size) {
        var none = true;
        me.forEach(function (v) { if (none && r.has(v)) none = false; });
        return none;
      }
      return r.each(function (v) { return !me.has(v); });
    },
  };
  function installNode22(G) {
    if (!Object.prototype.hasOwnProperty.call(G, 'crypto')) {
      var web = require('internal/webcrypto');
      define(G, 'crypto', web.crypto);
      define(G, 'Crypto', web.Crypto);
    }
    var TypedArrayProto = Object.getPrototypeOf(G.Uint8Array.prototype);
    var arrayMethods = { toSorted: toSorted, toReversed: toReversed, toSpliced: toSpliced, with: arrayWith };
    Object.keys(arrayMethods).forEach(function (k) { if (!G.Array.prototype[k]) define(G.Array.prototype, k, arrayMethods[k]); });
    Object.keys(typed).forEach(function (k) { if (!TypedArrayProto[k]) define(TypedArrayProto, k, typed[k]); });
    if (!G.Object.groupBy) define(G.Object, 'groupBy', groupBy);
    if (!G.Map.groupBy) define(G.Map, 'groupBy', mapGroupBy);
    if (!G.Promise.withResolvers) define(G.Promise, 'withResolvers', withResolvers);
    if (!G.Array.fromAsync) define(G.Array, 'fromAsync', fromAsync);
    Object.keys(strings).forEach(function (k) { if (!G.String.prototype[k]) define(G.String.prototype, k, strings[k]); });
    Object.keys(setMethods).forEach(function (k) { if (!G.Set.prototype[k]) define(G.Set.prototype, k, setMethods[k]); });
  }

  // ---------------------------------------------------------------- structuredClone
  function DataCloneError(message) { return require('internal/errors').domException('DataCloneError', message, 25); }
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

  // ---------------------------------------------------------------- WeakRef, FinalizationRegistry
  // Node 18 has them; QuickJS 2021 does not. The engine gives no weak reference to build them
  // on, so a WeakRef holds its target as long as the WeakRef lives and a registry never calls
  // its cleanup callback: both are what the standard allows (an engine may keep any object
  // alive and need never call a cleanup), and a simulation is the better for it, since when
  // V8 collects is not something a run could reproduce. V8's messages.
  var weakTargets = new WeakMap();
  function WeakRef(target) {
    if (!new.target) throw new TypeError("Constructor WeakRef requires 'new'");
    if (target === null || (typeof target !== 'object' && typeof target !== 'function')) throw new TypeError('WeakRef: invalid target');
    weakTargets.set(this, target);
  }
  define(WeakRef.prototype, 'deref', {
    deref: function () {
      if (!weakTargets.has(this)) throw new TypeError('Method WeakRef.prototype.deref called on incompatible receiver ' + receiverName(this));
      return weakTargets.get(this);
    },
  }.deref);
  Object.defineProperty(WeakRef.prototype, Symbol.toStringTag, { value: 'WeakRef', configurable: true });
  var registries = new WeakMap();   // registry -> the unregister tokens it was given
  function FinalizationRegistry(cleanup) {
    if (!new.target) throw new TypeError("Constructor FinalizationRegistry requires 'new'");
    if (typeof cleanup !== 'function') throw new TypeError('FinalizationRegistry: cleanup must be callable');
    registries.set(this, []);
  }
  function tokensOf(registry, method) {
    var tokens = registries.get(registry);
    if (tokens === undefined) throw new TypeError('Method FinalizationRegistry.prototype.' + method + ' called on incompatible receiver ' + receiverName(registry));
    return tokens;
  }
  function isObject(v) { return v !== null && (typeof v === 'object' || typeof v === 'function'); }
  function tokenText(v) { try { return String(v); } catch (e) { return typeof v; } }
  var registryMethods = {
    register: function (target, held, token) {
      var tokens = tokensOf(this, 'register');
      if (!isObject(target)) throw new TypeError('FinalizationRegistry.prototype.register: invalid target');
      if (target === held) throw new TypeError('FinalizationRegistry.prototype.register: target and holdings must not be same');
      if (token !== undefined && !isObject(token)) throw new TypeError("Invalid unregisterToken ('" + tokenText(token) + "')");
      // The cleanup never runs (see above): only the token is kept, for unregister().
      if (token !== undefined) tokens.push(token);
      return undefined;
    },
    unregister: function (token) {
      var tokens = tokensOf(this, 'unregister');
      if (!isObject(token)) throw new TypeError("Invalid unregisterToken ('" + tokenText(token) + "')");
      var found = false;
      for (var i = tokens.length - 1; i >= 0; i--) if (tokens[i] === token) { tokens.splice(i, 1); found = true; }
      return found;
    },
  };
  define(FinalizationRegistry.prototype, 'register', registryMethods.register);
  define(FinalizationRegistry.prototype, 'unregister', registryMethods.unregister);
  Object.defineProperty(FinalizationRegistry.prototype, Symbol.toStringTag, { value: 'FinalizationRegistry', configurable: true });
  function receiverName(v) {
    if (v === null || v === undefined) return String(v);
    if (typeof v !== 'object' && typeof v !== 'function') return tokenText(v);
    var c = v.constructor;
    return '#<' + (typeof c === 'function' && c.name ? c.name : 'Object') + '>';
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
      WeakRef: WeakRef,
      FinalizationRegistry: FinalizationRegistry,
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
    builtin('internal/intl')(G);   // localeCompare, toLocaleString, ... on ICU, when built
    return names;
  };
  module.exports.jsonErrorMessage = jsonErrorMessage;
  module.exports.installNode22 = installNode22;
})

(function makeActionsCopies() {
  // Copies of the event for each Action (flow.js startRun): lazy copies, and the deep copy
  // the runtime makes of plain data (copyData; flow.js's U.clone).
  //
  // Returns {lazyCopy(src, keys), lazyKeys(keys), copyOf(v, shapes), copyData(v), SHAPES}.
  'use strict';

  var hasOwn = Object.prototype.hasOwnProperty;
  var MapCtor = Map;
  var objectKeys = Object.keys;

  // Lazy copies: an object that copies a value of its source the first time it is read (and
  // keeps the copy), so an Action pays only for the parts of its `event` it reads, and nothing
  // it does to them reaches the source. A lazy copy is a Proxy over an empty object (the
  // target): a key of the source that was not read yet is *virtual*; reading it, or asking for
  // its descriptor, makes it a plain own property of the target (a data property, as in the
  // object Node's Action receives). Its handler (one object per copy, its prototype LAZY holds
  // the traps) knows the source, the source's keys ({list, has}, shared by every copy of the
  // same keys) and the keys deleted. Every trap answers as the plain object with every
  // virtual key read would: keys in the source's order, then the keys added, integer keys
  // first (ownKeys); `in`, delete, defineProperty, preventExtensions; the prototype and
  // extensibility are the target's. Making one costs QuickJS a tenth of what an object with
  // an accessor per key costs (a user has nineteen keys).
  var reflectGet = Reflect.get, reflectSet = Reflect.set, reflectOwnKeys = Reflect.ownKeys;
  var reflectGOPD = Reflect.getOwnPropertyDescriptor, reflectDefine = Reflect.defineProperty;
  var reflectDelete = Reflect.deleteProperty, reflectPrevent = Reflect.preventExtensions;
  var ProxyCtor = Proxy;
  var INDEX_KEY = /^(?:0|[1-9][0-9]*)$/;
  function isIndex(k) { return INDEX_KEY.test(k) && +k < 4294967295; }   // an array index
  var lazyShapes = new MapCtor();
  var LAZY = {
    __proto__: null,   // no trap inherited from Object.prototype (30-tracking.js)
    // A copy's handler has two own fields, src and keys (an object of two fields needs no
    // room added: QuickJS gives every object two slots); gone and accessors are these
    // defaults until the copy needs its own (a delete, an accessor: rare).
    gone: null,       // the source's keys deleted from the copy (an object), or null
    accessors: false, // an accessor was defined on the copy: reads go through Reflect.get
    // Whether key k is virtual: the source's, not read, not deleted.
    virtual: function (t, k) {
      return typeof k === 'string' && this.keys.has[k] === true && !hasOwn.call(t, k) &&
        (this.gone === null || this.gone[k] !== true);
    },
    // take(t, k): read virtual key k: copy the source's value into the target.
    take: function (t, k) {
      var src = this.src, v = src[k];
      // A string, number, boolean or null is its own copy.
      if (v !== null && typeof v === 'object') v = copyOf(v, src[SHAPES]);
      if (k === '__proto__') reflectDefine(t, k, { value: v, writable: true, enumerable: true, configurable: true });
      else t[k] = v;
      return v;
    },
    get: function (t, k, receiver) {
      if (hasOwn.call(t, k)) return this.accessors ? reflectGet(t, k, receiver) : t[k];
      // virtual(t, k) without the own-key test just made (the hot path: every read)
      if (typeof k === 'string' && this.keys.has[k] === true && (this.gone === null || this.gone[k] !== true)) return this.take(t, k);
      return reflectGet(t, k, receiver);
    },
    // A write reads the key first (the plain object had it), then is an ordinary [[Set]] with
    // the receiver (the copy itself, or an object that inherits from it). Writes are rare.
    set: function (t, k, v, receiver) {
      if (this.virtual(t, k)) this.take(t, k);
      return reflectSet(t, k, v, receiver);
    },
    has: function (t, k) { return this.virtual(t, k) || k in t; },
    getOwnPropertyDescriptor: function (t, k) {
      if (this.virtual(t, k)) this.take(t, k);
      return reflectGOPD(t, k);
    },
    defineProperty: function (t, k, d) {
      if ('get' in d || 'set' in d) {
        // QuickJS 2021 drops the get and set of an accessor that a getOwnPropertyDescriptor
        // trap answers: once the copy has an accessor, every key is read into the target and
        // the target answers that question itself (no trap).
        this.takeAll(t);
        this.accessors = true;
        this.getOwnPropertyDescriptor = undefined;
      } else if (this.virtual(t, k)) {
        this.take(t, k);
      }
      return reflectDefine(t, k, d);
    },
    deleteProperty: function (t, k) {
      var inSource = typeof k === 'string' && this.keys.has[k] === true;
      if (inSource && this.gone !== null && this.gone[k] === true) return reflectDelete(t, k);
      if (!reflectDelete(t, k)) return false;
      if (inSource) (this.gone || (this.gone = Object.create(null)))[k] = true;
      return true;
    },
    ownKeys: function (t) {
      var list = this.keys.list, gone = this.gone, out = [], symbols = [], index = null, k, n;
      for (n = 0; n < list.length; n++) if (gone === null || gone[list[n]] !== true) out.push(list[n]);
      var own = reflectOwnKeys(t);
      for (n = 0; n < own.length; n++) {
        k = own[n];
        if (typeof k === 'symbol') symbols.push(k);
        else if (this.keys.has[k] !== true || (gone !== null && gone[k] === true)) out.push(k);
      }
      // Integer keys come first, in ascending order, as for any object.
      for (n = 0; n < out.length; n++) if (isIndex(out[n])) { index = []; break; }
      if (index !== null) {
        var names = [];
        for (n = 0; n < out.length; n++) (isIndex(out[n]) ? index : names).push(out[n]);
        index.sort(function (a, b) { return a - b; });
        out = index.concat(names);
      }
      return symbols.length ? out.concat(symbols) : out;
    },
    preventExtensions: function (t) {
      this.takeAll(t);
      return reflectPrevent(t);
    },
    takeAll: function (t) {
      var list = this.keys.list;
      for (var n = 0; n < list.length; n++) if (this.virtual(t, list[n])) this.take(t, list[n]);
    },
  };
  // lazyKeys(keys): the {list, has} of a source with these own keys, shared by their copies.
  // The last one returned for each number of keys is tried first (comparing the keys costs
  // less than joining them into the map's key: the same objects of the event, a user's
  // app_metadata, a request's geoip, come back login after login).
  var lastOfLength = [];
  function lazyKeys(keys) {
    var last = lastOfLength[keys.length];
    if (last !== undefined && sameKeys(last.list, keys)) return last;
    var shape = keys.join('\u0000'), known = lazyShapes.get(shape);
    if (known === undefined) {
      var has = Object.create(null);
      for (var i = 0; i < keys.length; i++) has[keys[i]] = true;
      known = { list: keys.slice(), has: has };
      if (lazyShapes.size < 512) lazyShapes.set(shape, known);
    }
    if (keys.length < 64) lastOfLength[keys.length] = known;
    return known;
  }
  // sameKeys(a, b): whether lists a and b (of the same length) hold the same keys in order.
  function sameKeys(a, b) {
    for (var n = 0; n < a.length; n++) if (a[n] !== b[n]) return false;
    return true;
  }
  // lazyCopy(src, keys): a lazy copy of src, whose keys (own or inherited) `keys` (lazyKeys) lists.
  function lazyCopy(src, keys) {
    var h = Object.create(LAZY);
    h.src = src;
    h.keys = keys;
    return new ProxyCtor({}, h);
  }
  // The event's parts (eventParts) carry under SHAPES a map (one per flow) from each of their
  // object values to what copying it needs: {keys: its own keys, lazy: its lazyKeys when it
  // is copied lazily (the user, the request) or null}. Those objects do not change while
  // the flow runs, and every Action of the flow reads them. Below the top level there is no
  // map (src[SHAPES] is undefined).
  var SHAPES = Symbol('shapes');
  // copyOf(v, shapes): what a lazy copy holds for source value v: a lazy copy of a large plain
  // object (six own keys or more: an Action reads a few of its fields), else a plain copy
  // (copyData). Lazy or plain, the copy has v's own keys and the same values; which one it
  // is only decides what the copy costs.
  function copyOf(v, shapes) {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return copyData(v);
    var known = shapes !== undefined ? shapes.get(v) : undefined;
    if (known !== undefined) return known.lazy !== null ? lazyCopy(v, known.lazy) : cloneKeys(v, known.keys);
    var keys = objectKeys(v), lazy = keys.length < 6 ? null : lazyKeys(keys);
    if (shapes !== undefined) shapes.set(v, { keys: keys, lazy: lazy });
    return lazy === null ? cloneKeys(v, keys) : lazyCopy(v, lazy);
  }
  // copyData(v) for a plain object v whose own keys are `keys`.
  function cloneKeys(v, keys) {
    var out = {};
    for (var n = 0; n < keys.length; n++) {
      var x = v[keys[n]];
      out[keys[n]] = x === null || typeof x !== 'object' ? x : copyData(x);
    }
    return out;
  }
  // copyData(v): a deep copy of an object or array, without a call per string or number; its
  // own enumerable keys for an object, every index for an array (holes stay holes). U.clone.
  function copyData(v) {
    var n, x;
    if (Array.isArray(v)) {
      var a = [];
      for (n = 0; n < v.length; n++) {
        x = v[n];
        if (x === undefined && !(n in v)) continue;
        a[n] = x === null || typeof x !== 'object' ? x : copyData(x);
      }
      if (a.length !== v.length) a.length = v.length;
      return a;
    }
    return cloneKeys(v, objectKeys(v));
  }

  return { lazyCopy: lazyCopy, lazyKeys: lazyKeys, copyOf: copyOf, copyData: copyData, SHAPES: SHAPES };
})

  // ---------------------------------------------------------------- built-in prototypes: pollution check and restore
  var intrinsicProtos = [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype,
    Boolean.prototype, Error.prototype, Promise.prototype, RegExp.prototype, RealDate.prototype, Map.prototype, Set.prototype,
    Object, Array, JSON, Math, Promise, Reflect];
  // The check calls only functions taken before any rule ran (00-core.js): a rule may replace
  // Object.getOwnPropertyDescriptor, Array.prototype.push, ... and the check must not call them.
  // Every built-in object (the world, snapshotIntrinsics): intrinsicProtos first, then the
  // other global objects and functions, their prototypes, process.env and the intrinsics no
  // global names (the iterators' prototypes, generators', %TypedArray%). See restoreWorld.
  // world[0 .. builtinCount): the built-ins proper (intrinsicProtos, the globals' values and
  // their prototypes, the unnamed intrinsics), which the check after a login compares; after
  // them, what is reachable from those (collectWorld), which only a reset restores.
  var world = [], worldNames = [], worldSet = null, builtinSet = null, builtinCount = 0;
  var setHas = Set.prototype.has;
  function isIntrinsic(o) {
    if (o === G) return true;   // (what cannot be undone there: globalPinned)
    if (builtinSet !== null) return reflectApply(setHas, builtinSet, [o]);
    for (var i = 0; i < intrinsicProtos.length; i++) if (intrinsicProtos[i] === o) return true;
    return false;
  }
  // What the fast test below cannot see (a property defined non-enumerable, attributes changed,
  // a prototype swapped, an intrinsic frozen) is only done through a few functions: rules get
  // them wrapped, and one aimed at an intrinsic sends the login to the full comparison. The
  // defineProperty family also raises the paired runs' `exotic` flag (20-globals.js).
  var intrinsicsTouched = false;
  function watch(holder, name, definesProperties) {
    var real = holder[name];
    var onThis = holder === Object.prototype;   // __defineGetter__ and __defineSetter__
    // A method (as a built-in: no prototype, not a constructor) named after the original.
    var fn = ({ [name](target) {
      if (definesProperties) exotic = true;
      if (isIntrinsic(onThis ? this : target)) intrinsicsTouched = true;
      return reflectApply(real, this, arguments);
    } })[name];
    realDefineProperty(fn, 'length', { value: real.length });
    realDefineProperty(holder, name, { value: fn, writable: true, enumerable: false, configurable: true });
  }
  watch(Object, 'defineProperty', true); watch(Object, 'defineProperties', true);
  watch(Reflect, 'defineProperty', true);
  watch(Object.prototype, '__defineGetter__', true); watch(Object.prototype, '__defineSetter__', true);
  watch(Object, 'setPrototypeOf', false); watch(Object, 'preventExtensions', false);
  watch(Object, 'seal', false); watch(Object, 'freeze', false);
  watch(Reflect, 'setPrototypeOf', false); watch(Reflect, 'preventExtensions', false);
  (function () {   // `X.prototype.__proto__ = ...` (the setter's receiver is the target)
    var d = getOwnDescriptor(Object.prototype, '__proto__');
    if (!d || typeof d.set !== 'function') return;
    var set = d.set;
    var guardedSet = getOwnDescriptor({ set __proto__(proto) {
      if (isIntrinsic(this)) intrinsicsTouched = true;
      return reflectApply(set, this, arguments);
    } }, '__proto__').set;
    realDefineProperty(Object.prototype, '__proto__', { get: d.get, set: guardedSet, enumerable: false, configurable: true });
  })();
  function collectWorld() {
    world = [];
    worldNames = [];
    worldSet = new SetCtor();
    // (The global object is restoreWorld's own: the keys rules give it are theirs to keep.)
    var add = adder(world, worldNames, worldSet, null);
    for (var i = 0; i < intrinsicProtos.length; i++) add(intrinsicProtos[i], PROTO_NAMES[i]);
    // Every global object and function as set-up left it: the engine's and rulesim's (console,
    // process, Buffer, require, URL, ...), but not `global`, whose keys are the rules'.
    var globals = reflectOwnKeys(G);
    for (i = 0; i < globals.length; i++) {
      var k = globals[i], d = getOwnDescriptor(G, k);
      // (`__rulesim_cov`, the coverage counters, are the sandbox's.)
      if (typeof k !== 'string' || k === 'global' || k.indexOf('__rulesim') === 0 || !d || !('value' in d)) continue;
      add(d.value, k);
      var pd = typeof d.value === 'function' ? getOwnDescriptor(d.value, 'prototype') : undefined;
      if (pd && 'value' in pd) add(pd.value, k + '.prototype');
    }
    var arrayIterator = realGetPrototypeOf([][Symbol.iterator]());
    var generator = realGetPrototypeOf(function* () {}), asyncGenerator = realGetPrototypeOf(async function* () {});
    add(arrayIterator, '%ArrayIteratorPrototype%');
    add(realGetPrototypeOf(arrayIterator), '%IteratorPrototype%');
    add(realGetPrototypeOf(''[Symbol.iterator]()), '%StringIteratorPrototype%');
    add(realGetPrototypeOf(new Map().entries()), '%MapIteratorPrototype%');
    add(realGetPrototypeOf(new Set().values()), '%SetIteratorPrototype%');
    add(realGetPrototypeOf(/a/[Symbol.matchAll]('a')), '%RegExpStringIteratorPrototype%');
    add(generator, '%GeneratorFunction.prototype%');
    add(generator.prototype, '%GeneratorPrototype%');
    add(realGetPrototypeOf(async function () {}), '%AsyncFunction.prototype%');
    add(asyncGenerator, '%AsyncGeneratorFunction.prototype%');
    add(asyncGenerator.prototype, '%AsyncGeneratorPrototype%');
    add(realGetPrototypeOf(asyncGenerator.prototype), '%AsyncIteratorPrototype%');
    add(realGetPrototypeOf(Int8Array), '%TypedArray%');
    add(realGetPrototypeOf(Int8Array.prototype), '%TypedArray%.prototype');
    var env = G.process && typeof G.process === 'object' ? getOwnDescriptor(G.process, 'env') : undefined;
    if (env && 'value' in env) add(env.value, 'process.env');
    // And everything reachable from those through properties (values, getters and setters):
    // the methods of every built-in (a key a rule gives `JSON.parse`), `require.cache` and the
    // modules set-up loaded, with their exports (`require('util').inspect.defaultOptions`),
    // `process`'s listeners. A rule's change to any of them lives on until a reset, as in a
    // warm container, and no longer: so the next chunk does not depend on the chunks this
    // worker ran before. (Keys added to require.cache are the modules loaded since: the
    // restore deletes them, so the next require() runs them again.)
    builtinCount = world.length;
    builtinSet = new SetCtor();
    for (var b = 0; b < builtinCount; b++) builtinSet.add(world[b]);
    intrinsicKeys = [];
    walkFrom(world, worldNames, intrinsicKeys, 0, add);
  }
  // adder(list, names, set, also)(o, name[, key, suffix]): append object o to list (and set)
  // unless it is the global object, `global`, or already in set or `also`. Its name is `name`,
  // or name.key + suffix (built only for an object that is new).
  function adder(list, names, set, also) {
    return function (o, name, key, suffix) {
      if (o === null || (typeof o !== 'object' && typeof o !== 'function') || o === G || o === G.global ||
          reflectApply(setHas, set, [o]) || (also !== null && reflectApply(setHas, also, [o]))) return;
      set.add(o);
      list.push(o);
      names.push(key === undefined ? name : name + '.' + stringOf(key) + suffix);
    };
  }
  var MAX_WORLD = 20000;   // objects walked at most (about 900 in practice)
  // Snapshot list[from..] (into snaps), and add (adder) what each one's properties hold:
  // values, getters and setters. add appends what is new to list, so the walk goes on until
  // nothing new is found.
  function walkFrom(list, names, snaps, from, add) {
    for (var w = from; w < list.length; w++) {
      var snap = snaps[w] = snapshotObject(list[w], list !== world || w >= builtinCount), keys = snap.keys, descs = snap.descs;
      if (list.length - from >= MAX_WORLD) continue;
      for (var j = 0; j < keys.length; j++) {
        var d = descs[j];
        if (d === undefined) continue;
        add(d.value, names[w], keys[j], '');
        add(d.get, names[w], keys[j], ' (getter)');
        add(d.set, names[w], keys[j], ' (setter)');
      }
    }
  }
  // Per built-in: its own keys, their descriptors, its prototype and extensibility; and the
  // global object's own keys and their descriptors.
  var intrinsicKeys = [], globalSnap = null;
  // A property's descriptor as a record of its own fields and no prototype (undefined: no
  // such property), as snapshots keep them: restoring a property from it never reads a field
  // it lacks (`get` of a data property) from Object.prototype, where a rule may have put a
  // `get` or a `value` of its own.
  function descriptorOf(o, k) {
    var d = getOwnDescriptor(o, k);
    if (d === undefined) return undefined;
    var r = { __proto__: null }, fields = reflectOwnKeys(d);
    for (var i = 0; i < fields.length; i++) r[fields[i]] = d[fields[i]];
    return r;
  }
  // raw: keep the engine's descriptors as they are (what is reachable from the built-ins is
  // restored after Object.prototype, world object 0, whose descriptors are records).
  function snapshotObject(o, raw) {
    var keys = reflectOwnKeys(o), descs = [];
    for (var j = 0; j < keys.length; j++) descs[j] = raw === true ? getOwnDescriptor(o, keys[j]) : descriptorOf(o, keys[j]);
    return { keys: keys, descs: descs, proto: realGetPrototypeOf(o), extensible: realIsExtensible(o) };
  }
  function snapshotIntrinsics() {
    collectWorld();   // (and snapshots each object of the world into intrinsicKeys)
    globalSnap = snapshotObject(G);
    intrinsicsTouched = false;   // the sandbox's own set-up is the state to keep
  }
  // The fast test run after every login: an enumerable key on any intrinsic (built-in
  // properties are all non-enumerable, so `X.prototype.y = v` adds one), or a changed value of
  // any data property of an intrinsic (`Math.random = ...`, `String.prototype.trim = ...` keep
  // the property non-enumerable). It is generated code with static property names and one
  // for-in a line: QuickJS resolves static names at compile time, a computed name or an
  // element of an array costs a lookup. A for-in walks the prototype chain too, so an
  // intrinsic on the chain of another (Object.prototype, Function.prototype) needs none of
  // its own (a chain only changes through the guarded functions).
  var looksPolluted = function () {   // until snapshotQuick() has run: the enumerable test
    for (var i = 0; i < intrinsicProtos.length; i++) for (var k in intrinsicProtos[i]) if (k !== undefined) return true;
    return false;
  };
  function onAnotherChain(o) {
    for (var i = 0; i < intrinsicProtos.length; i++) {
      for (var p = realGetPrototypeOf(intrinsicProtos[i]); p !== null; p = realGetPrototypeOf(p)) if (p === o) return true;
    }
    return false;
  }
  function snapshotQuick() {
    // Each intrinsic and each value is a variable of the generated closure: a variable costs
    // QuickJS less to read than an element of an array (about half the time of the test).
    var tests = [], decls = [], values = [], symbols = [], enumerable = [];
    for (var i = 0; i < intrinsicProtos.length; i++) {
      var keys = intrinsicKeys[i].keys, descs = intrinsicKeys[i].descs;   // snapshotIntrinsics()
      decls.push('var p' + i + ' = P[' + i + '];');
      if (!onAnotherChain(intrinsicProtos[i])) enumerable.push('for (k in p' + i + ') return true;');
      for (var j = 0; j < keys.length; j++) {
        var k = keys[j], d = descs[j];
        if (!d || !('value' in d)) continue;
        if (!d.writable && !d.configurable) continue;   // can never change (Math.PI)
        var access;
        if (typeof k === 'symbol') { access = 'p' + i + '[S[' + symbols.length + ']]'; symbols.push(k); }
        else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k)) access = 'p' + i + '.' + k;
        else access = 'p' + i + '[' + jsonStringify(k) + ']';
        decls.push('var v' + values.length + ' = V[' + values.length + '];');
        tests.push(access + ' !== v' + values.length);
        values.push(d.value);
      }
    }
    looksPolluted = new Function('P', 'V', 'S', '"use strict"; ' + decls.join('\n') +
      ' function quickChanged() { return ' + (tests.length ? tests.join(' || ') : 'false') + '; }' +
      ' return function looksPolluted() { var k; ' + enumerable.join(' ') + ' return quickChanged(); };')(
      intrinsicProtos.slice(), values, symbols);
  }
  // Whether the descriptor of a built-in property is still the one snapshotted.
  // With the change tracker in C (30-tracking.js), the quick test is its comparison of the
  // built-ins' memory with a snapshot: about a tenth of the cost of the test above, and it
  // sees any change to them (keys, flags, values, prototype). A change it reports that the
  // full comparison then does not find (the engine filling in a lazy property) costs one
  // full comparison; the snapshot is retaken after every full comparison.
  var quickMem = null, jsQuickTest = null;
  function snapshotQuickNative() {
    if (CT === null || !NATIVE.intrinsicsSnap || !(OPTIONS.intrinsicsBytes > 0)) return;
    if (quickMem === null) quickMem = new ArrayBuffer(OPTIONS.intrinsicsBytes);
    if (jsQuickTest === null) jsQuickTest = looksPolluted;
    if (NATIVE.intrinsicsSnap(quickMem, intrinsicProtos) !== 1) { looksPolluted = jsQuickTest; return; }
    var same = NATIVE.intrinsicsSame;
    looksPolluted = function () {
      var r = same(quickMem, intrinsicProtos);
      return r === 1 ? false : r === 0 ? true : jsQuickTest();
    };
  }
  function sameDescriptor(cur, was) {
    // (NaN, Number.NaN: the same value, never ===.)
    return (cur.value === was.value || (cur.value !== cur.value && was.value !== was.value)) && cur.get === was.get && cur.set === was.set && cur.writable === was.writable &&
      cur.enumerable === was.enumerable && cur.configurable === was.configurable;
  }
  function indexIn(list, k) {
    for (var i = 0; i < list.length; i++) if (list[i] === k) return i;
    return -1;
  }
  // Set when a rule changed a built-in in a way that cannot be undone (froze it, or changed a
  // property it made non-configurable): the host rebuilds the engine after the login.
  var intrinsicsBroken = false;
  function pollutionCheck() {
    // The exhaustive comparison (and restore) runs only when the fast test saw something or
    // a guarded function was aimed at a built-in. It calls no method a rule could replace.
    var found = [];
    if (intrinsicsBroken) rebuildAfter = true;   // (until the host has rebuilt the engine)
    if (!intrinsicsTouched && !looksPolluted()) return found;
    intrinsicsTouched = false;
    restoreBuiltins(found, false);
    globalPinned(found);
    if (quickMem !== null) snapshotQuickNative();
    // While a built-in was changed, the sandbox's own code ran with it: a getter a rule put on
    // Object.prototype sees the login's state, its raw user and tokens, and the sandbox's
    // pooled records as `this`; a function under a name the sandbox calls (`toJSON`, `push`)
    // receives them. A rule could keep them in `global` and, from a later login, write claims
    // no change row shows or rewrite other rules' records. After such a change (captureRisk)
    // the engine is rebuilt: a fresh one holds none of them.
    if (captureRisk || intrinsicsBroken) rebuildAfter = true;
    captureRisk = false;
    return found;
  }
  // The global object's keys are the rules' to add (restoreWorld deletes them between
  // chunks), but one made non-configurable, or the object made non-extensible, could not be
  // undone there: such a login is polluting, and the engine is rebuilt after it.
  function globalPinned(found) {
    if (!realIsExtensible(G)) {
      found[found.length] = 'globalThis (made non-extensible)';
      intrinsicsBroken = true;
    }
    var keys = reflectOwnKeys(G);
    for (var a = 0; a < keys.length; a++) {
      var d = getOwnDescriptor(G, keys[a]);
      if (!d || d.configurable !== false) continue;
      var i = indexIn(globalSnap.keys, keys[a]);
      if (i >= 0 && globalSnap.descs[i].configurable === false) continue;
      found[found.length] = 'globalThis.' + stringOf(keys[a]) + ' (made non-configurable)';
      intrinsicsBroken = true;
    }
  }
  // Compare every built-in with its snapshot and restore it; the changes found are named in
  // `found` (when given).
  function restoreBuiltins(found, dry) {
    for (var i = 0; i < builtinCount; i++) restoreObject(world[i], intrinsicKeys[i], worldNames[i], found, null, dry);
  }
  function restoreReachable(found, dry) {
    for (var i = builtinCount; i < world.length; i++) restoreObject(world[i], intrinsicKeys[i], worldNames[i], found, null, dry);
  }
  // Every built-in, then the global object (`global` aside: resetGlobal gives it a new object).
  function restoreAll(found, dry) {
    restoreBuiltins(found, dry);
    restoreReachable(found, dry);
    restoreObject(G, globalSnap, 'globalThis', found, 'global', dry);
  }
  // Restore object o to its snapshot: keys added since are deleted, changed descriptors,
  // prototype and extensibility put back (what cannot be sets intrinsicsBroken). `keep`: a key
  // left as it is. `dry`: only name the changes in `found`, restore nothing (worldMoved).
  // captureRisk: the restore undid a change that could have handed a rule the sandbox's
  // objects (see pollutionCheck): a getter or setter, a function or object under a key that
  // existed (a built-in method replaced) or under a name the sandbox's code reads
  // (SANDBOX_NAMES: rulesim/runtime/js_names.py), any symbol or index, a swapped prototype.
  // A new key the sandbox never reads (a polyfill's new method on Array.prototype)
  // and a primitive value (`Object.prototype.isAdmin = true`) cannot: the restore is enough.
  var captureRisk = false;
  var SANDBOX_NAMES = null;   // built when a polluted login first needs it
  var INDEX = /^[0-9]+$/;
  function readBySandbox(k) {
    if (SANDBOX_NAMES === null) {
      SANDBOX_NAMES = { __proto__: null };
      var names = reflectApply(stringSplit, OPTIONS.sandboxNames, [' ']);
      for (var i = 0; i < names.length; i++) SANDBOX_NAMES[names[i]] = true;
    }
    return SANDBOX_NAMES[k] === true;
  }
  function risky(d, k, existed) {   // d: descriptorOf(o, k), the property as the rule left it
    if (d === undefined) return false;
    if (d.get !== undefined || d.set !== undefined) return true;
    var v = d.value;
    if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return false;
    return existed || typeof k === 'symbol' || readBySandbox(k) || reflectApply(regexpTest, INDEX, [k]);
  }
  function restoreObject(o, snap, name, found, keep, dry) {
    var keys = reflectOwnKeys(o), known = snap.keys, same = keys.length === known.length;
    for (var a = 0; same && a < keys.length; a++) same = keys[a] === known[a];   // (the usual case)
    // (A module loaded since set-up is no change: only a reset unloads it, restoreWorld.)
    var loads = o === requireCache && !unloading;
    for (a = 0; !same && a < keys.length; a++) {
      if (indexIn(known, keys[a]) >= 0 || keys[a] === keep || loads) continue;
      if (found) found[found.length] = name + '.' + stringOf(keys[a]);
      if (dry) continue;
      if (!captureRisk && risky(descriptorOf(o, keys[a]), keys[a], false)) captureRisk = true;
      try { if (!delete o[keys[a]]) intrinsicsBroken = true; } catch (e) { intrinsicsBroken = true; }
    }
    for (var b = 0; b < known.length; b++) {
      if (known[b] === keep) continue;
      // (`cur` inherits from Object.prototype: the fields it lacks are read from there. World
      // object 0 is Object.prototype, compared and restored first, and a change to it never
      // outlives the check after its login, so nothing of a rule's is read here.)
      var cur = getOwnDescriptor(o, known[b]), was = snap.descs[b];
      if (cur && sameDescriptor(cur, was)) continue;
      if (found) found[found.length] = name + '.' + stringOf(known[b]);
      if (dry) continue;
      if (!captureRisk && cur && risky(descriptorOf(o, known[b]), known[b], true)) captureRisk = true;
      try { realDefineProperty(o, known[b], was); } catch (e) { intrinsicsBroken = true; }
    }
    if (realGetPrototypeOf(o) !== snap.proto) {
      if (found) found[found.length] = name + '.__proto__';
      if (!dry) { captureRisk = true; try { realSetPrototypeOf(o, snap.proto); } catch (e) { intrinsicsBroken = true; } }
    }
    if (realIsExtensible(o) !== snap.extensible) {
      if (found) found[found.length] = name + ' (made non-extensible)';
      if (!dry) intrinsicsBroken = true;
    }
  }
  // worldMoved(): the changes (names, none: '') since set-up to any built-in or to the global
  // object's keys and values (`global` aside), restoring nothing. A paired run asks at the end
  // of a chunk: the candidate never ran the shared rules of the logins it shared, so a change
  // that lived on past its login (Number.isInteger or parseInt replaced, a key added to
  // Number) was seen by the later rules of a full run and not by the candidate's.
  function worldMoved() {
    var found = [];
    restoreAll(found, true);
    for (var i = 0; i < late.length; i++) {
      try { restoreObject(late[i], lateKeys[i], lateNames[i], found, null, true); } catch (e) { found[found.length] = lateNames[i] + ' (unreadable)'; }
    }
    for (var p = 0; p < lateProbes.length; p++) {
      var pr = lateProbes[p], now;
      try { now = pr.read(); } catch (e) { now = null; }
      if (now !== pr.was) found[found.length] = pr.name;
    }
    return found.join(', ');
  }
  // The modules loaded since set-up (a rule's first require() of crypto, lodash, ...): what
  // their exports held when they finished loading, and everything reachable from those, so
  // that worldMoved also names what a shared rule wrote on a module a later rule reads (a
  // paired run's candidate never loaded it). A reset unloads them and forgets these. Only a
  // paired run asks (trackPristine, 90-state.js): lodash alone is about 1,250 objects, some
  // 10 ms to walk at each load. What a module keeps in its closures cannot be walked: the
  // modules known to keep state there that rules change say it through their own API
  // (CLOSURE_STATE: moment's global locale, moment.locale('fr')), read with the functions
  // they had when they loaded.
  var late = [], lateKeys = [], lateNames = [], lateSet = null, lateProbes = [];
  var CLOSURE_STATE = {
    __proto__: null,
    moment: function (m) {
      var locale = m.locale, locales = m.locales;
      if (typeof locale !== 'function' || typeof locales !== 'function') return null;
      return function () { return reflectApply(locale, m, []) + ' ' + reflectApply(locales, m, []).join(' '); };
    },
  };
  function lateModule(module, id) {
    // (At set-up this file's variables may not be set yet: snapshotIntrinsics walks
    // require.cache then.)
    if (!worldSet || !trackPristine) return;
    if (lateSet === null) lateSet = new SetCtor();
    var from = late.length, addLate = adder(late, lateNames, lateSet, worldSet);
    // (A module's exports may hold a proxy whose traps throw: the module still loads, and
    // what could not be walked is left out.)
    try { addLate(module, 'require.cache.' + id); walkFrom(late, lateNames, lateKeys, from, addLate); } catch (e) {
      late.length = lateKeys.length = lateNames.length = from;
    }
    var pkg = /\/node_modules\/([^\/@][^\/]*)\//.exec(id), state = pkg ? CLOSURE_STATE[pkg[1]] : undefined;
    if (state !== undefined) {
      try {
        var read = state(module.exports);
        if (read !== null) lateProbes.push({ name: 'require.cache.' + id + ' (' + pkg[1] + "'s state)", read: read, was: read() });
      } catch (e) { /* a module that does not answer is walked only */ }
    }
  }
  // restoreWorld(): a chunk starts (or the reset policy of Limits empties `global`). The check
  // after each login covers the built-ins rules change most; any other change to a built-in
  // (Number.isInteger, Date.now, Symbol.prototype, a TypeError's prototype, the iterators'
  // prototypes) and every global a rule made (`hits = 1` in sloppy code) or replaced
  // (`parseInt = ...`) lives on until here, as in Auth0's container, and goes here, as when
  // Auth0 recycles it: a chunk never depends on the chunks its worker ran before, so results
  // do not change with the number of workers or between runs on the workers a session keeps.
  var unloading = false;
  function restoreWorld() {
    unloading = true;
    try { restoreAll(null, false); } finally { unloading = false; }
    intrinsicsTouched = false;
    captureRisk = false;   // (nothing of the world's past reaches the next chunk)
    late = []; lateKeys = []; lateNames = []; lateSet = null; lateProbes = [];   // (their modules are unloaded)
  }
  var PROTO_NAMES = ['Object.prototype', 'Array.prototype', 'Function.prototype', 'String.prototype', 'Number.prototype',
    'Boolean.prototype', 'Error.prototype', 'Promise.prototype', 'RegExp.prototype', 'Date.prototype', 'Map.prototype', 'Set.prototype',
    'Object', 'Array', 'JSON', 'Math', 'Promise', 'Reflect'];

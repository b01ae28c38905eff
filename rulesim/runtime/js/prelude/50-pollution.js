  // ---------------------------------------------------------------- built-in prototypes: pollution check and restore
  var intrinsicProtos = [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype,
    Boolean.prototype, Error.prototype, Promise.prototype, RegExp.prototype, RealDate.prototype, Map.prototype, Set.prototype,
    Object, Array, JSON, Math, Promise];
  var intrinsicKeys = [];
  function protoKeys(o) { return Reflect.ownKeys(o); }
  function snapshotIntrinsics() {
    intrinsicKeys = intrinsicProtos.map(function (o) {
      var keys = protoKeys(o);
      return { keys: keys, descs: keys.map(function (k) { return Object.getOwnPropertyDescriptor(o, k); }) };
    });
  }
  // The fast test run after every login: an enumerable key on any intrinsic (built-in
  // properties are all non-enumerable, so `X.prototype.y = v` adds one), or a changed value of
  // any data property of an intrinsic (`Math.random = ...`, `String.prototype.trim = ...` keep
  // the property non-enumerable). It is generated code with static property names and one
  // for-in a line: QuickJS resolves static names at compile time, a computed name or an
  // element of an array costs a lookup.
  var looksPolluted = function () {   // until snapshotQuick() has run: the enumerable test
    for (var i = 0; i < intrinsicProtos.length; i++) for (var k in intrinsicProtos[i]) if (k !== undefined) return true;
    return false;
  };
  function snapshotQuick() {
    // Each intrinsic and each value is a variable of the generated closure: a variable costs
    // QuickJS less to read than an element of an array (about half the time of the test).
    var tests = [], decls = [], values = [], symbols = [], enumerable = [];
    for (var i = 0; i < intrinsicProtos.length; i++) {
      var o = intrinsicProtos[i], keys = Reflect.ownKeys(o);
      decls.push('var p' + i + ' = P[' + i + '];');
      enumerable.push('for (k in p' + i + ') return true;');
      for (var j = 0; j < keys.length; j++) {
        var k = keys[j], d = Object.getOwnPropertyDescriptor(o, k);
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
  function pollutionCheck() {
    // The exhaustive comparison (and restore) runs only when the fast test saw something.
    var found = [];
    if (!looksPolluted()) return found;
    for (var i = 0; i < intrinsicProtos.length; i++) {
      var o = intrinsicProtos[i], snap = intrinsicKeys[i];
      var keys = protoKeys(o);
      for (var a = 0; a < keys.length; a++) {
        var idx = snap.keys.indexOf(keys[a]);
        if (idx < 0) { found.push(protoName(i) + '.' + stringOf(keys[a])); try { delete o[keys[a]]; } catch (e) { /* keep going */ } }
      }
      for (var b = 0; b < snap.keys.length; b++) {
        var cur = Object.getOwnPropertyDescriptor(o, snap.keys[b]);
        var was = snap.descs[b];
        if (!cur || cur.value !== was.value || cur.get !== was.get || cur.set !== was.set) {
          found.push(protoName(i) + '.' + stringOf(snap.keys[b]));
          try { Object.defineProperty(o, snap.keys[b], was); } catch (e) { /* non-configurable: nothing to do */ }
        }
      }
    }
    return found;
  }
  var PROTO_NAMES = ['Object.prototype', 'Array.prototype', 'Function.prototype', 'String.prototype', 'Number.prototype',
    'Boolean.prototype', 'Error.prototype', 'Promise.prototype', 'RegExp.prototype', 'Date.prototype', 'Map.prototype', 'Set.prototype',
    'Object', 'Array', 'JSON', 'Math', 'Promise'];
  function protoName(i) { return PROTO_NAMES[i]; }

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
  // The fast test run after every login, allocation-free: an enumerable key on any intrinsic
  // (built-in properties are all non-enumerable, so `X.prototype.y = v` adds one), or a changed
  // value of any data property of an intrinsic (`Math.random = ...`, `String.prototype.trim
  // = ...` keep the property non-enumerable). The value test is generated code with static
  // property names: QuickJS resolves those at compile time, a computed name costs a lookup.
  var quickChanged = function () { return false; };
  function snapshotQuick() {
    var tests = [], values = [], symbols = [];
    for (var i = 0; i < intrinsicProtos.length; i++) {
      var o = intrinsicProtos[i], keys = Reflect.ownKeys(o);
      for (var j = 0; j < keys.length; j++) {
        var k = keys[j], d = Object.getOwnPropertyDescriptor(o, k);
        if (!d || !('value' in d)) continue;
        var access;
        if (typeof k === 'symbol') { access = 'P[' + i + '][S[' + symbols.length + ']]'; symbols.push(k); }
        else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k)) access = 'P[' + i + '].' + k;
        else access = 'P[' + i + '][' + jsonStringify(k) + ']';
        tests.push(access + ' !== V[' + values.length + ']');
        values.push(d.value);
      }
    }
    quickChanged = new Function('P', 'V', 'S', '"use strict"; return function quickChanged() { return ' +
      (tests.length ? tests.join(' || ') : 'false') + '; };')(intrinsicProtos.slice(), values, symbols);
  }
  function looksPolluted() {
    for (var i = 0; i < intrinsicProtos.length; i++) {
      for (var k in intrinsicProtos[i]) if (k !== undefined) return true;
    }
    return quickChanged();
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

(function (module, exports, require, host) {
  // The `uuid` npm package: v4 (seeded from the host's per-login random stream), v1 (virtual
  // clock + seeded node id), validate, version, parse, stringify, NIL. The export is also
  // callable as v4, like uuid@3's `require('uuid')()`.
  'use strict';

  var HEX = [];
  for (var i = 0; i < 256; i++) HEX.push((i + 0x100).toString(16).slice(1));

  var REGEX = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|00000000-0000-0000-0000-000000000000)$/i;

  function rng() {
    var b = new Array(16);
    for (var j = 0; j < 16; j++) b[j] = Math.floor(host.random() * 256);
    return b;
  }

  function stringify(b, offset) {
    var o = offset || 0;
    var s = '';
    for (var j = 0; j < 16; j++) {
      s += HEX[b[o + j]];
      if (j === 3 || j === 5 || j === 7 || j === 9) s += '-';
    }
    if (!REGEX.test(s)) throw new TypeError('Stringified UUID is invalid');
    return s;
  }

  function output(bytes, buf, offset) {
    if (buf) {
      offset = offset || 0;
      for (var j = 0; j < 16; j++) buf[offset + j] = bytes[j];
      return buf;
    }
    return stringify(bytes);
  }

  function v4(options, buf, offset) {
    options = options || {};
    var bytes = options.random || (options.rng || rng)();
    bytes = Array.prototype.slice.call(bytes, 0, 16);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    return output(bytes, buf, offset);
  }

  var v1State = null;
  function v1(options, buf, offset) {
    options = options || {};
    if (!v1State) {
      var seed = rng();
      v1State = { node: [seed[0] | 0x01, seed[1], seed[2], seed[3], seed[4], seed[5]], clockseq: ((seed[6] << 8) | seed[7]) & 0x3fff, last: 0, nsecs: 0 };
    }
    var msecs = options.msecs !== undefined ? options.msecs : Date.now();
    var nsecs = options.nsecs !== undefined ? options.nsecs : (msecs === v1State.last ? v1State.nsecs + 1 : 0);
    v1State.last = msecs;
    v1State.nsecs = nsecs;
    var clockseq = options.clockseq !== undefined ? options.clockseq : v1State.clockseq;
    var node = options.node || v1State.node;
    msecs += 12219292800000; // Gregorian epoch
    var tl = ((msecs & 0xfffffff) * 10000 + nsecs) % 0x100000000;
    var tmh = (msecs / 0x100000000 * 10000) & 0xfffffff;
    var b = [
      (tl >>> 24) & 0xff, (tl >>> 16) & 0xff, (tl >>> 8) & 0xff, tl & 0xff,
      (tmh >>> 8) & 0xff, tmh & 0xff, ((tmh >>> 24) & 0x0f) | 0x10, (tmh >>> 16) & 0xff,
      (clockseq >>> 8) | 0x80, clockseq & 0xff
    ].concat(Array.prototype.slice.call(node, 0, 6));
    return output(b, buf, offset);
  }

  function validate(s) { return typeof s === 'string' && REGEX.test(s); }

  function version(s) {
    if (!validate(s)) throw new TypeError('Invalid UUID');
    return parseInt(s.substr(14, 1), 16);
  }

  function parse(s) {
    if (!validate(s)) throw new TypeError('Invalid UUID');
    var hex = s.replace(/-/g, '');
    var out = new Uint8Array(16);
    for (var j = 0; j < 16; j++) out[j] = parseInt(hex.substr(j * 2, 2), 16);
    return out;
  }

  function notSimulated(name) {
    return function () {
      throw new Error('uuid.' + name + ' (name-based UUIDs) is not simulated by rulesim');
    };
  }

  var uuid = function (options, buf, offset) { return v4(options, buf, offset); };
  uuid.v4 = v4;
  uuid.v1 = v1;
  uuid.v3 = notSimulated('v3');
  uuid.v5 = notSimulated('v5');
  uuid.validate = validate;
  uuid.version = version;
  uuid.parse = parse;
  uuid.stringify = stringify;
  uuid.NIL = '00000000-0000-0000-0000-000000000000';
  module.exports = uuid;
})

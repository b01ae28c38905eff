(function (module, exports, require, host) {
  // Node's `crypto`, the parts rules use: hashes (md5, sha1, sha256, sha384, sha512), HMAC,
  // pbkdf2, seeded randomBytes / randomUUID / randomInt, timingSafeEqual.
  // Ciphers and key pairs are not simulated and throw a clear error.
  'use strict';

  var Buffer = require('buffer').Buffer;

  function toBytes(data, enc) {
    if (typeof data === 'string') return Buffer.from(data, enc || 'utf8');
    if (data instanceof Uint8Array) return data;
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    if (data && data.buffer instanceof ArrayBuffer) {
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    }
    var err = new TypeError('The "data" argument must be of type string or an instance of ' +
      'Buffer, TypedArray, or DataView. Received ' + (data === null ? 'null' : typeof data));
    err.code = 'ERR_INVALID_ARG_TYPE';
    throw err;
  }

  // Appends the Merkle-Damgard padding; `bigEndian` chooses the length encoding.
  function pad(msg, blockSize, lenBytes, bigEndian) {
    var len = msg.length;
    var total = Math.ceil((len + 1 + lenBytes) / blockSize) * blockSize;
    var out = new Uint8Array(total);
    out.set(msg);
    out[len] = 0x80;
    var bitsHi = Math.floor(len / 0x20000000); // len * 8 split in two 32-bit words
    var bitsLo = (len * 8) >>> 0;
    if (bigEndian) {
      out[total - 8] = bitsHi >>> 24; out[total - 7] = bitsHi >>> 16;
      out[total - 6] = bitsHi >>> 8; out[total - 5] = bitsHi;
      out[total - 4] = bitsLo >>> 24; out[total - 3] = bitsLo >>> 16;
      out[total - 2] = bitsLo >>> 8; out[total - 1] = bitsLo;
    } else {
      out[total - 8] = bitsLo; out[total - 7] = bitsLo >>> 8;
      out[total - 6] = bitsLo >>> 16; out[total - 5] = bitsLo >>> 24;
      out[total - 4] = bitsHi; out[total - 3] = bitsHi >>> 8;
      out[total - 2] = bitsHi >>> 16; out[total - 1] = bitsHi >>> 24;
    }
    return out;
  }

  function wordsToBytes(words, bigEndian, count) {
    var out = new Uint8Array((count || words.length) * 4);
    for (var i = 0; i < out.length / 4; i++) {
      var w = words[i];
      if (bigEndian) {
        out[i * 4] = w >>> 24; out[i * 4 + 1] = w >>> 16; out[i * 4 + 2] = w >>> 8; out[i * 4 + 3] = w;
      } else {
        out[i * 4] = w; out[i * 4 + 1] = w >>> 8; out[i * 4 + 2] = w >>> 16; out[i * 4 + 3] = w >>> 24;
      }
    }
    return out;
  }

  function rotl(x, n) { return (x << n) | (x >>> (32 - n)); }
  function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }

  // --- MD5 (RFC 1321) ---
  var MD5_S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
  var MD5_K = [];
  for (var k = 0; k < 64; k++) MD5_K.push((Math.abs(Math.sin(k + 1)) * 0x100000000) >>> 0);

  function md5(msg) {
    var m = pad(msg, 64, 8, false);
    var h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
    var x = new Array(16);
    for (var off = 0; off < m.length; off += 64) {
      for (var i = 0; i < 16; i++) {
        var p = off + i * 4;
        x[i] = m[p] | (m[p + 1] << 8) | (m[p + 2] << 16) | (m[p + 3] << 24);
      }
      var a = h[0], b = h[1], c = h[2], d = h[3];
      for (var j = 0; j < 64; j++) {
        var f, g;
        var round = j >> 4;
        if (round === 0) { f = (b & c) | (~b & d); g = j; }
        else if (round === 1) { f = (d & b) | (~d & c); g = (5 * j + 1) & 15; }
        else if (round === 2) { f = b ^ c ^ d; g = (3 * j + 5) & 15; }
        else { f = c ^ (b | ~d); g = (7 * j) & 15; }
        var tmp = d;
        d = c;
        c = b;
        b = (b + rotl((a + f + MD5_K[j] + x[g]) | 0, MD5_S[round * 4 + (j & 3)])) | 0;
        a = tmp;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
    }
    return wordsToBytes(h, false);
  }

  // --- SHA-1 (FIPS 180-4) ---
  function sha1(msg) {
    var m = pad(msg, 64, 8, true);
    var h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
    var w = new Array(80);
    for (var off = 0; off < m.length; off += 64) {
      for (var i = 0; i < 16; i++) {
        var p = off + i * 4;
        w[i] = (m[p] << 24) | (m[p + 1] << 16) | (m[p + 2] << 8) | m[p + 3];
      }
      for (i = 16; i < 80; i++) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
      for (i = 0; i < 80; i++) {
        var f, kk;
        if (i < 20) { f = (b & c) | (~b & d); kk = 0x5a827999; }
        else if (i < 40) { f = b ^ c ^ d; kk = 0x6ed9eba1; }
        else if (i < 60) { f = (b & c) | (b & d) | (c & d); kk = 0x8f1bbcdc; }
        else { f = b ^ c ^ d; kk = 0xca62c1d6; }
        var t = (rotl(a, 5) + f + e + kk + w[i]) | 0;
        e = d; d = c; c = rotl(b, 30); b = a; a = t;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0;
      h[3] = (h[3] + d) | 0; h[4] = (h[4] + e) | 0;
    }
    return wordsToBytes(h, true);
  }

  // --- SHA-256 ---
  var K256 = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ];

  // Int32Array constants keep the round arithmetic on QuickJS's int32 fast path (a plain
  // array holds the constants above 2^31 as doubles).
  var K256i = new Int32Array(K256);
  var IV256 = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  var W256 = new Int32Array(64);

  // One SHA-256 compression of the 64-byte block m[off..off+64) into the state h.
  function sha256block(h, m, off) {
    var w = W256, i;
    for (i = 0; i < 16; i++) {
      var p = off + i * 4;
      w[i] = (m[p] << 24) | (m[p + 1] << 16) | (m[p + 2] << 8) | m[p + 3];
    }
    // Rotations are written inline: a function call per rotation dominates in QuickJS.
    for (i = 16; i < 64; i++) {
      var x = w[i - 15], y = w[i - 2];
      var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (((w[i - 16] + s0) | 0) + ((w[i - 7] + s1) | 0)) | 0;
    }
    var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (i = 0; i < 64; i++) {
      var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      var ch = (e & f) ^ (~e & g);
      var t1 = (((hh + S1) | 0) + ((ch + K256i[i]) | 0) + w[i]) | 0;
      var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      var maj = (a & b) ^ (a & c) ^ (b & c);
      hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + S0 + maj) | 0;
    }
    h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
    h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + hh) | 0;
  }

  // SHA-256 of msg, continuing from state `h0` after `prefixBytes` already-hashed bytes
  // (whole blocks): the HMAC key's inner and outer pads are hashed once per key.
  function sha256from(h0, prefixBytes, msg) {
    var len = prefixBytes + msg.length;
    var total = Math.ceil((msg.length + 9) / 64) * 64;
    var m = new Uint8Array(total);
    m.set(msg);
    m[msg.length] = 0x80;
    var bitsHi = Math.floor(len / 0x20000000), bitsLo = (len * 8) >>> 0;
    m[total - 8] = bitsHi >>> 24; m[total - 7] = bitsHi >>> 16; m[total - 6] = bitsHi >>> 8; m[total - 5] = bitsHi;
    m[total - 4] = bitsLo >>> 24; m[total - 3] = bitsLo >>> 16; m[total - 2] = bitsLo >>> 8; m[total - 1] = bitsLo;
    var h = new Int32Array(h0);
    for (var off = 0; off < total; off += 64) sha256block(h, m, off);
    return wordsToBytes(h, true);
  }
  function sha256(msg) { return sha256from(IV256, 0, msg); }

  var hmacStates = new Map();   // key (as hex) -> [inner state, outer state], bounded
  function hmacSha256(key, msg) {
    var id = Buffer.from(key).toString('latin1');
    var st = hmacStates.get(id);
    if (st === undefined) {
      var k = key.length > 64 ? sha256(key) : key;
      var ipad = new Uint8Array(64), opad = new Uint8Array(64);
      for (var i = 0; i < 64; i++) {
        var b = i < k.length ? k[i] : 0;
        ipad[i] = b ^ 0x36;
        opad[i] = b ^ 0x5c;
      }
      var hi = new Int32Array(IV256), ho = new Int32Array(IV256);
      sha256block(hi, ipad, 0);
      sha256block(ho, opad, 0);
      st = [hi, ho];
      if (hmacStates.size >= 64) hmacStates.clear();
      hmacStates.set(id, st);
    }
    return sha256from(st[1], 64, sha256from(st[0], 64, msg));
  }

  // --- SHA-512 / SHA-384, with 64-bit words as (hi, lo) pairs of 32-bit ints ---
  var K512 = [
    0x428a2f98, 0xd728ae22, 0x71374491, 0x23ef65cd, 0xb5c0fbcf, 0xec4d3b2f, 0xe9b5dba5, 0x8189dbbc,
    0x3956c25b, 0xf348b538, 0x59f111f1, 0xb605d019, 0x923f82a4, 0xaf194f9b, 0xab1c5ed5, 0xda6d8118,
    0xd807aa98, 0xa3030242, 0x12835b01, 0x45706fbe, 0x243185be, 0x4ee4b28c, 0x550c7dc3, 0xd5ffb4e2,
    0x72be5d74, 0xf27b896f, 0x80deb1fe, 0x3b1696b1, 0x9bdc06a7, 0x25c71235, 0xc19bf174, 0xcf692694,
    0xe49b69c1, 0x9ef14ad2, 0xefbe4786, 0x384f25e3, 0x0fc19dc6, 0x8b8cd5b5, 0x240ca1cc, 0x77ac9c65,
    0x2de92c6f, 0x592b0275, 0x4a7484aa, 0x6ea6e483, 0x5cb0a9dc, 0xbd41fbd4, 0x76f988da, 0x831153b5,
    0x983e5152, 0xee66dfab, 0xa831c66d, 0x2db43210, 0xb00327c8, 0x98fb213f, 0xbf597fc7, 0xbeef0ee4,
    0xc6e00bf3, 0x3da88fc2, 0xd5a79147, 0x930aa725, 0x06ca6351, 0xe003826f, 0x14292967, 0x0a0e6e70,
    0x27b70a85, 0x46d22ffc, 0x2e1b2138, 0x5c26c926, 0x4d2c6dfc, 0x5ac42aed, 0x53380d13, 0x9d95b3df,
    0x650a7354, 0x8baf63de, 0x766a0abb, 0x3c77b2a8, 0x81c2c92e, 0x47edaee6, 0x92722c85, 0x1482353b,
    0xa2bfe8a1, 0x4cf10364, 0xa81a664b, 0xbc423001, 0xc24b8b70, 0xd0f89791, 0xc76c51a3, 0x0654be30,
    0xd192e819, 0xd6ef5218, 0xd6990624, 0x5565a910, 0xf40e3585, 0x5771202a, 0x106aa070, 0x32bbd1b8,
    0x19a4c116, 0xb8d2d0c8, 0x1e376c08, 0x5141ab53, 0x2748774c, 0xdf8eeb99, 0x34b0bcb5, 0xe19b48a8,
    0x391c0cb3, 0xc5c95a63, 0x4ed8aa4a, 0xe3418acb, 0x5b9cca4f, 0x7763e373, 0x682e6ff3, 0xd6b2b8a3,
    0x748f82ee, 0x5defb2fc, 0x78a5636f, 0x43172f60, 0x84c87814, 0xa1f0ab72, 0x8cc70208, 0x1a6439ec,
    0x90befffa, 0x23631e28, 0xa4506ceb, 0xde82bde9, 0xbef9a3f7, 0xb2c67915, 0xc67178f2, 0xe372532b,
    0xca273ece, 0xea26619c, 0xd186b8c7, 0x21c0c207, 0xeada7dd6, 0xcde0eb1e, 0xf57d4f7f, 0xee6ed178,
    0x06f067aa, 0x72176fba, 0x0a637dc5, 0xa2c898a6, 0x113f9804, 0xbef90dae, 0x1b710b35, 0x131c471b,
    0x28db77f5, 0x23047d84, 0x32caab7b, 0x40c72493, 0x3c9ebe0a, 0x15c9bebc, 0x431d67c4, 0x9c100d4c,
    0x4cc5d4be, 0xcb3e42b6, 0x597f299c, 0xfc657e2a, 0x5fcb6fab, 0x3ad6faec, 0x6c44198c, 0x4a475817
  ];
  var IV512 = [0x6a09e667, 0xf3bcc908, 0xbb67ae85, 0x84caa73b, 0x3c6ef372, 0xfe94f82b,
    0xa54ff53a, 0x5f1d36f1, 0x510e527f, 0xade682d1, 0x9b05688c, 0x2b3e6c1f, 0x1f83d9ab,
    0xfb41bd6b, 0x5be0cd19, 0x137e2179];
  var IV384 = [0xcbbb9d5d, 0xc1059ed8, 0x629a292a, 0x367cd507, 0x9159015a, 0x3070dd17,
    0x152fecd8, 0xf70e5939, 0x67332667, 0xffc00b31, 0x8eb44a87, 0x68581511, 0xdb0c2e0d,
    0x64f98fa7, 0x47b5481d, 0xbefa4fa4];

  function sha512core(msg, iv, outWords) {
    var m = pad(msg, 128, 16, true);
    var h = iv.slice();
    var wh = new Array(80);
    var wl = new Array(80);
    // (hi, lo) helpers
    function rr(hi, lo, n) { // rotate right by n (< 32) -> [hi, lo]
      return [(hi >>> n) | (lo << (32 - n)), (lo >>> n) | (hi << (32 - n))];
    }
    function add(al, bl) { return (al >>> 0) + (bl >>> 0); }
    for (var off = 0; off < m.length; off += 128) {
      var i;
      for (i = 0; i < 16; i++) {
        var p = off + i * 8;
        wh[i] = (m[p] << 24) | (m[p + 1] << 16) | (m[p + 2] << 8) | m[p + 3];
        wl[i] = (m[p + 4] << 24) | (m[p + 5] << 16) | (m[p + 6] << 8) | m[p + 7];
      }
      for (i = 16; i < 80; i++) {
        var xh = wh[i - 15], xl = wl[i - 15];
        var r1 = rr(xh, xl, 1), r8 = rr(xh, xl, 8);
        var s0h = r1[0] ^ r8[0] ^ (xh >>> 7);
        var s0l = r1[1] ^ r8[1] ^ ((xl >>> 7) | (xh << 25));
        var yh = wh[i - 2], yl = wl[i - 2];
        var r19 = rr(yh, yl, 19), r61 = rr(yl, yh, 29); // rotr 61 = swap + rotr 29
        var s1h = r19[0] ^ r61[0] ^ (yh >>> 6);
        var s1l = r19[1] ^ r61[1] ^ ((yl >>> 6) | (yh << 26));
        var lo = add(wl[i - 16], s0l) + (s1l >>> 0) + (wl[i - 7] >>> 0);
        var hi = wh[i - 16] + s0h + s1h + wh[i - 7] + Math.floor(lo / 0x100000000);
        wh[i] = hi | 0;
        wl[i] = lo | 0;
      }
      var ah = h[0], al = h[1], bh = h[2], bl = h[3], ch = h[4], cl = h[5], dh = h[6], dl = h[7];
      var eh = h[8], el = h[9], fh = h[10], fl = h[11], gh = h[12], gl = h[13], hh = h[14], hl = h[15];
      for (i = 0; i < 80; i++) {
        var e14 = rr(eh, el, 14), e18 = rr(eh, el, 18), e41 = rr(el, eh, 9);
        var S1h = e14[0] ^ e18[0] ^ e41[0], S1l = e14[1] ^ e18[1] ^ e41[1];
        var chh = (eh & fh) ^ (~eh & gh), chl = (el & fl) ^ (~el & gl);
        var t1l = (hl >>> 0) + (S1l >>> 0) + (chl >>> 0) + (K512[i * 2 + 1] >>> 0) + (wl[i] >>> 0);
        var t1h = hh + S1h + chh + K512[i * 2] + wh[i] + Math.floor(t1l / 0x100000000);
        var a28 = rr(ah, al, 28), a34 = rr(al, ah, 2), a39 = rr(al, ah, 7);
        var S0h = a28[0] ^ a34[0] ^ a39[0], S0l = a28[1] ^ a34[1] ^ a39[1];
        var majh = (ah & bh) ^ (ah & ch) ^ (bh & ch), majl = (al & bl) ^ (al & cl) ^ (bl & cl);
        var t2l = (S0l >>> 0) + (majl >>> 0);
        var t2h = S0h + majh + Math.floor(t2l / 0x100000000);
        hh = gh; hl = gl; gh = fh; gl = fl; fh = eh; fl = el;
        var nel = (dl >>> 0) + (t1l >>> 0);
        eh = (dh + t1h + Math.floor(nel / 0x100000000)) | 0; el = nel | 0;
        dh = ch; dl = cl; ch = bh; cl = bl; bh = ah; bl = al;
        var nal = (t1l >>> 0) + (t2l >>> 0);
        ah = (t1h + t2h + Math.floor(nal / 0x100000000)) | 0; al = nal | 0;
      }
      var regs = [ah, al, bh, bl, ch, cl, dh, dl, eh, el, fh, fl, gh, gl, hh, hl];
      for (i = 0; i < 16; i += 2) {
        var sl = (h[i + 1] >>> 0) + (regs[i + 1] >>> 0);
        h[i] = (h[i] + regs[i] + Math.floor(sl / 0x100000000)) | 0;
        h[i + 1] = sl | 0;
      }
    }
    return wordsToBytes(h, true, outWords);
  }

  function sha512(msg) { return sha512core(msg, IV512, 16); }
  function sha384(msg) { return sha512core(msg, IV384, 12); }

  var HASHES = {
    md5: { fn: md5, block: 64 },
    sha1: { fn: sha1, block: 64 },
    sha256: { fn: sha256, block: 64 },
    sha384: { fn: sha384, block: 128 },
    sha512: { fn: sha512, block: 128 }
  };

  function hashInfo(algorithm) {
    var name = String(algorithm).toLowerCase().replace(/^rsa-/, '').replace(/^sha-/, 'sha');
    return Object.prototype.hasOwnProperty.call(HASHES, name) ? HASHES[name] : null;
  }

  function concatChunks(chunks) {
    return Buffer.concat(chunks.map(function (c) { return c instanceof Buffer ? c : Buffer.from(c); }));
  }

  function output(bytes, enc) {
    var buf = Buffer.from(bytes);
    return enc === undefined || enc === 'buffer' ? buf : buf.toString(enc);
  }

  function Hash(info) {
    this._info = info;
    this._chunks = [];
    this._done = false;
  }
  Hash.prototype.update = function (data, enc) {
    if (this._done) {
      var err = new Error('Digest already called');
      err.code = 'ERR_CRYPTO_HASH_FINALIZED';
      throw err;
    }
    this._chunks.push(toBytes(data, enc));
    return this;
  };
  Hash.prototype.digest = function (enc) {
    if (this._done) {
      var err = new Error('Digest already called');
      err.code = 'ERR_CRYPTO_HASH_FINALIZED';
      throw err;
    }
    this._done = true;
    return output(this._info.fn(concatChunks(this._chunks)), enc);
  };
  Hash.prototype.copy = function () {
    var h = new Hash(this._info);
    h._chunks = this._chunks.slice();
    return h;
  };

  function hmacBytes(info, key, msg) {
    if (info.fn === sha256) return hmacSha256(key, msg);
    var k = key.length > info.block ? info.fn(key) : key;
    var ipad = new Uint8Array(info.block + msg.length);
    var opadKey = new Uint8Array(info.block);
    for (var i = 0; i < info.block; i++) {
      var b = i < k.length ? k[i] : 0;
      ipad[i] = b ^ 0x36;
      opadKey[i] = b ^ 0x5c;
    }
    ipad.set(msg, info.block);
    var inner = info.fn(ipad);
    var outer = new Uint8Array(info.block + inner.length);
    outer.set(opadKey);
    outer.set(inner, info.block);
    return info.fn(outer);
  }

  function Hmac(info, key) {
    this._info = info;
    this._key = toBytes(key, 'utf8');
    this._chunks = [];
    this._done = false;
  }
  Hmac.prototype.update = Hash.prototype.update;
  Hmac.prototype.digest = function (enc) {
    if (this._done) return output(new Uint8Array(0), enc); // Node returns an empty digest
    this._done = true;
    return output(hmacBytes(this._info, this._key, concatChunks(this._chunks)), enc);
  };

  function createHash(algorithm) {
    var info = hashInfo(algorithm);
    if (!info) throw new Error('Digest method not supported');
    return new Hash(info);
  }

  function createHmac(algorithm, key) {
    var info = hashInfo(algorithm);
    if (!info) {
      var err = new Error('Invalid digest: ' + algorithm);
      err.code = 'ERR_CRYPTO_INVALID_DIGEST';
      throw err;
    }
    if (key === undefined || key === null) {
      var e2 = new TypeError('The "key" argument must be of type string or an instance of Buffer');
      e2.code = 'ERR_INVALID_ARG_TYPE';
      throw e2;
    }
    return new Hmac(info, key);
  }

  function pbkdf2Sync(password, salt, iterations, keylen, digest) {
    var info = hashInfo(digest || 'sha1');
    if (!info) throw new TypeError('Invalid digest: ' + digest);
    var pw = toBytes(password, 'utf8');
    var s = toBytes(salt, 'utf8');
    var hLen = info.fn(new Uint8Array(0)).length;
    var out = Buffer.alloc(keylen);
    for (var block = 1, pos = 0; pos < keylen; block++) {
      var msg = new Uint8Array(s.length + 4);
      msg.set(s);
      msg[s.length] = block >>> 24; msg[s.length + 1] = block >>> 16;
      msg[s.length + 2] = block >>> 8; msg[s.length + 3] = block;
      var u = hmacBytes(info, pw, msg);
      var t = u.slice();
      for (var it = 1; it < iterations; it++) {
        u = hmacBytes(info, pw, u);
        for (var j = 0; j < t.length; j++) t[j] ^= u[j];
      }
      for (var q = 0; q < hLen && pos < keylen; q++) out[pos++] = t[q];
    }
    return out;
  }

  function later(fn) {
    Promise.resolve().then(fn);
  }

  // Seeded from the host's per-login random stream, so a run reproduces exactly.
  function randomBytes(size, callback) {
    var buf = Buffer.alloc(size);
    for (var i = 0; i < size; i++) buf[i] = Math.floor(host.random() * 256);
    if (typeof callback === 'function') {
      later(function () { callback(null, buf); });
      return undefined;
    }
    return buf;
  }

  function randomUUID() {
    var b = randomBytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = b.toString('hex');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  function randomInt(min, max, callback) {
    if (max === undefined || typeof max === 'function') { callback = max; max = min; min = 0; }
    var n = min + Math.floor(host.random() * (max - min));
    if (typeof callback === 'function') {
      later(function () { callback(null, n); });
      return undefined;
    }
    return n;
  }

  function timingSafeEqual(a, b) {
    var x = toBytes(a);
    var y = toBytes(b);
    if (x.length !== y.length) {
      var err = new RangeError('Input buffers must have the same byte length');
      err.code = 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH';
      throw err;
    }
    var diff = 0;
    for (var i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
    return diff === 0;
  }

  function notSimulated(name) {
    return function () {
      var err = new Error('crypto.' + name + ' is not simulated by rulesim (only hashes, HMAC, ' +
        'pbkdf2 and random values are). Supply a fake crypto module if a rule needs it.');
      err.code = 'ERR_NOT_SIMULATED';
      throw err;
    };
  }

  module.exports = {
    createHash: createHash,
    createHmac: createHmac,
    pbkdf2Sync: pbkdf2Sync,
    pbkdf2: function (password, salt, iterations, keylen, digest, callback) {
      var result;
      try {
        result = pbkdf2Sync(password, salt, iterations, keylen, digest);
      } catch (e) {
        later(function () { callback(e); });
        return;
      }
      later(function () { callback(null, result); });
    },
    randomBytes: randomBytes,
    pseudoRandomBytes: randomBytes,
    randomUUID: randomUUID,
    randomInt: randomInt,
    timingSafeEqual: timingSafeEqual,
    getHashes: function () { return Object.keys(HASHES); },
    getCiphers: function () { return []; },
    createCipher: notSimulated('createCipher'),
    createCipheriv: notSimulated('createCipheriv'),
    createDecipher: notSimulated('createDecipher'),
    createDecipheriv: notSimulated('createDecipheriv'),
    createSign: notSimulated('createSign'),
    createVerify: notSimulated('createVerify'),
    publicEncrypt: notSimulated('publicEncrypt'),
    privateDecrypt: notSimulated('privateDecrypt'),
    generateKeyPairSync: notSimulated('generateKeyPairSync'),
    createPublicKey: notSimulated('createPublicKey'),
    createPrivateKey: notSimulated('createPrivateKey')
  };
})

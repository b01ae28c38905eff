(function (module, exports, require, host) {
  // Node's `url`: the legacy API (parse, format, resolve) and the WHATWG URL / URLSearchParams
  // classes. Hosts are lower-cased but not punycode-encoded (IDN hosts are kept as typed).
  'use strict';

  var querystring = require('querystring');

  var SPECIAL = { __proto__: null, 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443', 'ftp:': '21', 'file:': '' };

  function invalid(input) {
    var err = new TypeError('Invalid URL');
    err.code = 'ERR_INVALID_URL';
    err.input = input;
    return err;
  }

  // Percent-encodes the characters of `str` found in `set` (and all non-ASCII), keeping
  // existing %XX escapes.
  function pct(str, set) {
    // Most strings need no escape: return them as they are (building the copy character by
    // character costs a string allocation per character).
    var clean = true;
    for (var c0 = 0; c0 < str.length; c0++) {
      var k0 = str.charCodeAt(c0);
      if (k0 < 0x21 || k0 > 0x7e || set.indexOf(str[c0]) >= 0) { clean = false; break; }
    }
    if (clean) return str;
    var out = '';
    for (var i = 0; i < str.length; i++) {
      var ch = str[i];
      var code = str.charCodeAt(i);
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < str.length) {
        out += encodeURIComponent(str.substr(i, 2));
        i++;
      } else if (code < 0x21 || code > 0x7e || set.indexOf(ch) >= 0) {
        out += code >= 0xd800 && code <= 0xdfff ? '%EF%BF%BD' : encodeURIComponent(ch).replace(/%20/, '%20');
      } else {
        out += ch;
      }
    }
    return out;
  }
  var PATH_SET = '"#<>?`{}';
  var QUERY_SET = '"#<>';
  var SPECIAL_QUERY_SET = '"#<>\'';
  var FRAGMENT_SET = '"<>`';
  var USERINFO_SET = '"#<>?`{}/:;=@[\\]^|';

  function removeDotSegments(path) {
    var segs = path.split('/');
    var out = [];
    for (var i = 0; i < segs.length; i++) {
      var s = segs[i];
      var last = i === segs.length - 1;
      if (s === '..' || s.toLowerCase() === '%2e%2e') {
        if (out.length > 1) out.pop();
        if (last) out.push('');
      } else if (s === '.' || s.toLowerCase() === '%2e') {
        if (last) out.push('');
      } else {
        out.push(s);
      }
    }
    var joined = out.join('/');
    return joined.charAt(0) === '/' ? joined : '/' + joined;
  }

  // WHATWG host parsing of a special URL: a host whose last label is a number (decimal, 0x
  // hex or 0-led octal: "ends in a number") is an IPv4 address, written back in dotted
  // decimal (http://0x10/ is http://0.0.0.16/); one that is not a valid address is invalid.
  function endsInNumber(hostname) {
    var labels = hostname.split('.');
    if (labels[labels.length - 1] === '') {
      if (labels.length === 1) return false;
      labels.pop();
    }
    var last = labels[labels.length - 1];
    return /^[0-9]+$/.test(last) || /^0x[0-9a-f]*$/i.test(last);
  }
  function ipv4Number(text) {
    var radix = 10;
    if (/^0x/i.test(text)) { text = text.slice(2); radix = 16; } else if (text.length > 1 && text.charAt(0) === '0') { text = text.slice(1); radix = 8; }
    if (text === '') return radix === 10 ? NaN : 0;
    var digits = radix === 16 ? /^[0-9a-f]+$/i : (radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/);
    return digits.test(text) ? parseInt(text, radix) : NaN;
  }
  function parseIPv4(hostname, input) {
    var labels = hostname.split('.');
    if (labels[labels.length - 1] === '') labels.pop();
    if (labels.length > 4) throw invalid(input);
    var numbers = labels.map(ipv4Number);
    for (var i = 0; i < numbers.length; i++) {
      if (numbers[i] !== numbers[i] || (i < numbers.length - 1 && numbers[i] > 255)) throw invalid(input);
    }
    var address = numbers[numbers.length - 1];
    if (address >= Math.pow(256, 5 - numbers.length)) throw invalid(input);
    for (i = 0; i < numbers.length - 1; i++) address += numbers[i] * Math.pow(256, 3 - i);
    var out = [];
    for (i = 0; i < 4; i++) { out.unshift(String(address % 256)); address = Math.floor(address / 256); }
    return out.join('.');
  }

  // A host as a setter writes it: lower case for a special scheme, as written for an opaque one.
  function hostCase(rec, host) { return SPECIAL[rec.protocol] !== undefined ? host.toLowerCase() : host; }

  // Splits `rest` (after the scheme) into its parts, on its own.
  function parseAuthority(auth, rec, input) {
    var at = auth.lastIndexOf('@');
    if (at >= 0) {
      var info = auth.slice(0, at);
      auth = auth.slice(at + 1);
      var colon = info.indexOf(':');
      rec.username = pct(colon >= 0 ? info.slice(0, colon) : info, USERINFO_SET);
      rec.password = colon >= 0 ? pct(info.slice(colon + 1), USERINFO_SET) : '';
    }
    var m = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(auth);
    if (!m) throw invalid(input);
    var hostname = m[1];
    if (SPECIAL[rec.protocol] !== undefined) {
      try { hostname = decodeURIComponent(hostname); } catch (e) { throw invalid(input); }
      hostname = hostname.toLowerCase();
      if (/[\s#%/:<>?@[\\\]^|]/.test(hostname.replace(/^\[.*\]$/, 'ipv6'))) throw invalid(input);
    } else {
      // A scheme that is not special has an opaque host: kept as written (case, escapes),
      // its other characters outside ASCII escaped (WHATWG's opaque-host parser).
      if (/[\u0000\t\n\r #/:<>?@[\\\]^|]/.test(hostname.replace(/^\[.*\]$/, 'ipv6'))) throw invalid(input);
      hostname = pct(hostname, '');
    }
    if (rec.protocol !== 'file:' && SPECIAL[rec.protocol] !== undefined && hostname === '') throw invalid(input);
    if (SPECIAL[rec.protocol] !== undefined && hostname !== '' && endsInNumber(hostname)) hostname = parseIPv4(hostname, input);
    var port = m[2] === undefined ? '' : m[2];
    if (port !== '') {
      if (!/^\d+$/.test(port) || Number(port) > 65535) throw invalid(input);
      port = String(Number(port));
      if (SPECIAL[rec.protocol] === port) port = '';
    }
    rec.hostname = hostname;
    rec.port = port;
  }

  function splitTail(rest, rec, special) {
    var hashAt = rest.indexOf('#');
    if (hashAt >= 0) {
      rec.hash = pct(rest.slice(hashAt + 1), FRAGMENT_SET);
      rest = rest.slice(0, hashAt);
    } else {
      rec.hash = null;
    }
    var qAt = rest.indexOf('?');
    if (qAt >= 0) {
      rec.query = pct(rest.slice(qAt + 1), special ? SPECIAL_QUERY_SET : QUERY_SET);
      rest = rest.slice(0, qAt);
    } else {
      rec.query = null;
    }
    return rest;
  }

  function emptyRecord(protocol) {
    return { protocol: protocol, username: '', password: '', hostname: '', port: '', path: '', opaque: false, query: null, hash: null, hasHost: false };
  }

  function parseAbsolute(input, base) {
    var m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/.exec(input);
    var rec;
    var rest;
    if (m) {
      rec = emptyRecord(m[1].toLowerCase() + ':');
      rest = m[2];
      var special = SPECIAL[rec.protocol] !== undefined;
      if (special) rest = rest.replace(/\\/g, '/');
      if (special && base && base.protocol === rec.protocol && rest.charAt(0) !== '/') {
        return parseRelative(rest, base); // 'http:foo' against an http base
      }
      if (special || rest.slice(0, 2) === '//') {
        if (special) rest = rest.replace(/^\/*/, '//');
        var tailStart = rest.slice(2).search(/[/?#]/);
        var auth = tailStart < 0 ? rest.slice(2) : rest.slice(2, tailStart + 2);
        rest = tailStart < 0 ? '' : rest.slice(tailStart + 2);
        rec.hasHost = true;
        parseAuthority(auth, rec, input);
        rest = splitTail(rest, rec, special);
        rec.path = special || rest ? removeDotSegments(pct(rest, PATH_SET)) : '';
        if (!special && rest === '') rec.path = '';
      } else {
        rest = splitTail(rest, rec, false);
        if (rest.charAt(0) === '/') {
          rec.path = removeDotSegments(pct(rest, PATH_SET));
        } else {
          rec.opaque = true;
          rec.path = pct(rest, '');
        }
      }
      return rec;
    }
    if (!base) throw invalid(input);
    return parseRelative(input, base);
  }

  function parseRelative(input, base) {
    var special = SPECIAL[base.protocol] !== undefined;
    if (special) input = input.replace(/\\/g, '/');
    if (base.opaque && input.charAt(0) !== '#') throw invalid(input);
    if (input.slice(0, 2) === '//') return parseAbsolute(base.protocol + input, null);
    var rec = emptyRecord(base.protocol);
    rec.username = base.username; rec.password = base.password; rec.hostname = base.hostname;
    rec.port = base.port; rec.hasHost = base.hasHost; rec.opaque = base.opaque;
    var rest = splitTail(input, rec, special);
    if (rest === '') {
      rec.path = base.path;
      if (input.charAt(0) !== '?' && rec.query === null) rec.query = base.query;
    } else if (rest.charAt(0) === '/') {
      rec.path = removeDotSegments(pct(rest, PATH_SET));
    } else {
      var dir = base.path.slice(0, base.path.lastIndexOf('/') + 1);
      rec.path = removeDotSegments(dir + pct(rest, PATH_SET));
    }
    return rec;
  }

  // --- URLSearchParams ---

  // (The expressions and the replacer are made once: a regular expression literal is a new
  // object each time it is evaluated.)
  var SPACE_ESCAPE = /%20/g, FORM_RESERVED = /[!'()~]/g;
  function percentOf(c) { return '%' + c.charCodeAt(0).toString(16).toUpperCase(); }
  function formEncode(s) {
    return encodeURIComponent(s).replace(SPACE_ESCAPE, '+').replace(FORM_RESERVED, percentOf);
  }
  function formDecode(s) {
    return querystring.unescape(s.replace(/\+/g, ' '));
  }

  function parsePairs(str) {
    var list = [];
    if (str.charAt(0) === '?') str = str.slice(1);
    str.split('&').forEach(function (piece) {
      if (piece === '') return;
      var i = piece.indexOf('=');
      list.push([formDecode(i >= 0 ? piece.slice(0, i) : piece), formDecode(i >= 0 ? piece.slice(i + 1) : '')]);
    });
    return list;
  }

  class URLSearchParams {
    constructor(init) {
      this._list = [];
      this._url = null;
      if (init === undefined || init === null) return;
      if (typeof init === 'string') {
        this._list = parsePairs(init);
      } else if (typeof init === 'object' && typeof init[Symbol.iterator] === 'function') {
        for (var pair of init) this._list.push([String(pair[0]), String(pair[1])]);
      } else if (typeof init === 'object') {
        var self = this;
        Object.keys(init).forEach(function (k) { self._list.push([k, String(init[k])]); });
      } else {
        this._list = parsePairs(String(init));
      }
    }
    _update() {
      if (this._url) {
        var s = this.toString();
        this._url._rec.query = s === '' ? null : s;
      }
    }
    get size() { return this._list.length; }
    append(name, value) { this._list.push([String(name), String(value)]); this._update(); }
    delete(name) {
      name = String(name);
      this._list = this._list.filter(function (p) { return p[0] !== name; });
      this._update();
    }
    get(name) {
      for (var i = 0; i < this._list.length; i++) if (this._list[i][0] === String(name)) return this._list[i][1];
      return null;
    }
    getAll(name) {
      return this._list.filter(function (p) { return p[0] === String(name); }).map(function (p) { return p[1]; });
    }
    has(name) { return this.get(name) !== null; }
    set(name, value) {
      name = String(name);
      var found = false;
      this._list = this._list.filter(function (p) {
        if (p[0] !== name) return true;
        if (found) return false;
        found = true;
        p[1] = String(value);
        return true;
      });
      if (!found) this._list.push([name, String(value)]);
      this._update();
    }
    sort() {
      this._list = this._list.map(function (p, i) { return [p, i]; }).sort(function (a, b) {
        return a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1];
      }).map(function (x) { return x[0]; });
      this._update();
    }
    forEach(fn, thisArg) {
      var self = this;
      this._list.forEach(function (p) { fn.call(thisArg, p[1], p[0], self); });
    }
    keys() { return this._list.map(function (p) { return p[0]; })[Symbol.iterator](); }
    values() { return this._list.map(function (p) { return p[1]; })[Symbol.iterator](); }
    entries() { return this._list.map(function (p) { return [p[0], p[1]]; })[Symbol.iterator](); }
    [Symbol.iterator]() { return this.entries(); }
    toString() {
      return this._list.map(function (p) { return formEncode(p[0]) + '=' + formEncode(p[1]); }).join('&');
    }
  }

  // --- URL ---

  // Records of URLs parsed without a base, by input: the same URLs come back login after
  // login, and a record is flat (each URL gets its own copy).
  var parsedUrls = new Map();
  function parseInput(input, baseRec) {
    return parseAbsolute(input.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, ''), baseRec);
  }

  class URL {
    constructor(input, base) {
      input = String(input);
      if (base === undefined) {
        var hit = parsedUrls.get(input);
        if (hit === undefined) {
          hit = parseInput(input, null);
          if (parsedUrls.size >= 256) parsedUrls.clear();
          parsedUrls.set(input, hit);
        }
        this._rec = Object.assign({}, hit);
      } else {
        this._rec = parseInput(input, (base instanceof URL ? base : new URL(base))._rec);
      }
      this._params = new URLSearchParams(this._rec.query || '');
      this._params._url = this;
    }
    // Node 18.17+: whether `new URL(input, base)` would succeed.
    static canParse(input, base) {
      try { new URL(input, base); return true; } catch (e) { return false; }
    }
    get protocol() { return this._rec.protocol; }
    set protocol(v) {
      var p = String(v).replace(/:.*$/, '').toLowerCase() + ':';
      if (/^[a-z][a-z0-9+.-]*:$/.test(p) && (SPECIAL[p] !== undefined) === (SPECIAL[this._rec.protocol] !== undefined)) {
        this._rec.protocol = p;
        if (SPECIAL[p] === this._rec.port) this._rec.port = '';
      }
    }
    get username() { return this._rec.username; }
    set username(v) { this._rec.username = pct(String(v), USERINFO_SET); }
    get password() { return this._rec.password; }
    set password(v) { this._rec.password = pct(String(v), USERINFO_SET); }
    get hostname() { return this._rec.hostname; }
    set hostname(v) { if (!this._rec.opaque) this._rec.hostname = hostCase(this._rec, String(v)); }
    get port() { return this._rec.port; }
    set port(v) {
      var s = String(v);
      if (s === '') { this._rec.port = ''; return; }
      var m = /^\d+/.exec(s);
      if (m && Number(m[0]) <= 65535) this._rec.port = SPECIAL[this._rec.protocol] === String(Number(m[0])) ? '' : String(Number(m[0]));
    }
    get host() { return this._rec.hostname + (this._rec.port ? ':' + this._rec.port : ''); }
    set host(v) {
      var m = /^([^:/?#]*)(?::(\d*))?/.exec(String(v));
      if (m && m[1]) {
        this._rec.hostname = hostCase(this._rec, m[1]);
        if (m[2] !== undefined) this.port = m[2];
      }
    }
    get origin() {
      var r = this._rec;
      if (SPECIAL[r.protocol] === undefined || r.protocol === 'file:') return 'null';
      return r.protocol + '//' + this.host;
    }
    get pathname() { return this._rec.path; }
    set pathname(v) {
      if (this._rec.opaque) return;
      var s = String(v);
      if (s.charAt(0) !== '/') s = '/' + s;
      this._rec.path = removeDotSegments(pct(s, PATH_SET));
    }
    get search() { return this._rec.query ? '?' + this._rec.query : ''; }
    set search(v) {
      var s = String(v);
      if (s.charAt(0) === '?') s = s.slice(1);
      this._rec.query = s === '' ? null : pct(s, SPECIAL[this._rec.protocol] !== undefined ? SPECIAL_QUERY_SET : QUERY_SET);
      this._params._list = parsePairs(s);
    }
    get searchParams() { return this._params; }
    get hash() { return this._rec.hash ? '#' + this._rec.hash : ''; }
    set hash(v) {
      var s = String(v);
      if (s.charAt(0) === '#') s = s.slice(1);
      this._rec.hash = s === '' ? null : pct(s, FRAGMENT_SET);
    }
    get href() {
      var r = this._rec;
      var out = r.protocol;
      if (r.hasHost) {
        out += '//';
        if (r.username || r.password) out += r.username + (r.password ? ':' + r.password : '') + '@';
        out += this.host;
      }
      out += r.path;
      if (r.query !== null) out += '?' + r.query;
      if (r.hash !== null) out += '#' + r.hash;
      return out;
    }
    set href(v) {
      var next = new URL(v);
      this._rec = next._rec;
      this._params._list = parsePairs(this._rec.query || '');
    }
    toString() { return this.href; }
    toJSON() { return this.href; }
  }

  // --- the legacy API ---

  function Url() {
    this.protocol = null;
    this.slashes = null;
    this.auth = null;
    this.host = null;
    this.port = null;
    this.hostname = null;
    this.hash = null;
    this.search = null;
    this.query = null;
    this.pathname = null;
    this.path = null;
    this.href = null;
  }

  var SLASHED = { __proto__: null, 'http:': true, 'https:': true, 'ftp:': true, 'gopher:': true, 'file:': true, 'ws:': true, 'wss:': true };

  function urlParse(str, parseQueryString, slashesDenoteHost) {
    if (str instanceof Url) return str;
    if (typeof str !== 'string') {
      var err = new TypeError('The "url" argument must be of type string. Received ' + typeof str);
      err.code = 'ERR_INVALID_ARG_TYPE';
      throw err;
    }
    var u = new Url();
    var rest = str.trim();
    var hashAt = rest.indexOf('#');
    if (hashAt >= 0) { u.hash = rest.slice(hashAt); rest = rest.slice(0, hashAt); }
    var qAt = rest.indexOf('?');
    if (qAt >= 0) {
      u.search = rest.slice(qAt);
      u.query = rest.slice(qAt + 1);
      rest = rest.slice(0, qAt);
    }
    if (parseQueryString) u.query = querystring.parse(u.query || '');
    rest = rest.replace(/\\/g, '/');
    var pm = /^([a-z0-9.+-]+:)/i.exec(rest);
    if (pm) {
      u.protocol = pm[1].toLowerCase();
      rest = rest.slice(pm[1].length);
    }
    var slashes = rest.slice(0, 2) === '//';
    // Like Node: '//' starts a host after a protocol (or with slashesDenoteHost), and protocols
    // that are never slashed (mailto:, xmpp:) have a host straight after the colon.
    var hasHost = u.protocol !== 'javascript:' &&
      (slashes ? !!(u.protocol || slashesDenoteHost) : !!(u.protocol && !SLASHED[u.protocol]));
    if (hasHost) {
      if (slashes) { rest = rest.slice(2); u.slashes = true; }
      var end = rest.search(/[/]/);
      var auth = end < 0 ? rest : rest.slice(0, end);
      rest = end < 0 ? '' : rest.slice(end);
      var at = auth.lastIndexOf('@');
      if (at >= 0) {
        u.auth = querystring.unescape(auth.slice(0, at));
        auth = auth.slice(at + 1);
      }
      var hm = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(auth);
      var hostname = hm ? hm[1] : auth;
      u.port = hm && hm[2] ? hm[2] : null;
      hostname = hostname.toLowerCase();
      u.hostname = hostname.replace(/^\[(.*)\]$/, '$1');
      u.host = hostname + (u.port ? ':' + u.port : '');
      if (SLASHED[u.protocol] && rest === '') rest = '/';
    }
    u.pathname = rest === '' ? null : rest;
    if (u.pathname === null && SLASHED[u.protocol] && u.hostname !== null) u.pathname = '/';
    u.path = (u.pathname || '') + (u.search || '') || null;
    u.href = urlFormat(u);
    return u;
  }

  function urlFormat(obj, options) {
    if (typeof obj === 'string') obj = urlParse(obj);
    if (obj instanceof URL) return obj.href;
    if (obj === null || typeof obj !== 'object') {
      var err = new TypeError('The "urlObject" argument must be one of type object or string.');
      err.code = 'ERR_INVALID_ARG_TYPE';
      throw err;
    }
    var auth = obj.auth || '';
    if (auth) auth = encodeURIComponent(auth).replace(/%3A/i, ':') + '@';
    var protocol = obj.protocol || '';
    var pathname = obj.pathname || '';
    var hash = obj.hash || '';
    var host = '';
    var query = '';
    if (obj.host) {
      host = auth + obj.host;
    } else if (obj.hostname) {
      var hn = obj.hostname.indexOf(':') >= 0 && obj.hostname.charAt(0) !== '[' ? '[' + obj.hostname + ']' : obj.hostname;
      host = auth + hn + (obj.port ? ':' + obj.port : '');
    }
    if (obj.query && typeof obj.query === 'object' && Object.keys(obj.query).length) {
      query = querystring.stringify(obj.query);
    }
    var search = obj.search || (query && '?' + query) || '';
    if (protocol && protocol.slice(-1) !== ':') protocol += ':';
    if (obj.slashes || ((!protocol || SLASHED[protocol]) && host !== '')) {
      host = '//' + host;
      if (pathname && pathname.charAt(0) !== '/') pathname = '/' + pathname;
    }
    if (hash && hash.charAt(0) !== '#') hash = '#' + hash;
    if (search && search.charAt(0) !== '?') search = '?' + search;
    pathname = pathname.replace(/[?#]/g, encodeURIComponent);
    search = search.replace('#', '%23');
    return protocol + host + pathname + search + hash;
  }

  function urlResolve(from, to) {
    try {
      return new URL(to, new URL(from)).href;
    } catch (e) {
      // Both relative: resolve the path part only.
      if (/^[a-z][a-z0-9+.-]*:/i.test(to)) return to;
      var resolved = new URL(to, new URL(from, 'resolve://x/')).href;
      return resolved.replace(/^resolve:\/\/x/, from.charAt(0) === '/' ? '' : '').replace(/^\//, from.charAt(0) === '/' ? '/' : '');
    }
  }

  module.exports = {
    parse: urlParse,
    format: urlFormat,
    resolve: urlResolve,
    Url: Url,
    URL: URL,
    URLSearchParams: URLSearchParams
  };
})

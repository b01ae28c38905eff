(function (module, exports, require, host) {
  // Node's locale-sensitive built-ins, on ICU as V8 uses it (rulesim/runtime/_intl.c):
  // String.prototype.localeCompare, toLocaleUpperCase and toLocaleLowerCase;
  // Number.prototype.toLocaleString and BigInt's, Array's (which passes the locales on);
  // Date.prototype.toLocaleString,
  // toLocaleDateString and toLocaleTimeString. QuickJS's own answer fixed formats
  // ("12/07/2026") and compare code units. Installed by internal/globals when the ICU
  // extension is built (host.intl); the options are read and checked as V8 reads them, with
  // its messages, and handed to ICU as the skeletons V8 builds. The default locale is en-US
  // and the default time zone the process's, as in Auth0's Node. The Intl object itself is
  // not provided (a rule that reads it ends as unsupported_global).
  'use strict';

  var intl = host.intl;
  var DEFAULT_LOCALE = 'en-US';
  var hasOwn = Object.prototype.hasOwnProperty;

  function rangeError(message) { return new RangeError(message); }
  function typeError(message) { return new TypeError(message); }

  // ---------------------------------------------------------------- locales
  var resolved = Object.create(null);   // requested tag -> the locale used ('' invalid)
  var nResolved = 0;
  function resolveTag(tag) {
    var r = resolved[tag];
    if (r === undefined) {
      if (nResolved >= 256) { resolved = Object.create(null); nResolved = 0; }
      r = resolved[tag] = intl.resolveLocale(tag);
      nResolved++;
    }
    return r;
  }
  function language(tag) { var i = tag.indexOf('-'); return (i < 0 ? tag : tag.slice(0, i)).toLowerCase(); }
  // The locale a call uses for `locales` (V8: CanonicalizeLocaleList, then the first
  // requested locale ICU has data for, else the default).
  function localeOf(locales) {
    if (locales === undefined) return DEFAULT_LOCALE;
    var list;
    if (typeof locales === 'string') list = [locales];
    else {
      if (locales === null) throw typeError('Cannot convert undefined or null to object');
      var o = Object(locales), len = o.length >>> 0;
      list = [];
      for (var i = 0; i < len; i++) {
        if (!(i in o)) continue;
        var v = o[i];
        if (typeof v !== 'string' && (typeof v !== 'object' || v === null)) throw typeError('Language ID should be string or object.');
        list.push(String(v));
      }
    }
    var chosen = null;
    for (var j = 0; j < list.length; j++) {
      var r = resolveTag(list[j]);
      if (r === '') throw rangeError('Incorrect locale information provided');
      if (chosen === null && language(r) === language(list[j])) chosen = r;
    }
    return chosen === null ? DEFAULT_LOCALE : chosen;
  }

  // ---------------------------------------------------------------- options
  function stringOption(o, name, allowed, method, fallback) {
    if (o === null) return fallback;
    var v = o[name];
    if (v === undefined) return fallback;
    v = String(v);
    if (allowed !== null && allowed.indexOf(v) < 0) {
      throw rangeError('Value ' + v + ' out of range for ' + method + ' options property ' + name);
    }
    return v;
  }
  function booleanOption(o, name, fallback) {
    if (o === null) return fallback;
    var v = o[name];
    return v === undefined ? fallback : !!v;
  }
  function numberOption(o, name, min, max, fallback) {
    var v = o === null ? undefined : o[name];
    if (v === undefined) return fallback;
    v = Number(v);
    if (!(v >= min && v <= max)) throw rangeError(name + ' value is out of range.');
    return Math.floor(v);
  }

  // ---------------------------------------------------------------- localeCompare
  var SENSITIVITY = ['base', 'accent', 'case', 'variant'];
  function collateFlags(o) {
    var method = 'String.prototype.localeCompare';
    stringOption(o, 'usage', ['sort', 'search'], method, 'sort');
    stringOption(o, 'localeMatcher', ['lookup', 'best fit'], method, 'best fit');
    var numeric = booleanOption(o, 'numeric', undefined);
    var caseFirst = stringOption(o, 'caseFirst', ['upper', 'lower', 'false'], method, undefined);
    var sensitivity = stringOption(o, 'sensitivity', SENSITIVITY, method, 'variant');
    var ignorePunctuation = booleanOption(o, 'ignorePunctuation', false);
    return ({ variant: 0, base: 1, accent: 2, 'case': 3 })[sensitivity] + (numeric ? 4 : 0) +
      (caseFirst === 'upper' ? 8 : caseFirst === 'lower' ? 16 : 0) + (ignorePunctuation ? 32 : 0);
  }
  function localeCompare(that, locales, options) {
    if (this === null || this === undefined) throw typeError('String.prototype.localeCompare called on null or undefined');
    var s = String(this), t = String(that);
    var locale = DEFAULT_LOCALE, flags = 0;
    if (locales !== undefined || options !== undefined) {
      // (V8 compares with its default collator for an empty locales string, where
      // toLocaleString refuses it.)
      locale = locales === '' ? DEFAULT_LOCALE : localeOf(locales);
      if (options === null) throw typeError('String.prototype.localeCompare called on null or undefined');
      var o = options === undefined ? null : Object(options);
      flags = collateFlags(o);
    }
    var r = intl.collate(s, t, locale, flags);
    if (r === 2) throw rangeError('rulesim: the strings are too long to compare in the sandbox');
    return r;
  }

  // ---------------------------------------------------------------- case
  function changeCase(self, locales, upper, name) {
    if (self === null || self === undefined) throw typeError('String.prototype.' + name + ' called on null or undefined');
    var s = String(self);
    if (s === '') return s;
    var r = intl.changeCase(s, localeOf(locales), upper ? 1 : 0);
    if (r === '') throw rangeError('rulesim: the string is too long to convert in the sandbox');
    return r;
  }

  // ---------------------------------------------------------------- numbers
  // ISO 4217 currencies whose minor unit is not 2 (V8 asks ICU; CLDR agrees for these).
  var CURRENCY_DIGITS = { BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0,
    UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0, BHD: 3, IQD: 0, JOD: 3, KWD: 3, LYD: 3,
    OMR: 3, TND: 3, CLF: 4, UYW: 4, ALL: 0, IRR: 0, LAK: 0, LBP: 0, MGA: 0, MMK: 0, RSD: 0, SLE: 2,
    SLL: 0, SOS: 0, STD: 0, SYP: 0, TWD: 2, YER: 0, COP: 2, HUF: 2, IDR: 2, KPW: 0 };
  var SIMPLE_UNITS = ['acre', 'bit', 'byte', 'celsius', 'centimeter', 'day', 'degree', 'fahrenheit',
    'fluid-ounce', 'foot', 'gallon', 'gigabit', 'gigabyte', 'gram', 'hectare', 'hour', 'inch',
    'kilobit', 'kilobyte', 'kilogram', 'kilometer', 'liter', 'megabit', 'megabyte', 'meter',
    'microsecond', 'mile', 'mile-scandinavian', 'milliliter', 'millimeter', 'millisecond', 'minute',
    'month', 'nanosecond', 'ounce', 'percent', 'petabyte', 'pound', 'second', 'stone', 'terabit',
    'terabyte', 'week', 'yard', 'year'];
  function isUnit(u) {
    if (SIMPLE_UNITS.indexOf(u) >= 0) return true;
    var i = u.indexOf('-per-');
    return i > 0 && SIMPLE_UNITS.indexOf(u.slice(0, i)) >= 0 && SIMPLE_UNITS.indexOf(u.slice(i + 5)) >= 0;
  }
  var DEFAULT_NUMBER_SKELETON = 'rounding-mode-half-up';   // no options: V8's rounding alone
  // The ICU number skeleton V8 builds from Number.prototype.toLocaleString's options (V8 10.2,
  // Node 18's: no roundingMode, useGrouping strings or signDisplay 'negative' yet).
  function numberSkeleton(o, method) {
    stringOption(o, 'localeMatcher', ['lookup', 'best fit'], method, 'best fit');
    var nu = stringOption(o, 'numberingSystem', null, method, undefined);
    if (nu !== undefined && !/^[a-zA-Z0-9]{3,8}(-[a-zA-Z0-9]{3,8})*$/.test(nu)) throw rangeError('Invalid numberingSystem : ' + nu);
    var style = stringOption(o, 'style', ['decimal', 'percent', 'currency', 'unit'], method, 'decimal');
    var currency = stringOption(o, 'currency', null, method, undefined);
    if (currency !== undefined && !/^[A-Za-z]{3}$/.test(currency)) throw rangeError('Invalid currency code : ' + currency);
    var currencyDisplay = stringOption(o, 'currencyDisplay', ['code', 'symbol', 'narrowSymbol', 'name'], method, 'symbol');
    var currencySign = stringOption(o, 'currencySign', ['standard', 'accounting'], method, 'standard');
    var unit = stringOption(o, 'unit', null, method, undefined);
    if (unit !== undefined && !isUnit(unit)) throw rangeError('Invalid unit argument for ' + method + "() '" + unit + "'");
    var unitDisplay = stringOption(o, 'unitDisplay', ['short', 'narrow', 'long'], method, 'short');
    if (style === 'currency' && currency === undefined) throw typeError('Currency code is required with currency style.');
    if (style === 'unit' && unit === undefined) throw typeError('Invalid unit argument for ' + method + "() ''");
    var notation = stringOption(o, 'notation', ['standard', 'scientific', 'engineering', 'compact'], method, 'standard');
    var parts = [];
    var cDigits = 2;
    if (style === 'currency') {
      var code = currency.toUpperCase();
      parts.push('currency/' + code);
      cDigits = hasOwn.call(CURRENCY_DIGITS, code) ? CURRENCY_DIGITS[code] : 2;
      if (currencyDisplay === 'code') parts.push('unit-width-iso-code');
      else if (currencyDisplay === 'narrowSymbol') parts.push('unit-width-narrow');
      else if (currencyDisplay === 'name') parts.push('unit-width-full-name');
    } else if (style === 'percent') {
      parts.push('percent', 'scale/100');
    } else if (style === 'unit') {
      parts.push('unit/' + unit);
      if (unitDisplay === 'narrow') parts.push('unit-width-narrow');
      else if (unitDisplay === 'long') parts.push('unit-width-full-name');
    }
    // Digits (ECMA-402 SetNumberFormatDigitOptions, as V8 10 does it).
    var mnfdDefault = style === 'currency' && notation === 'standard' ? cDigits : 0;
    var mxfdDefault = style === 'currency' && notation === 'standard' ? cDigits : style === 'percent' ? 0 : 3;
    var mnid = numberOption(o, 'minimumIntegerDigits', 1, 21, 1);
    var mnfd = o.minimumFractionDigits, mxfd = o.maximumFractionDigits;
    var mnsd = o.minimumSignificantDigits, mxsd = o.maximumSignificantDigits;
    var precision;
    if (mnsd !== undefined || mxsd !== undefined) {
      var lo = numberOption(o, 'minimumSignificantDigits', 1, 21, 1);
      var hi = numberOption(o, 'maximumSignificantDigits', lo, 21, 21);
      precision = repeat('@', lo) + repeat('#', hi - lo);
    } else if (mnfd !== undefined || mxfd !== undefined || notation !== 'compact') {
      var min = numberOption(o, 'minimumFractionDigits', 0, 20, undefined);
      var max = numberOption(o, 'maximumFractionDigits', 0, 20, undefined);
      if (min === undefined) min = Math.min(mnfdDefault, max === undefined ? mnfdDefault : max);
      else if (max === undefined) max = Math.max(mxfdDefault, min);
      else if (min > max) throw rangeError('maximumFractionDigits value is out of range.');
      if (max === undefined) max = mxfdDefault;
      precision = max === 0 ? 'precision-integer' : '.' + repeat('0', min) + repeat('#', max - min);
    }
    if (precision !== undefined) parts.push(precision);
    if (mnid > 1) parts.push('integer-width/*' + repeat('0', mnid));
    // (Node 18's V8 takes useGrouping as a boolean; the strings of later versions are truthy.)
    if (o.useGrouping !== undefined && !o.useGrouping) parts.push('group-off');
    if (notation === 'scientific') parts.push('scientific');
    else if (notation === 'engineering') parts.push('engineering');
    else if (notation === 'compact') {
      var compactDisplay = stringOption(o, 'compactDisplay', ['short', 'long'], method, 'short');
      parts.push(compactDisplay === 'long' ? 'compact-long' : 'compact-short');
    }
    var sign = stringOption(o, 'signDisplay', ['auto', 'never', 'always', 'exceptZero'], method, 'auto');
    var accounting = currencySign === 'accounting';
    var SIGN = accounting
      ? { auto: 'sign-accounting', never: 'sign-never', always: 'sign-accounting-always', exceptZero: 'sign-accounting-except-zero' }
      : { auto: '', never: 'sign-never', always: 'sign-always', exceptZero: 'sign-except-zero' };
    if (SIGN[sign]) parts.push(SIGN[sign]);
    parts.push(DEFAULT_NUMBER_SKELETON);
    if (nu !== undefined) parts.push('numbering-system/' + nu.toLowerCase());
    return parts.join(' ');
  }
  function repeat(c, n) { var s = ''; for (var i = 0; i < n; i++) s += c; return s; }
  var thisNumberValue = Number.prototype.valueOf;
  function numberToLocaleString(locales, options) {
    var x;
    try { x = thisNumberValue.call(this); } catch (e) { throw typeError("Number.prototype.toLocaleString requires that 'this' be a Number"); }
    return formatNumber(x, locales, options, 'Number.prototype.toLocaleString');
  }
  function formatNumber(x, locales, options, method) {
    var locale = localeOf(locales);
    var skeleton;
    if (options === undefined) skeleton = DEFAULT_NUMBER_SKELETON;
    else if (options === null) throw typeError(method + ' called on null or undefined');   // (V8's words)
    else skeleton = numberSkeleton(Object(options), method);
    var r = intl.formatNumber(x, locale, skeleton);
    if (r === '') throw rangeError('rulesim: ICU could not format the number (' + skeleton + ')');
    return r;
  }
  var thisBigIntValue = typeof BigInt === 'function' ? BigInt.prototype.valueOf : null;
  function bigintToLocaleString(locales, options) {
    var x;
    try { x = thisBigIntValue.call(this); } catch (e) { throw typeError("BigInt.prototype.toLocaleString requires that 'this' be a BigInt"); }
    return formatNumber(String(x), locales, options, 'BigInt.prototype.toLocaleString');
  }

  // ---------------------------------------------------------------- dates
  // Each component option, its values and the skeleton letters V8 asks ICU for.
  var COMPONENTS = [
    ['weekday', { narrow: 'EEEEE', 'short': 'EEE', 'long': 'EEEE' }],
    ['era', { narrow: 'GGGGG', 'short': 'GGG', 'long': 'GGGG' }],
    ['year', { '2-digit': 'yy', numeric: 'y' }],
    ['month', { '2-digit': 'MM', numeric: 'M', narrow: 'MMMMM', 'short': 'MMM', 'long': 'MMMM' }],
    ['day', { '2-digit': 'dd', numeric: 'd' }],
    ['dayPeriod', { narrow: 'BBBBB', 'short': 'B', 'long': 'BBBB' }],
    ['hour', { '2-digit': 'jj', numeric: 'j' }],
    ['minute', { '2-digit': 'mm', numeric: 'm' }],
    ['second', { '2-digit': 'ss', numeric: 's' }],
  ];
  var COMPONENT_VALUES = COMPONENTS.map(function (c) { return Object.keys(c[1]); });
  var TIME_ZONE_NAMES = { 'short': 'z', 'long': 'zzzz', shortOffset: 'O', longOffset: 'OOOO', shortGeneric: 'v', longGeneric: 'vvvv' };
  var TIME_ZONE_NAME_VALUES = Object.keys(TIME_ZONE_NAMES);
  var STYLES = ['full', 'long', 'medium', 'short'];
  var HOUR_LETTER = { h11: 'K', h12: 'h', h23: 'H', h24: 'k' };
  var dateSkeletons = Object.create(null);   // no options: the skeleton of each method
  var DATE_PARTS = ['weekday', 'year', 'month', 'day'];
  var TIME_PARTS = ['dayPeriod', 'hour', 'minute', 'second', 'fractionalSecondDigits'];
  // [skeleton, timeZone] for a call: `required` and `defaults` as ECMA-402 ToDateTimeOptions.
  function dateSkeleton(o, required, defaults, method, locale) {
    var i, needDefaults = true;
    if (o !== null) {
      if (required === 'date' || required === 'any') for (i = 0; i < DATE_PARTS.length; i++) if (o[DATE_PARTS[i]] !== undefined) needDefaults = false;
      if (required === 'time' || required === 'any') for (i = 0; i < TIME_PARTS.length; i++) if (o[TIME_PARTS[i]] !== undefined) needDefaults = false;
      var ds0 = o.dateStyle, ts0 = o.timeStyle;
      if (ds0 !== undefined || ts0 !== undefined) needDefaults = false;
      if (required === 'date' && ts0 !== undefined) throw typeError('Invalid option : timeStyle');
      if (required === 'time' && ds0 !== undefined) throw typeError('Invalid option : dateStyle');
    }
    var values = {}, ca, nu;
    if (o !== null) {
      stringOption(o, 'localeMatcher', ['lookup', 'best fit'], method, 'best fit');
      ca = stringOption(o, 'calendar', null, method, undefined);
      if (ca !== undefined && !/^[a-zA-Z0-9]{3,8}(-[a-zA-Z0-9]{3,8})*$/.test(ca)) throw rangeError('Invalid calendar : ' + ca);
      nu = stringOption(o, 'numberingSystem', null, method, undefined);
      if (nu !== undefined && !/^[a-zA-Z0-9]{3,8}(-[a-zA-Z0-9]{3,8})*$/.test(nu)) throw rangeError('Invalid numberingSystem : ' + nu);
    }
    var hour12 = o === null ? undefined : o.hour12;
    if (hour12 !== undefined) hour12 = !!hour12;
    var hourCycle = stringOption(o, 'hourCycle', ['h11', 'h12', 'h23', 'h24'], method, undefined);
    var tz = o === null ? undefined : o.timeZone;
    tz = tz === undefined ? '' : String(tz);
    for (i = 0; i < COMPONENTS.length; i++) {
      var name = COMPONENTS[i][0];
      if (name === 'hour' || name === 'minute' || name === 'second') continue;
      values[name] = stringOption(o, name, COMPONENT_VALUES[i], method, undefined);
    }
    values.hour = stringOption(o, 'hour', ['2-digit', 'numeric'], method, undefined);
    values.minute = stringOption(o, 'minute', ['2-digit', 'numeric'], method, undefined);
    values.second = stringOption(o, 'second', ['2-digit', 'numeric'], method, undefined);
    var fsd = o === null ? undefined : o.fractionalSecondDigits;
    if (fsd !== undefined) {
      fsd = Number(fsd);
      if (!(fsd >= 1 && fsd <= 3)) throw rangeError('fractionalSecondDigits value is out of range.');
      fsd = Math.floor(fsd);
    }
    var tzName = stringOption(o, 'timeZoneName', TIME_ZONE_NAME_VALUES, method, undefined);
    stringOption(o, 'formatMatcher', ['basic', 'best fit'], method, 'best fit');
    var dateStyle = stringOption(o, 'dateStyle', STYLES, method, undefined);
    var timeStyle = stringOption(o, 'timeStyle', STYLES, method, undefined);
    if (dateStyle !== undefined || timeStyle !== undefined) {
      for (i = 0; i < COMPONENTS.length; i++) {
        if (values[COMPONENTS[i][0]] !== undefined) {
          throw typeError("Can't set option " + COMPONENTS[i][0] + ' when ' + (dateStyle !== undefined ? 'dateStyle' : 'timeStyle') + ' is used');
        }
      }
      if (fsd !== undefined) throw typeError("Can't set option fractionalSecondDigits when " + (dateStyle !== undefined ? 'dateStyle' : 'timeStyle') + ' is used');
      if (tzName !== undefined) throw typeError("Can't set option timeZoneName when " + (dateStyle !== undefined ? 'dateStyle' : 'timeStyle') + ' is used');
      return ['!' + (dateStyle ? dateStyle.charAt(0) : '-') + (timeStyle ? timeStyle.charAt(0) : '-'), tz, extension(ca, nu)];
    }
    if (needDefaults && (defaults === 'date' || defaults === 'all')) { values.year = 'numeric'; values.month = 'numeric'; values.day = 'numeric'; }
    if (needDefaults && (defaults === 'time' || defaults === 'all')) { values.hour = 'numeric'; values.minute = 'numeric'; values.second = 'numeric'; }
    var hc = hourCycle;
    if (hour12 !== undefined) {
      // V8 10 (Node 18): a locale whose clock is h11 or h23 by default gets h11 for hour12:
      // true, h23 for false; the others h12 and h24 ('24:04:05' for en-US with hour12: false).
      var h23 = defaultCycle(locale) === 'h23';
      hc = hour12 ? (h23 ? 'h11' : 'h12') : (h23 ? 'h23' : 'h24');
    }
    // A day period is spelled out with the 12-hour clock (V8 asks ICU for 'h' with 'B').
    if (hc === undefined && values.dayPeriod !== undefined && values.hour !== undefined) hc = 'h12';
    var skeleton = '';
    for (i = 0; i < COMPONENTS.length; i++) {
      var v = values[COMPONENTS[i][0]];
      if (v === undefined) continue;
      var letters = COMPONENTS[i][1][v];
      if (COMPONENTS[i][0] === 'hour' && hc !== undefined) letters = letters.replace(/j/g, HOUR_LETTER[hc]);
      skeleton += letters;
    }
    if (fsd !== undefined) skeleton += repeat('S', fsd);
    if (tzName !== undefined) skeleton += TIME_ZONE_NAMES[tzName];
    return [skeleton, tz, extension(ca, nu)];
  }
  // The Unicode extension of the calendar and numbering system options ('' for none).
  function extension(ca, nu) {
    return (ca !== undefined ? '-ca-' + ca.toLowerCase() : '') + (nu !== undefined ? '-nu-' + nu.toLowerCase() : '');
  }
  function withExtension(locale, ext) {
    if (ext === '') return locale;
    var tag = locale.indexOf('-u-') < 0 ? locale + '-u' + ext : locale + ext;
    return resolveTag(tag) || locale;
  }
  // The locale's own hour cycle, h12 or h23: what its clock shows at 00:04 UTC.
  var cycles = Object.create(null);
  function defaultCycle(locale) {
    var c = cycles[locale];
    if (c === undefined) c = cycles[locale] = intl.formatDate(240000, locale, 'j', 'UTC').indexOf('12') >= 0 ? 'h12' : 'h23';
    return c;
  }
  var thisTimeValue = Date.prototype.getTime;
  function formatDate(self, locales, options, required, defaults, method) {
    var t;
    try { t = thisTimeValue.call(self); } catch (e) {
      throw typeError('Method ' + method + ' called on incompatible receiver ' + receiverText(self));
    }
    if (t !== t) return 'Invalid Date';
    var locale = localeOf(locales), sk;
    if (options === undefined) sk = dateSkeletons[method] || (dateSkeletons[method] = dateSkeleton(null, required, defaults, method, locale));
    else {
      if (options === null) throw typeError('Cannot convert undefined or null to object');
      sk = dateSkeleton(Object(options), required, defaults, method, locale);
    }
    var r = intl.formatDate(t, withExtension(locale, sk[2]), sk[0], sk[1]);
    if (r === '') {
      if (sk[1] !== '') throw rangeError('Invalid time zone specified: ' + sk[1]);
      throw rangeError('rulesim: ICU could not format the date (' + sk[0] + ')');
    }
    return r;
  }
  function receiverText(v) {
    if (v === null || v === undefined) return String(v);
    if (typeof v === 'string') return v;
    if (typeof v !== 'object' && typeof v !== 'function') return String(v);
    var c = v.constructor;
    return '#<' + (typeof c === 'function' && c.name ? c.name : 'Object') + '>';
  }

  // ---------------------------------------------------------------- install
  function define(target, name, fn, length) {
    Object.defineProperty(fn, 'name', { value: name, configurable: true });
    Object.defineProperty(fn, 'length', { value: length, configurable: true });
    Object.defineProperty(target, name, { value: fn, writable: true, enumerable: false, configurable: true });
  }
  module.exports = function install(G) {
    if (!intl) return false;
    // (Named parameters, not `arguments`, which QuickJS builds on every call; define() sets
    // each method's length to Node's.)
    define(G.String.prototype, 'localeCompare', { f: function (that, locales, options) { return localeCompare.call(this, that, locales, options); } }.f, 1);
    define(G.String.prototype, 'toLocaleUpperCase', { f: function (locales) { return changeCase(this, locales, true, 'toLocaleUpperCase'); } }.f, 0);
    define(G.String.prototype, 'toLocaleLowerCase', { f: function (locales) { return changeCase(this, locales, false, 'toLocaleLowerCase'); } }.f, 0);
    define(G.Number.prototype, 'toLocaleString', { f: function (locales, options) { return numberToLocaleString.call(this, locales, options); } }.f, 0);
    if (thisBigIntValue !== null && G.BigInt) {
      define(G.BigInt.prototype, 'toLocaleString', { f: function (locales, options) { return bigintToLocaleString.call(this, locales, options); } }.f, 0);
    }
    // Array's passes the locales and options on to each element's (ECMA-402), QuickJS's not.
    var arrayToLocaleString = { f: function (locales, options) {
      var o = Object(this), len = o.length >>> 0, parts = [];
      for (var i = 0; i < len; i++) {
        var v = o[i];
        parts.push(v === null || v === undefined ? '' : String(Object(v).toLocaleString(locales, options)));
      }
      return parts.join(',');
    } }.f;
    define(G.Array.prototype, 'toLocaleString', arrayToLocaleString, 0);
    var DateProto = G.Date.prototype;
    define(DateProto, 'toLocaleString', { f: function (locales, options) {
      return formatDate(this, locales, options, 'any', 'all', 'Date.prototype.toLocaleString');
    } }.f, 0);
    define(DateProto, 'toLocaleDateString', { f: function (locales, options) {
      return formatDate(this, locales, options, 'date', 'date', 'Date.prototype.toLocaleDateString');
    } }.f, 0);
    define(DateProto, 'toLocaleTimeString', { f: function (locales, options) {
      return formatDate(this, locales, options, 'time', 'time', 'Date.prototype.toLocaleTimeString');
    } }.f, 0);
    return true;
  };
})

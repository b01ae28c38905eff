(function (module, exports, require, host) {
  // Node's util.inspect with its defaults (depth 2, breakLength 80, compact 3), as console.log
  // prints objects in Auth0's logs: `{ a: 1, b: [ 'x' ] }`, class names, `[Object]` past the
  // depth, `<ref *1>` / `[Circular *1]`, Map/Set sizes, `<1 empty item>`, numbers grouped in
  // columns, long objects broken over lines. Written from Node 18's observable output.
  // Not reproduced: promise states (QuickJS cannot read them: `Promise { <pending> }`), colors,
  // showHidden. Error stack frames show the rule line ("at fn (rule:12)"), not Node's file:line:col.
  'use strict';

  var config = { lineBlock: 0 };
  var IDENT = /^[a-zA-Z_][a-zA-Z_0-9]*$/;
  var customSymbol = Symbol.for('nodejs.util.inspect.custom');
  var ARRAY = 1, OBJECT = 0;

  function defaults(opts) {
    var ctx = { seen: [], circular: null, indentationLvl: 0, currentDepth: 0,
      depth: 2, breakLength: 80, compact: 3, maxArrayLength: 100, maxStringLength: 10000 };
    if (opts && typeof opts === 'object') {
      ['depth', 'breakLength', 'compact', 'maxArrayLength', 'maxStringLength'].forEach(function (k) {
        if (opts[k] !== undefined) ctx[k] = opts[k];
      });
    }
    if (ctx.depth === null) ctx.depth = Infinity;
    return ctx;
  }

  function inspect(value, opts) {
    if (typeof opts === 'boolean') opts = { showHidden: opts };
    return formatValue(defaults(opts), value, 0);
  }

  // ------------------------------------------------------------------ primitives
  function quote(s) {
    var q = "'";
    if (s.indexOf("'") >= 0) {
      if (s.indexOf('"') < 0) q = '"';
      else if (s.indexOf('`') < 0 && s.indexOf('${') < 0) q = '`';
    }
    var out = '';
    for (var i = 0; i < s.length; i++) {
      var c = s[i], code = s.charCodeAt(i);
      if (c === q || c === '\\') out += '\\' + c;
      else if (c === '\n') out += '\\n';
      else if (c === '\t') out += '\\t';
      else if (c === '\r') out += '\\r';
      else if (c === '\b') out += '\\b';
      else if (c === '\f') out += '\\f';
      else if (c === '\v') out += '\\v';
      else if (code < 0x20 || code === 0x7f) out += '\\x' + (code < 16 ? '0' : '') + code.toString(16).toUpperCase();
      else out += c;
    }
    return q + out + q;
  }

  function formatString(ctx, s) {
    var trailer = '';
    if (s.length > ctx.maxStringLength) {
      var remaining = s.length - ctx.maxStringLength;
      s = s.slice(0, ctx.maxStringLength);
      trailer = '... ' + remaining + ' more character' + (remaining > 1 ? 's' : '');
    }
    // A long string that holds line breaks is printed one quoted line per line.
    if (ctx.compact !== true && s.length > 16 && s.length > ctx.breakLength - ctx.indentationLvl - 4 && s.indexOf('\n') >= 0) {
      var lines = s.match(/[^\n]*\n|[^\n]+$/g) || [s];
      return lines.map(quote).join(' +\n' + ' '.repeat(ctx.indentationLvl + 2)) + trailer;
    }
    return quote(s) + trailer;
  }

  function formatPrimitive(ctx, v) {
    switch (typeof v) {
      case 'string': return formatString(ctx, v);
      case 'number': return Object.is(v, -0) ? '-0' : String(v);
      case 'bigint': return String(v) + 'n';
      case 'boolean': return String(v);
      case 'undefined': return 'undefined';
      default: return v.toString();   // symbol
    }
  }

  // ------------------------------------------------------------------ names
  function constructorName(obj) {
    var o = obj;
    while (o !== null && o !== undefined) {
      var d = Object.getOwnPropertyDescriptor(o, 'constructor');
      if (d && typeof d.value === 'function' && d.value.name !== '') return d.value.name;
      o = Object.getPrototypeOf(o);
    }
    return null;
  }

  function prefix(ctor, tag, fallback, size) {
    size = size || '';
    if (ctor === null) {
      if (tag !== '' && fallback !== tag) return '[' + fallback + size + ': null prototype] [' + tag + '] ';
      return '[' + fallback + size + ': null prototype] ';
    }
    if (tag !== '' && ctor !== tag) return ctor + size + ' [' + tag + '] ';
    return ctor + size + ' ';
  }

  function functionBase(fn, ctor, tag) {
    var src = Function.prototype.toString.call(fn);
    if (/^class\b/.test(src)) {
      var cls = '[class ' + (fn.name || '(anonymous)');
      var parent = Object.getPrototypeOf(fn);
      if (parent && parent.name) cls += ' extends ' + parent.name;
      return cls + ']';
    }
    var type = 'Function';
    if (/^async\s+function\s*\*/.test(src)) type = 'AsyncGeneratorFunction';
    else if (/^async\b/.test(src)) type = 'AsyncFunction';
    else if (/^function\s*\*/.test(src)) type = 'GeneratorFunction';
    var base = '[' + type + (fn.name ? ': ' + fn.name : ' (anonymous)') + ']';
    if (ctor === null) base += ' [null prototype]';
    else if (ctor !== type && ctor !== 'Function') base += ' ' + ctor;
    if (tag !== '' && ctor !== tag) base += ' [' + tag + ']';
    return base;
  }

  // An Error's stack as Node prints it: "Name: message" and the frames, here the rule frames
  // (QuickJS's <input>:N mapped to the rule line; frames of the sandbox itself left out).
  function errorBase(err) {
    var name = err.name !== undefined ? String(err.name) : 'Error';
    var message = err.message !== undefined ? String(err.message) : '';
    var head = message ? name + ': ' + message : name;
    var stack = typeof err.stack === 'string' ? err.stack : '';
    if (stack.indexOf(head) === 0) stack = stack.slice(head.length);
    var frames = [];
    stack.split('\n').forEach(function (line) {
      var m = /^\s+at (.*?)(?: \((?:<input>:(\d+)|native)\)|(?: |)<input>:(\d+))?$/.exec(line);
      if (!m) return;
      var n = +(m[2] || m[3] || 0);
      if (!config.lineBlock || n < config.lineBlock) return;
      frames.push('    at ' + (m[1] && m[1] !== '<anonymous>' ? m[1] + ' (rule:' : '(rule:') + (n % config.lineBlock) + ')');
    });
    return frames.length ? head + '\n' + frames.join('\n') : head;
  }

  // ------------------------------------------------------------------ objects
  function keysOf(value) {
    var keys = Object.keys(value);
    Object.getOwnPropertySymbols(value).forEach(function (s) {
      if (Object.prototype.propertyIsEnumerable.call(value, s)) keys.push(s);
    });
    return keys;
  }

  function formatValue(ctx, value, recurseTimes, typedArray) {
    if (typeof value !== 'object' && typeof value !== 'function') return formatPrimitive(ctx, value);
    if (value === null) return 'null';
    var custom = value[customSymbol];
    if (typeof custom === 'function' && custom !== inspect) {
      var out = custom.call(value, ctx.depth - recurseTimes, ctx, inspect);
      if (out !== value) return typeof out === 'string' ? out : formatValue(ctx, out, recurseTimes);
    }
    if (ctx.seen.indexOf(value) >= 0) {
      if (ctx.circular === null) ctx.circular = new Map();
      if (!ctx.circular.has(value)) ctx.circular.set(value, ctx.circular.size + 1);
      return '[Circular *' + ctx.circular.get(value) + ']';
    }
    return formatRaw(ctx, value, recurseTimes, typedArray);
  }

  function formatRaw(ctx, value, recurseTimes) {
    var ctor = constructorName(value);
    var tag = value[Symbol.toStringTag];
    if (typeof tag !== 'string' || tag === ctor) tag = '';
    var keys = keysOf(value);
    var base = '', braces, formatter = formatObjectEntries, extras = OBJECT, size;
    if (Array.isArray(value)) {
      keys = keys.filter(function (k) { return typeof k !== 'string' || !/^(0|[1-9]\d*)$/.test(k); });
      var arrPrefix = ctor !== 'Array' || tag !== '' ? prefix(ctor, tag, 'Array', '(' + value.length + ')') : '';
      braces = [arrPrefix + '[', ']'];
      if (value.length === 0 && keys.length === 0) return braces[0] + ']';
      extras = ARRAY;
      formatter = formatArray;
    } else if (value instanceof Set) {
      size = value.size;
      braces = [prefix(ctor, tag, 'Set', '(' + size + ')') + '{', '}'];
      if (size === 0 && keys.length === 0) return braces[0] + '}';
      formatter = formatSet;
    } else if (value instanceof Map) {
      size = value.size;
      braces = [prefix(ctor, tag, 'Map', '(' + size + ')') + '{', '}'];
      if (size === 0 && keys.length === 0) return braces[0] + '}';
      formatter = formatMap;
    } else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      if (value.constructor && value.constructor.name === 'Buffer' && typeof value.inspect === 'function') return value.inspect();
      keys = keys.filter(function (k) { return typeof k !== 'string' || !/^(0|[1-9]\d*)$/.test(k); });
      braces = [prefix(ctor, tag, 'TypedArray', '(' + value.length + ')') + '[', ']'];
      if (value.length === 0 && keys.length === 0) return braces[0] + ']';
      extras = ARRAY;
      formatter = formatArray;
    } else {
      braces = ['{', '}'];
      if (ctor === 'Object') {
        if (tag !== '') braces[0] = prefix(ctor, tag, 'Object') + '{';
        if (keys.length === 0) return braces[0] + '}';
      } else if (typeof value === 'function') {
        base = functionBase(value, ctor, tag);
        keys = keys.filter(function (k) { return k !== 'prototype'; });
        if (keys.length === 0) return base;
      } else if (value instanceof RegExp) {
        base = RegExp.prototype.toString.call(value);
        if (ctor !== 'RegExp') base = prefix(ctor, tag, 'RegExp') + base;
        if (keys.length === 0) return base;
      } else if (value instanceof Date) {
        base = isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
        if (ctor !== 'Date') base = prefix(ctor, tag, 'Date') + base;
        if (keys.length === 0) return base;
      } else if (value instanceof Error) {
        base = errorBase(value);
        keys = keys.filter(function (k) { return k !== 'stack' && k !== 'message'; });
        if (keys.length === 0) return base;
      } else if (value instanceof ArrayBuffer) {
        var buf = value;
        braces[0] = prefix(ctor, tag, 'ArrayBuffer') + '{';
        formatter = function () {
          var hex = Array.prototype.map.call(new Uint8Array(buf).subarray(0, 50), function (b) { return (b < 16 ? '0' : '') + b.toString(16); });
          var more = buf.byteLength > 50 ? ' ... ' + (buf.byteLength - 50) + ' more bytes' : '';
          return ['[Uint8Contents]: <' + hex.join(' ') + more + '>', 'byteLength: ' + buf.byteLength];
        };
      } else if (value instanceof Number || value instanceof String || value instanceof Boolean) {
        var type = value instanceof Number ? 'Number' : value instanceof String ? 'String' : 'Boolean';
        base = '[' + type + ': ' + formatPrimitive(defaults(), value.valueOf()) + ']';
        if (value instanceof String) keys = keys.filter(function (k) { return typeof k !== 'string' || !/^\d+$/.test(k); });
        if (keys.length === 0) return base;
      } else if (value instanceof Promise) {
        braces[0] = prefix(ctor, tag, 'Promise') + '{';
        formatter = function () { return ['<pending>']; };
      } else if (value instanceof WeakMap || value instanceof WeakSet) {
        return prefix(ctor, tag, value instanceof WeakMap ? 'WeakMap' : 'WeakSet') + '{ <items unknown> }';
      } else {
        if (keys.length === 0) return prefix(ctor, tag, 'Object') + '{}';
        braces[0] = prefix(ctor, tag, 'Object') + '{';
      }
    }
    if (recurseTimes > ctx.depth) {
      var name = prefix(ctor, tag, Array.isArray(value) ? 'Array' : 'Object').slice(0, -1);
      return '[' + (ctor === null ? name : name.replace(/\(\d+\)$/, '')) + ']';
    }
    recurseTimes += 1;
    ctx.seen.push(value);
    ctx.currentDepth = recurseTimes;
    var output = formatter(ctx, value, recurseTimes);
    for (var i = 0; i < keys.length; i++) output.push(formatProperty(ctx, value, recurseTimes, keys[i], extras));
    ctx.seen.pop();
    if (ctx.circular !== null && ctx.circular.has(value)) {
      var ref = '<ref *' + ctx.circular.get(value) + '>';
      if (base === '') braces[0] = ref + ' ' + braces[0];
      else base = ref + ' ' + base;
    }
    return reduceToSingleString(ctx, output, base, braces, extras, recurseTimes, value);
  }

  function formatObjectEntries() { return []; }

  function formatArray(ctx, value, recurseTimes) {
    var output = [];
    var len = value.length;
    var shown = Math.min(len, ctx.maxArrayLength);
    var i = 0;
    while (i < shown) {
      if (!Object.prototype.hasOwnProperty.call(value, i)) {
        var holes = 0;
        while (i < len && !Object.prototype.hasOwnProperty.call(value, i)) { holes++; i++; }
        output.push('<' + holes + ' empty item' + (holes > 1 ? 's' : '') + '>');
        continue;
      }
      output.push(formatProperty(ctx, value, recurseTimes, i, ARRAY));
      i++;
    }
    var remaining = len - i;
    if (remaining > 0) output.push('... ' + remaining + ' more item' + (remaining > 1 ? 's' : ''));
    return output;
  }

  function formatSet(ctx, value, recurseTimes) {
    var output = [];
    ctx.indentationLvl += 2;
    value.forEach(function (v) { output.push(formatValue(ctx, v, recurseTimes)); });
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatMap(ctx, value, recurseTimes) {
    var output = [];
    ctx.indentationLvl += 2;
    value.forEach(function (v, k) { output.push(formatValue(ctx, k, recurseTimes) + ' => ' + formatValue(ctx, v, recurseTimes)); });
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatProperty(ctx, value, recurseTimes, key, extras) {
    var desc = Object.getOwnPropertyDescriptor(value, key) || { value: value[key], enumerable: true };
    var str;
    if (desc.value !== undefined) {
      ctx.indentationLvl += 2;
      str = formatValue(ctx, desc.value, recurseTimes);
      ctx.indentationLvl -= 2;
    } else if (desc.get !== undefined) {
      str = desc.set !== undefined ? '[Getter/Setter]' : '[Getter]';
    } else if (desc.set !== undefined) {
      str = '[Setter]';
    } else {
      str = 'undefined';
    }
    if (extras === ARRAY && typeof key === 'number') return str;
    var name;
    if (typeof key === 'symbol') name = '[' + key.toString() + ']';
    else if (IDENT.test(key)) name = key;
    else name = quote(key);
    return name + ': ' + str;
  }

  // ------------------------------------------------------------------ layout
  function isBelowBreakLength(ctx, output, start, base) {
    var total = output.length + start;
    if (total + output.length > ctx.breakLength) return false;
    for (var i = 0; i < output.length; i++) {
      total += output[i].length;
      if (total > ctx.breakLength) return false;
    }
    return base === '' || base.indexOf('\n') < 0;
  }

  function reduceToSingleString(ctx, output, base, braces, extras, recurseTimes, value) {
    if (ctx.compact !== true) {
      if (typeof ctx.compact === 'number' && ctx.compact >= 1) {
        var entries = output.length;
        if (extras === ARRAY && entries > 6) output = groupArrayElements(ctx, output, value);
        if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
          var start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
          if (isBelowBreakLength(ctx, output, start, base)) {
            var joined = output.join(', ');
            if (joined.indexOf('\n') < 0) return (base ? base + ' ' : '') + braces[0] + ' ' + joined + ' ' + braces[1];
          }
        }
      }
      var indent = '\n' + ' '.repeat(ctx.indentationLvl);
      return (base ? base + ' ' : '') + braces[0] + indent + '  ' + output.join(',' + indent + '  ') + indent + braces[1];
    }
    if (isBelowBreakLength(ctx, output, 0, base)) {
      return braces[0] + (base ? ' ' + base : '') + ' ' + output.join(', ') + ' ' + braces[1];
    }
    var ind = ' '.repeat(ctx.indentationLvl);
    return (base ? base + ' ' : '') + braces[0] + '\n' + ind + '  ' + output.join(',\n' + ind + '  ') + '\n' + ind + braces[1];
  }

  // Many short array entries are set out in columns, as Node does: about as many rows as
  // the entries' width allows for a square-ish block, numbers right-aligned.
  function groupArrayElements(ctx, output, value) {
    var count = output.length;
    if (ctx.maxArrayLength < output.length) count--;   // leave "... n more items" alone
    var sep = 2, total = 0, widest = 0, widths = [];
    for (var i = 0; i < count; i++) {
      widths[i] = output[i].length;
      total += widths[i] + sep;
      if (widest < widths[i]) widest = widths[i];
    }
    var cell = widest + sep;
    if (cell * 3 + ctx.indentationLvl >= ctx.breakLength || !(total / cell > 5 || widest <= 6)) return output;
    var bias = Math.sqrt(cell - total / output.length);
    var biased = Math.max(cell - 3 - bias, 1);
    var columns = Math.min(Math.round(Math.sqrt(2.5 * biased * count) / biased),
      Math.floor((ctx.breakLength - ctx.indentationLvl) / cell), ctx.compact * 4, 15);
    if (columns <= 1) return output;
    var colWidth = [];
    for (var c = 0; c < columns; c++) {
      var w = 0;
      for (var j = c; j < output.length; j += columns) if (widths[j] > w) w = widths[j];
      colWidth.push(w + sep);
    }
    var numeric = value !== undefined;
    if (numeric) {
      for (var k = 0; k < output.length; k++) {
        if (typeof value[k] !== 'number' && typeof value[k] !== 'bigint') { numeric = false; break; }
      }
    }
    var rows = [];
    for (var r = 0; r < count; r += columns) {
      var last = Math.min(r + columns, count);
      var line = '';
      var e = r;
      for (; e < last - 1; e++) {
        line += numeric ? (output[e] + ', ').padStart(colWidth[e - r]) : (output[e] + ', ').padEnd(colWidth[e - r]);
      }
      line += numeric ? output[e].padStart(colWidth[e - r] - sep) : output[e];
      rows.push(line);
    }
    if (ctx.maxArrayLength < output.length) rows.push(output[count]);
    return rows;
  }

  inspect.custom = customSymbol;
  inspect.defaultOptions = { depth: 2, breakLength: 80, compact: 3, maxArrayLength: 100 };
  module.exports = {
    inspect: inspect,
    // The sandbox's line layout, so stack frames can name the rule line (node_globals.js).
    configure: function (options) { if (options && options.lineBlock) config.lineBlock = options.lineBlock; }
  };
})

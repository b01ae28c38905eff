(function makeRequire(host, registry, options) {
  // Builds the `require` function rules see.
  //
  // Resolution of a rule's require(spec), in order:
  //   1. modules the caller supplied (exact `name@version` key first, then the bare name);
  //   2. rulesim's built-in implementations (network modules talk to `host`);
  //   3. real pure-JS npm packages shipped in `registry.packages`, run by a CommonJS loader.
  // Anything else throws an Error whose `code` is 'module_not_allowed', like Auth0's allow-list.
  //
  // Modules are cached between logins, as Node caches them in a warm webtask container, until
  // the sandbox resets its world (a chunk starts, or Limits.global_reset): then the modules
  // the set-up did not load leave the cache, so the next require() runs them afresh, as a
  // recycled container does. What their closures kept (moment.locale()) goes with them; the
  // sandbox's world restore takes care of the keys of `cache` and of the modules set-up
  // loaded (rulesim/runtime/js/prelude/50-pollution.js).
  // options.control is the prelude's, never a rule's: makeRequire gives it reset() (forget
  // the fast path of require() and the legacy globals' loaded modules, after the world
  // restore), and calls its loaded(module, id) when a module has finished loading.
  'use strict';

  options = options || {};
  // What every module factory may read about the emulated runtime (its 5th argument).
  var RUNTIME = Object.freeze({ nodeVersion: options.legacyGlobals ? 'v12.22.12' : 'v18.20.4' });
  var builtins = registry.builtins || {};
  var supplied = registry.supplied || {};
  var packages = registry.packages || {};
  var cache = Object.create(null);
  var warnings = [];
  // Each package file compiled once, to the function that runs it: a module that leaves the
  // cache at a reset runs again from it, without being parsed again (lodash: about 15 ms to
  // compile, under 2 ms to run).
  var compiledFiles = Object.create(null);
  var defineOwn = Object.defineProperty;   // (taken before a rule could replace it)
  // control.loaded(module, id), when the prelude gives it: a module finished loading.
  var onLoaded = options.control && typeof options.control.loaded === 'function' ? options.control.loaded : null;
  var epoch = 0;   // resets so far (the legacy globals' loaded modules are of one epoch)

  // Node core names: inside a package they win over same-named packages, as in Node.
  var CORE = ['buffer', 'crypto', 'events', 'process', 'querystring', 'url', 'util'];

  // Tables that live in Python (rulesim.runtime.modules.module_tables), handed over with the
  // registry: the real npm packages rulesim runs as real code (with a known-good version for
  // install hints), the bare globals of legacy (Node <= 12) runtimes, and the module spec
  // pattern 'name[@version][/subpath]' (groups: name, version, subpath).
  var tables = registry.tables || {};
  var REAL_PACKAGES = tables.realPackages || {};
  var LEGACY_GLOBALS = tables.legacyGlobals || {};
  var SPEC_RE = new RegExp('^' + tables.specPattern + '$');

  // 'name', 'name@1.2.3', '@scope/name@1.2.3', 'name/sub/path', 'node:crypto'.
  function parseSpec(spec) {
    if (typeof spec !== 'string' || spec === '') {
      var e = new TypeError('The "id" argument must be a non-empty string. Received ' +
        (typeof spec === 'string' ? "''" : String(spec)));
      e.code = 'ERR_INVALID_ARG_VALUE';
      throw e;
    }
    var s = spec.indexOf('node:') === 0 ? spec.slice(5) : spec;
    var m = SPEC_RE.exec(s);
    if (!m) return null;
    return { spec: spec, name: m[1], version: m[2] || null, subpath: m[3] || null };
  }

  function notAvailable(spec, parsed, from) {
    var name = parsed ? parsed.name : spec;
    var msg;
    if (parsed && Object.prototype.hasOwnProperty.call(REAL_PACKAGES, name)) {
      var pin = name + '@' + (parsed.version || REAL_PACKAGES[name]);
      msg = 'module `' + spec + '` is not installed in the rulesim modules folder. ' +
        'Install it with: rulesim modules install ' + pin;
    } else {
      msg = 'module `' + spec + '` is not available in the rulesim sandbox (Auth0 allowed it, ' +
        'but rulesim has no implementation). Supply a fake: simulate(..., modules={"' + spec +
        '": "<JS source or path>"})';
    }
    if (from) msg += ' (required from ' + from + ')';
    var err = new Error(msg);
    err.code = options.moduleNotAllowed || 'module_not_allowed';  // ErrorCode, from the sandbox
    err.module = spec;
    return err;
  }

  function has(obj, key) {
    return Object.prototype.hasOwnProperty.call(obj, key);
  }

  // --- factories (supplied fakes and built-ins) ---------------------------------------------

  function loadFactory(kind, key, factory, req) {
    var id = kind + ':' + key;
    var cached = cache[id];
    if (cached) return cached.exports;
    if (typeof factory === 'string') factory = compileSupplied(key, factory);
    var module = newModule(id, id);
    cache[id] = module;
    try {
      factory.call(module.exports, module, module.exports, req, host, RUNTIME);
    } catch (e) {
      delete cache[id];
      throw e;
    }
    module.loaded = true;
    if (onLoaded !== null) onLoaded(module, id);
    return module.exports;
  }

  // A supplied fake arrives as source text and is compiled when a rule first requires it, so
  // a fake that does not compile fails that rule with a message naming the module. It is
  // either one function expression, the factory `function (module, exports, require, host)`,
  // or a CommonJS module body (which may itself begin with a function declaration).
  var compiledFakes = Object.create(null);
  function compileSupplied(key, source) {
    if (compiledFakes[key]) return compiledFakes[key];
    var text = source.trim().replace(/;+\s*$/, '');
    var factory = null;
    if (/^\(?\s*(?:async\s+)?function\b/.test(text) && /\}\s*\)?$/.test(text)) {
      try {
        factory = (0, eval)('(' + text + '\n)');
      } catch (e) {
        factory = null; // not one expression: a module body
      }
      if (typeof factory !== 'function') factory = null;
    }
    if (factory === null) {
      try {
        factory = (0, eval)('(function (module, exports, require, host) {\n' + source + '\n})');
      } catch (e) {
        var at = /<input>:(\d+)/.exec(String(e && e.stack));
        var err = new Error('module `' + key + '` (a fake supplied in modules=) does not compile: ' +
          (e && e.name ? e.name + ': ' : '') + (e && e.message) + (at ? ' (line ' + (at[1] - 1) + ' of the fake)' : ''));
        err.code = 'module_not_compiled';
        err.module = key;
        throw err;
      }
    }
    compiledFakes[key] = factory;
    return factory;
  }

  function findSupplied(p) {
    var keys = [p.spec];
    if (p.spec.indexOf('node:') === 0) keys.push(p.spec.slice(5));
    var full = p.name + (p.subpath ? '/' + p.subpath : '');
    if (p.version) keys.push(p.name + '@' + p.version + (p.subpath ? '/' + p.subpath : ''));
    keys.push(full);
    for (var i = 0; i < keys.length; i++) {
      if (has(supplied, keys[i])) return keys[i];
    }
    // A fake supplied as 'name@1.2.3' also answers a bare require('name').
    if (!p.subpath) {
      for (var k in supplied) {
        if (has(supplied, k)) {
          var q = parseSpec(k);
          if (q && q.name === p.name && !q.subpath) return k;
        }
      }
    }
    return null;
  }

  // `internal/...` built-ins serve other built-ins only; rules cannot require them (as in Node).
  function isInternal(key) { return key.indexOf('internal/') === 0; }

  function findBuiltin(p) {
    if (p.subpath) {
      var full = p.name + '/' + p.subpath;
      return has(builtins, full) ? full : null;
    }
    return has(builtins, p.name) ? p.name : null;
  }

  // --- the CommonJS loader for real npm packages ---------------------------------------------

  function newModule(id, filename) {
    return {
      id: id,
      filename: filename,
      exports: {},
      loaded: false,
      children: [],
      paths: []
    };
  }

  function normalize(parts) {
    var out = [];
    for (var i = 0; i < parts.length; i++) {
      var seg = parts[i];
      if (seg === '' || seg === '.') continue;
      if (seg === '..') {
        if (!out.length) return null; // escapes the package root
        out.pop();
      } else {
        out.push(seg);
      }
    }
    return out.join('/');
  }

  function dirOf(path) {
    var i = path.lastIndexOf('/');
    return i < 0 ? '' : path.slice(0, i);
  }

  // Node's file resolution: exact, .js, .json, then a folder's package.json main or index.
  function resolveFile(pkg, path) {
    var files = pkg.files;
    if (path !== '' && has(files, path)) return path;
    var candidates = [path + '.js', path + '.json'];
    for (var i = 0; i < candidates.length; i++) {
      if (has(files, candidates[i])) return candidates[i];
    }
    var prefix = path === '' ? '' : path + '/';
    if (has(files, prefix + 'package.json')) {
      var main = null;
      try {
        main = JSON.parse(files[prefix + 'package.json']).main;
      } catch (e) {
        main = null;
      }
      if (main && prefix !== '') {
        var viaMain = normalize((prefix + main).split('/'));
        if (viaMain !== null && viaMain !== path) {
          var hit = resolveFile(pkg, viaMain);
          if (hit) return hit;
        }
      }
    }
    if (has(files, prefix + 'index.js')) return prefix + 'index.js';
    if (has(files, prefix + 'index.json')) return prefix + 'index.json';
    return null;
  }

  function packageEntry(pkgName, pkg, subpath) {
    var path = subpath ? normalize(subpath.split('/')) : normalize(String(pkg.main || 'index.js').split('/'));
    var file = path === null ? null : resolveFile(pkg, path);
    if (!file && !subpath) file = resolveFile(pkg, 'index');
    return file;
  }

  function loadPackageFile(pkgName, file, parent) {
    var id = '/node_modules/' + pkgName + '/' + file;
    var cached = cache[id];
    if (cached) return cached.exports; // also the partial exports of a circular require
    var pkg = packages[pkgName];
    var source = pkg.files[file];
    var module = newModule(id, id);
    module.parent = parent || null;
    if (parent) parent.children.push(module);
    cache[id] = module;
    try {
      if (/\.json$/.test(file)) {
        module.exports = JSON.parse(source);
      } else {
        var localRequire = makePackageRequire(pkgName, dirOf(file), module);
        module.require = localRequire;
        // Indirect eval: global scope, sloppy mode, as Node's module wrapper.
        var wrapper = compiledFiles[id];
        if (wrapper === undefined) {
          wrapper = compiledFiles[id] = (0, eval)(
            '(function (exports, require, module, __filename, __dirname) {\n' + source + '\n})'
          );
        }
        wrapper.call(module.exports, module.exports, localRequire, module, id,
          '/node_modules/' + pkgName + (dirOf(file) ? '/' + dirOf(file) : ''));
      }
    } catch (e) {
      delete cache[id];
      throw e;
    }
    module.loaded = true;
    if (onLoaded !== null) onLoaded(module, id);
    return module.exports;
  }

  function loadPackage(p, parent) {
    var pkg = packages[p.name];
    if (p.version && pkg.version && p.version !== pkg.version) {
      if (options.strictVersions) {
        var err = notAvailable(p.spec, p, null);
        err.message = 'module `' + p.spec + '` is pinned to ' + p.version + ' but the modules ' +
          'folder has ' + p.name + '@' + pkg.version + '. Install it with: rulesim modules install ' +
          p.name + '@' + p.version;
        throw err;
      }
      var note = 'require(\'' + p.spec + '\') loaded the installed ' + p.name + '@' + pkg.version;
      if (warnings.indexOf(note) < 0) warnings.push(note);
    }
    var file = packageEntry(p.name, pkg, p.subpath);
    if (!file) throw notAvailable(p.spec, p, null);
    return loadPackageFile(p.name, file, parent);
  }

  // `require` as seen from inside a package file.
  function makePackageRequire(pkgName, dir, parentModule) {
    function packageRequire(spec) {
      if (typeof spec === 'string' && (spec.charAt(0) === '.' || spec.charAt(0) === '/')) {
        var joined = spec.charAt(0) === '/' ? spec : (dir ? dir + '/' : '') + spec;
        var path = normalize(joined.split('/'));
        var file = path === null ? null : resolveFile(packages[pkgName], path);
        if (!file) {
          var err = new Error("Cannot find module '" + spec + "' (from " + pkgName + '/' +
            (dir ? dir + '/' : '') + ')');
          err.code = 'MODULE_NOT_FOUND';
          throw err;
        }
        return loadPackageFile(pkgName, file, parentModule);
      }
      var p = parseSpec(spec);
      if (!p) throw notAvailable(spec, null, pkgName);
      if (CORE.indexOf(p.name) >= 0 && !p.subpath && has(builtins, p.name)) {
        return loadFactory('builtin', p.name, builtins[p.name], builtinRequire);
      }
      if (has(packages, p.name)) return loadPackage(p, parentModule);
      return resolveTopLevel(p, pkgName);
    }
    packageRequire.resolve = function (spec) { return spec; };
    packageRequire.cache = cache;
    return packageRequire;
  }

  // --- top-level resolution -----------------------------------------------------------------

  function resolveTopLevel(p, from) {
    var key = findSupplied(p);
    if (key !== null) return loadFactory('supplied', key, supplied[key], require);
    key = findBuiltin(p);
    if (key !== null && !isInternal(key)) return loadFactory('builtin', key, builtins[key], builtinRequire);
    if (has(packages, p.name)) return loadPackage(p, null);
    throw notAvailable(p.spec, p, from);
  }

  // Top-level specs already loaded, to their exports: rules call require() on every login.
  var loaded = Object.create(null);

  function require(spec) {
    if (typeof spec === 'string') {
      var hit = loaded[spec];
      if (hit !== undefined) return hit;
    }
    var p = parseSpec(spec);
    if (!p) throw notAvailable(String(spec), null, null);
    var exports = resolveTopLevel(p, null);
    if (typeof spec === 'string' && exports !== undefined) loaded[spec] = exports;
    return exports;
  }

  // Built-ins require their siblings first, so a supplied fake `crypto` does not leak into them.
  function builtinRequire(spec) {
    var p = parseSpec(spec);
    if (p) {
      var key = findBuiltin(p);
      if (key !== null) return loadFactory('builtin', key, builtins[key], builtinRequire);
    }
    return require(spec);
  }

  // True when require(spec) would find something (without running it).
  function canResolve(spec) {
    var p = parseSpec(spec);
    if (!p) return false;
    var builtin = findBuiltin(p);
    return findSupplied(p) !== null || (builtin !== null && !isInternal(builtin)) || has(packages, p.name);
  }

  // Defines the legacy bare globals (`_`, `jwt`, ...) on `target` as lazy getters, for the ones
  // that can be resolved. Returns the names defined.
  function defineLegacyGlobals(target) {
    var defined = [];
    Object.keys(LEGACY_GLOBALS).forEach(function (name) {
      var spec = LEGACY_GLOBALS[name];
      if (!canResolve(spec) || Object.prototype.hasOwnProperty.call(target, name)) return;
      // The module loaded in this epoch (none: -1). A value a rule assigns becomes a data
      // property of the global object, which the world restore puts back to this accessor.
      var value, loadedAt = -1;
      Object.defineProperty(target, name, {
        configurable: true,
        enumerable: false,
        get: function () {
          if (loadedAt !== epoch) {
            value = require(spec);
            loadedAt = epoch;
          }
          return value;
        },
        set: function (v) {
          defineOwn(target, name, { value: v, writable: true, enumerable: false, configurable: true });
        }
      });
      defined.push(name);
    });
    return defined;
  }

  // A built-in module by name, never a supplied fake (the prelude's console uses `util`).
  function builtin(name) {
    if (!has(builtins, name)) return null;
    return loadFactory('builtin', name, builtins[name], builtinRequire);
  }

  // Defines the globals Node gives every script that QuickJS lacks (URL, URLSearchParams,
  // TextEncoder, TextDecoder, process, atob, btoa, structuredClone, queueMicrotask, the ES2022
  // methods) and Node's wording of JSON.parse errors: see modules/node_globals.js.
  function defineNodeGlobals(target, sandbox) {
    var install = builtin('internal/globals');
    return install ? install(target, builtin, sandbox || {}) : [];
  }

  require.parseSpec = parseSpec;
  require.builtin = builtin;
  require.defineNodeGlobals = defineNodeGlobals;
  require.runtime = RUNTIME;
  require.canResolve = canResolve;
  require.cache = cache;
  require.warnings = warnings;
  require.resolve = function (spec) {
    if (!canResolve(spec)) throw notAvailable(spec, parseSpec(spec), null);
    return spec;
  };
  require.legacyGlobals = LEGACY_GLOBALS;
  require.defineLegacyGlobals = defineLegacyGlobals;
  require.realPackages = REAL_PACKAGES;
  if (options.control) {
    options.control.reset = function () {
      loaded = Object.create(null);
      epoch++;
    };
  }
  if (options.legacyGlobals && options.globalObject) {
    defineLegacyGlobals(options.globalObject);
  }
  return require;
})

  // ---------------------------------------------------------------- configuration, auth0, global
  var configuration = JSON.parse(CONFIG_JSON);
  G.configuration = Object.freeze(configuration);
  function promiseMgmt(op, args) {
    return new Promise(function (resolve, reject) {
      hostCall('mgmt', { op: op, args: args }, function (err, res) { if (err) reject(err); else resolve(res); });
    });
  }
  function metadataUpdater(op) {
    return function (userId, metadata) {
      var data;
      try { data = metadata === undefined ? {} : jsonParse(jsonStringify(metadata)); } catch (e) { return Promise.reject(e); }
      return promiseMgmt(op, { id: stringOf(userId), data: data }).then(function () { return undefined; });
    };
  }
  G.auth0 = Object.freeze({
    users: Object.freeze({
      updateAppMetadata: metadataUpdater('updateAppMetadata'),
      updateUserMetadata: metadataUpdater('updateUserMetadata'),
    }),
    accessToken: OPTIONS.managementToken,
    domain: OPTIONS.domain,
    baseUrl: 'https://' + OPTIONS.domain + '/api/v2',
  });
  G.global = {};

  // ---------------------------------------------------------------- exactness bookkeeping
  // For paired runs (see exportState): the objects begin() parsed are plain data by
  // construction; only a defineProperty-family call can give one an accessor or hide a key,
  // so those calls raise a per-login flag (the functions are wrapped in 50-pollution.js).
  var trackPristine = false;
  var pristine = null;           // Set of the objects parsed by begin (paired runs only)
  var exotic = false;            // a defineProperty-family call happened during this login
  function addPristine(v) {
    if (v === null || typeof v !== 'object' || pristine.has(v)) return;
    pristine.add(v);
    if (isArray(v)) { for (var i = 0; i < v.length; i++) addPristine(v[i]); return; }
    for (var k in v) addPristine(v[k]);
  }

  // ---------------------------------------------------------------- require and Buffer
  // requireControl.reset(): the modules loaded since set-up are forgotten (after the world
  // restore took them out of require.cache): see require.js.
  // requireControl.loaded(module, id): a module finished loading (50-pollution.js notes
  // the ones loaded after set-up: lateModule).
  var requireControl = { __proto__: null, reset: function () {}, loaded: function (module, id) { lateModule(module, id); } };
  var requireFn = makeRequire ? makeRequire(host, REGISTRY, { legacyGlobals: !!OPTIONS.legacyGlobals, moduleNotAllowed: CODE.MODULE_NOT_ALLOWED, control: requireControl }) : null;
  var requireCache = requireFn ? requireFn.cache : null;   // (50-pollution.js: a load is no change)
  if (requireFn) {
    G.require = requireFn;
    try { G.Buffer = requireFn('buffer').Buffer; } catch (e) { /* no buffer module */ }
    if (OPTIONS.legacyGlobals && requireFn.defineLegacyGlobals) requireFn.defineLegacyGlobals(G);
  } else {
    G.require = function require(name) {
      var e = new Error('module `' + name + '` is not available in the rulesim sandbox');
      e.code = CODE.MODULE_NOT_ALLOWED;
      throw e;
    };
  }


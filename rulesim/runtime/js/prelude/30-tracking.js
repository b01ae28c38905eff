  // ---------------------------------------------------------------- change tracking
  // Writes to the watched parts go through proxies. A write to a top-level key of a
  // plain-object part (a claim in context.idToken, a key of user.app_metadata) marks that key
  // and keeps its JSON as it was before the rule's first write to it; at the rule's end only
  // the marked keys are serialised and diffed. A write inside a nested object, or replacing
  // a whole part (context.idToken = {...}), keeps the part's JSON instead. An unchanged login
  // costs no serialisation at all, and a rule that adds one claim costs one small stringify.
  var PART_TARGETS = ['user', 'app_metadata', 'user_metadata', 'id_token', 'access_token', 'multifactor', 'redirect', 'saml', 'primary_user'];
  var CTX_PARTS = { idToken: 3, accessToken: 4, multifactor: 5, redirect: 6, samlConfiguration: 7, primaryUser: 8 };
  var USER_PARTS = { app_metadata: 1, user_metadata: 2 };
  var CTX_PART_KEYS = objectKeys(CTX_PARTS), USER_PART_KEYS = objectKeys(USER_PARTS);
  // Per-login maps (not WeakMaps: QuickJS cannot collect a WeakMap entry whose value refers to
  // its key, so proxies would leak across logins). Both are emptied when the login ends.
  var MapCtor = Map;
  var rawOf = new MapCtor();      // proxy -> raw
  var proxyOf = new MapCtor();    // raw -> {part, top, proxy}
  var isEnumerable = Object.prototype.propertyIsEnumerable;
  var ABSENT = {};                // marker: the key was not in the part's JSON before the write

  function snapshot(value) { return value === undefined ? undefined : jsonStringify(unwrap(value)); }
  // The JSON of raw[k] as it appears inside raw's JSON (undefined when JSON leaves it out).
  // (propertyIsEnumerable is true of own properties only.)
  function keyJson(raw, k) {
    if (!isEnumerable.call(raw, k)) return undefined;
    var v = raw[k];
    if (v === true) return 'true';
    if (v === false) return 'false';
    return v !== null && typeof v === 'object' ? jsonStringify(unwrap(v)) : v === undefined ? undefined : jsonStringify(v);
  }
  function markPart(part) {
    S.marked = true;
    var dirty = S.dirty !== null ? S.dirty : (S.dirty = []);
    if (part in dirty) return;
    var kd = KEYED[part];
    if (kd.on) {
      kd.on = false;
      dirty[part] = keyedBefore(kd);
      return;
    }
    dirty[part] = snapshot(S.partValue(part));
  }
  // Per part: the running rule's marked top-level keys and their JSON before the first write
  // (arrays: a rule marks one or two keys). `order` is the part's key order before the rule,
  // taken only when a top-level key is deleted (otherwise the current order is the same).
  // One record a part, reused rule after rule (`on`: marked by the running rule; keyedOn
  // lists the parts turned on): QuickJS allocates objects and arrays far more slowly than it
  // refills them, and most rules that write mark a part or two.
  var KEYED = [null], keyedOn = [];
  for (var kp = 1; kp < PART_TARGETS.length; kp++) KEYED.push({ on: false, raw: null, order: null, keys: [], before: [] });
  function markKey(part, k, deleting) {
    if (typeof k !== 'string') return;            // symbol keys never reach the JSON
    S.marked = true;
    if (S.dirty !== null && part in S.dirty) return;
    var kd = KEYED[part];
    if (!kd.on) {
      var raw = S.partValue(part);
      if (!isPlain(raw)) { markPart(part); return; }
      kd.on = true;
      kd.raw = raw;
      kd.order = null;
      kd.keys.length = 0;
      kd.before.length = 0;
      keyedOn.push(part);
    }
    if (deleting && kd.order === null) kd.order = objectKeys(kd.raw);
    if (kd.keys.indexOf(k) < 0) {
      var b = keyJson(kd.raw, k);
      kd.keys.push(k);
      kd.before.push(b === undefined ? ABSENT : b);
    }
  }
  // Turn every part's record off (the end of a collection, or of a login).
  function releaseKeyed() {
    for (var i = 0; i < keyedOn.length; i++) {
      var kd = KEYED[keyedOn[i]];
      kd.on = false;
      kd.raw = null;
      kd.order = null;
    }
    keyedOn.length = 0;
  }
  function beforeOf(kd, k) {
    var i = kd.keys.indexOf(k);
    return i < 0 ? undefined : kd.before[i];
  }
  // The part's JSON before the rule's writes, rebuilt from the marked keys' old values.
  function keyedBefore(kd) {
    var obj = {};
    var order = kd.order !== null ? kd.order : objectKeys(kd.raw);
    for (var i = 0; i < order.length; i++) {
      var k = order[i], b = beforeOf(kd, k);
      if (b === undefined) putKey(obj, k, unwrap(kd.raw[k]));
      else if (b !== ABSENT) putKey(obj, k, jsonParse(b));
    }
    return jsonStringify(obj);
  }
  // Whether the marked keys are already in the part's order (the order the rows are written
  // in): nothing was deleted, no key is an array index (those sort first), and at most one key
  // existed before, so the new keys follow each other in the order they were first written.
  function markedInOrder(kd) {
    var existed = 0, keys = kd.keys;
    for (var i = 0; i < keys.length; i++) {
      var c = keys[i].charCodeAt(0);
      if (c >= 48 && c <= 57) return false;
      if (kd.before[i] !== ABSENT && ++existed > 1) return false;
    }
    return true;
  }
  function diffKeyed(out, rule, target, kd) {
    var raw = kd.raw, i, k, b, a;
    if (kd.keys.length === 1 && kd.order === null) {
      // One marked key (the common case): the rows the loops below write for it.
      k = kd.keys[0];
      b = kd.before[0];
      a = keyJson(raw, k);
      if (b === ABSENT) { if (a !== undefined) out.push(rule, target, keyPath(k), 'add', null, a); }
      else if (a === undefined) out.push(rule, target, keyPath(k), 'remove', b, null);
      else if (a !== b) {
        if (b.charCodeAt(0) === 123 && a.charCodeAt(0) === 123) diffInto(out, rule, target, keyPath(k), jsonParse(b), jsonParse(a));
        else out.push(rule, target, keyPath(k), 'replace', b, a);
      }
      return;
    }
    if (kd.keys.length > 1 && kd.order === null && markedInOrder(kd)) {
      // The same rows as below, read from the marked keys alone (no scan of every key).
      var marked = kd.keys, before = kd.before;
      for (i = 0; i < marked.length; i++) {
        b = before[i];
        if (b === ABSENT) continue;
        k = marked[i];
        a = keyJson(raw, k);
        if (a === undefined) {
          // Below, a key that is no longer enumerable is not among the keys scanned.
          if (isEnumerable.call(raw, k)) out.push(rule, target, keyPath(k), 'remove', b, null);
        } else if (a !== b) {
          if (b.charCodeAt(0) === 123 && a.charCodeAt(0) === 123) diffInto(out, rule, target, keyPath(k), jsonParse(b), jsonParse(a));
          else out.push(rule, target, keyPath(k), 'replace', b, a);
        }
      }
      for (i = 0; i < marked.length; i++) {
        if (before[i] !== ABSENT) continue;
        k = marked[i];
        a = keyJson(raw, k);
        if (a !== undefined) out.push(rule, target, keyPath(k), 'add', null, a);
      }
      return;
    }
    var keys = kd.keys.length === 1 ? kd.keys : objectKeys(raw);
    var order = kd.order !== null ? kd.order : keys;
    for (i = 0; i < order.length; i++) {
      k = order[i];
      b = beforeOf(kd, k);
      if (b === undefined || b === ABSENT) continue;
      a = keyJson(raw, k);
      if (a === undefined) out.push(rule, target, keyPath(k), 'remove', b, null);
      else if (a !== b) {
        if (b.charCodeAt(0) === 123 && a.charCodeAt(0) === 123) diffInto(out, rule, target, keyPath(k), jsonParse(b), jsonParse(a));
        else out.push(rule, target, keyPath(k), 'replace', b, a);
      }
    }
    for (i = 0; i < keys.length; i++) {
      k = keys[i];
      if (beforeOf(kd, k) !== ABSENT) continue;
      a = keyJson(raw, k);
      if (a !== undefined) out.push(rule, target, keyPath(k), 'add', null, a);
    }
  }
  var keyPaths = new MapCtor();   // top-level key -> its JSON path (claim names repeat)
  function keyPath(k) {
    var path = keyPaths.get(k);
    if (path === undefined) {
      path = childPath('', k);
      if (keyPaths.size >= 4096) keyPaths.clear();
      keyPaths.set(k, path);
    }
    return path;
  }
  // Every handler has no prototype (`__proto__: null`): a trap it lacks would otherwise be
  // looked up on Object.prototype, where a rule may put a function named `get` or `has` (a
  // lodash-like helper), which would then see, and answer, every later read of the login.
  // A write to a top-level key of a part marks that key. A write inside an object (nested
  // under a key) marks the whole part: the object may hang under other keys too, and the
  // whole-part diff records every key it changed. (Each handler has the trap of its kind:
  // a write is the hot path, and a call saved there is saved for every claim a rule adds.)
  function partHandler(part, top) {
    // top: the part's top-level key this proxy's object hangs under (undefined: the part).
    if (top === undefined) {
      return {
        __proto__: null,
        get: function (t, k, r) {
          var v = reflectGet(t, k, r);
          return (v !== null && typeof v === 'object') ? wrapDeep(v, part, k) : v;
        },
        set: function (t, k, v) {
          markKey(part, k, false);
          return reflectSet(t, k, v !== null && typeof v === 'object' ? unwrap(v) : v);
        },
        deleteProperty: function (t, k) { markKey(part, k, true); return reflectDeleteProperty(t, k); },
        defineProperty: function (t, k, d) { exotic = true; markKey(part, k, false); return reflectDefineProperty(t, k, d); },
      };
    }
    return {
      __proto__: null,
      get: function (t, k, r) {
        var v = reflectGet(t, k, r);
        return (v !== null && typeof v === 'object') ? wrapDeep(v, part, top) : v;
      },
      set: function (t, k, v) {
        markPart(part);
        return reflectSet(t, k, v !== null && typeof v === 'object' ? unwrap(v) : v);
      },
      deleteProperty: function (t, k) { markPart(part); return reflectDeleteProperty(t, k); },
      defineProperty: function (t, k, d) { exotic = true; markPart(part); return reflectDefineProperty(t, k, d); },
    };
  }
  var partHandlers = [], nestedHandlers = [];
  for (var hp = 0; hp < PART_TARGETS.length; hp++) { partHandlers.push(partHandler(hp, undefined)); nestedHandlers.push(new MapCtor()); }
  function handlerFor(part, top) {
    if (top === undefined) return partHandlers[part];
    var cache = nestedHandlers[part], h = cache.get(top);
    if (h === undefined) {
      if (cache.size >= 512) cache.clear();
      h = partHandler(part, top);
      cache.set(top, h);
    }
    return h;
  }
  function unwrap(v) { if (v !== null && typeof v === 'object') { var raw = rawOf.get(v); if (raw) return raw; } return v; }
  function wrapDeep(raw, part, top) {
    // (A proxy is never a key of proxyOf: only a miss there can be one of ours.)
    var cache = proxyOf.get(raw);
    if (cache !== undefined) { if (cache.part === part && cache.top === top) return cache.proxy; }
    else if (rawOf.has(raw)) return raw;
    return wrapNew(raw, part, top);
  }
  function wrapNew(raw, part, top) {
    var p = new ProxyCtor(raw, handlerFor(part, top));
    rawOf.set(p, raw);
    proxyOf.set(raw, { part: part, top: top, proxy: p });
    return p;
  }
  // user and context proxies have no get trap (reads are the hot path); the watched
  // sub-objects are stored in the raw objects already wrapped, so reading them is free.
  function stored(parts, k, v) {
    var part = parts[k];
    v = unwrap(v);
    return (part !== undefined && v !== null && typeof v === 'object') ? wrapDeep(v, part) : v;
  }
  // wrapParts(raw, parts, keys, fresh): keys = objectKeys(parts), taken once (a for-in costs
  // an iterator a login). fresh: raw was just parsed (a login's JSON is a tree: none of its
  // objects is a proxy or wrapped yet, so nothing needs looking up).
  function wrapParts(raw, parts, keys, fresh) {
    for (var i = 0; i < keys.length; i++) {
      var k = keys[i], v = raw[k];
      if (v !== null && typeof v === 'object') raw[k] = fresh ? wrapNew(v, parts[k], undefined) : wrapDeep(unwrap(v), parts[k]);
    }
  }
  // Writing a key the value it holds (`user.app_metadata = user.app_metadata || {}`, an idiom
  // of real rules) changes nothing, so it marks nothing: the part keeps its cheaper per-key
  // tracking. Only a writable own data property counts (an accessor's setter may do anything;
  // its descriptor has no own `writable`, and one on Object.prototype is a rule's).
  var ownDescriptor = Object.getOwnPropertyDescriptor, WRITABLE = ['writable'];
  function holds(t, k, v) {
    var d = ownDescriptor(t, k);
    return d !== undefined && reflectApply(hasOwn, d, WRITABLE) && d.value === v && d.writable === true;
  }
  var userHandler = {
    __proto__: null,
    set: function (t, k, v) {
      var sv = stored(USER_PARTS, k, v);
      if (!holds(t, k, sv)) touchUser(t, k);
      return reflectSet(t, k, sv);
    },
    deleteProperty: function (t, k) { touchUser(t, k); return reflectDeleteProperty(t, k); },
    defineProperty: function (t, k, d) { exotic = true; touchUser(t, k); return reflectDefineProperty(t, k, d); },
  };
  function touchUser(t, k) {
    var part = USER_PARTS[k];
    if (part !== undefined) { markPart(part); return; }
    if (typeof k !== 'string') return;
    S.marked = true;
    var touched = S.userTouched !== null ? S.userTouched : (S.userTouched = {});
    if (!hasOwn.call(touched, k)) touched[k] = hasOwn.call(t, k) ? snapshot(t[k]) : undefined;
  }
  var contextHandler = {
    __proto__: null,
    set: function (t, k, v) {
      var part = CTX_PARTS[k], sv = stored(CTX_PARTS, k, v);
      if (part !== undefined && !holds(t, k, sv)) markPart(part);
      return reflectSet(t, k, sv);
    },
    deleteProperty: function (t, k) { var part = CTX_PARTS[k]; if (part !== undefined) markPart(part); return reflectDeleteProperty(t, k); },
  };

  var IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
  function childPath(path, key) {
    var seg = IDENT.test(key) ? key : '[' + jsonStringify(key) + ']';
    if (path === '') return seg;
    return seg.charAt(0) === '[' ? path + seg : path + '.' + seg;
  }
  function isPlain(v) { return v !== null && typeof v === 'object' && !isArray(v); }
  function diffInto(out, rule, target, path, before, after) {
    if (isPlain(before) && isPlain(after)) {
      var k;
      for (k in before) if (hasOwn.call(before, k)) {
        if (!hasOwn.call(after, k)) out.push(rule, target, childPath(path, k), 'remove', jsonStringify(before[k]), null);
        else diffInto(out, rule, target, childPath(path, k), before[k], after[k]);
      }
      for (k in after) if (hasOwn.call(after, k) && !hasOwn.call(before, k)) {
        out.push(rule, target, childPath(path, k), 'add', null, jsonStringify(after[k]));
      }
      return;
    }
    var b = jsonStringify(before), a = jsonStringify(after);
    if (b === a) return;
    if (b === undefined) out.push(rule, target, path, 'add', null, a);
    else if (a === undefined) out.push(rule, target, path, 'remove', b, null);
    else out.push(rule, target, path, 'replace', b, a);
  }
  // S.changes holds a login's change rows flat, CHANGE_WIDTH fields a row (one push a row, no
  // array): rule (active index), target, path, op, before, after (JSON text, null for none).
  var CHANGE_WIDTH = 6;
  function normalise(json) { return json === undefined ? undefined : jsonParse(json); }
  // collectChanges(rule): the change rows of the rule that ends, appended to S.changes; their
  // count. The proxies' (collectProxied), or the C tracker's (collectTracked) when it is in use.
  // S.marked: a write barrier fired since the last collection (most rules write nothing).
  function collectProxied(rule) {
    if (S.bare) return 0;
    if (!S.marked) return 0;
    S.marked = false;
    var n = S.changes.length;
    collectUser(rule);
    var dirty = S.dirty;
    if (dirty === null) {
      if (keyedOn.length === 0) return (S.changes.length - n) / CHANGE_WIDTH;
      // One part marked key by key (most rules that write): no walk over every part.
      if (keyedOn.length === 1) {
        collectPart(rule, keyedOn[0], null);
        releaseKeyed();
        return (S.changes.length - n) / CHANGE_WIDTH;
      }
    }
    for (var p = 1; p < PART_TARGETS.length; p++) if (KEYED[p].on || (dirty !== null && p in dirty)) collectPart(rule, p, dirty);
    S.dirty = null;
    releaseKeyed();
    return (S.changes.length - n) / CHANGE_WIDTH;
  }
  // The rows of the user's own keys the rule wrote (touchUser), in the order it wrote them.
  function collectUser(rule) {
    var touched = S.userTouched;
    if (touched === null) return;
    for (var k in touched) {
      var cur = hasOwn.call(S.userRaw, k) ? snapshot(S.userRaw[k]) : undefined;
      if (cur !== touched[k]) diffInto(S.changes, rule, 'user', k, normalise(touched[k]), normalise(cur));
    }
    S.userTouched = null;
  }
  // The change rows of part p for the rule that ends: from its JSON before the rule (dirty)
  // or from the keys it marked (nothing when neither).
  function collectPart(rule, p, dirty) {
    var old;
    if (dirty !== null && p in dirty) old = dirty[p];
    else {
      var kd = KEYED[p];
      if (!kd.on) return;
      if (S.partValue(p) === kd.raw) { diffKeyed(S.changes, rule, PART_TARGETS[p], kd); return; }
      old = keyedBefore(kd);   // the part was swapped without a trap (callback with new objects)
    }
    wholeRows(rule, p, old, snapshot(S.partValue(p)));
  }
  // The rows of part p between its JSON before (old) and now: the whole part diffed.
  function wholeRows(rule, p, old, now) {
    if (now !== old) diffInto(S.changes, rule, PART_TARGETS[p], '', normalise(old), normalise(now));
  }


  // ---------------------------------------------------------------- the change tracker in C
  // With rulesim/runtime/_tracker.c the rules get the login's raw objects: the context as it
  // is, the user behind a proxy that sees only writes to its own keys (touchUser: rows in the
  // order the rule wrote them). The parts are compared with a snapshot after each rule
  // (collectTracked), which costs no trap on any read or write. The snapshot lives in ctMem
  // and the references it holds in ctHold, both out of the rules' reach. Without the
  // extension, or when its check of the engine's object layout fails, the proxies above.
  var CT = null, collectChanges = collectProxied;
  var ctMem = null, ctHold = null, ctOn = false;
  var ctJson = [];   // part -> its JSON, for the parts the tracker leaves opaque (compared here)
  if (NATIVE.trackCheck && OPTIONS.trackerBytes > 0) {
    ctMem = new ArrayBuffer(OPTIONS.trackerBytes);
    ctHold = [];
    for (var hs = 0; hs < 8192; hs++) ctHold.push(undefined);
    var ctSamples = [jsonParse('{"a":1,"b":"x","c":[1,2],"d":{"e":true}}'), new ErrorCtor('x'), new RealDate(0), new ArrayBuffer(8), '\u0101x'];
    if (NATIVE.trackCheck(ctMem, ctHold, ctSamples) === 1) {
      CT = { begin: NATIVE.trackBegin, collect: NATIVE.trackCollect, end: NATIVE.trackEnd };
      collectChanges = collectTracked;
      fastJson = NATIVE.json || null;   // (00-core.js)
      parseInPlace = 1;
    }
  }
  function isUserPart(k) { return k === 'app_metadata' || k === 'user_metadata'; }
  var userWrites = {
    __proto__: null,
    set: function (t, k, v) {
      if (!isUserPart(k) && !holds(t, k, v)) touchUser(t, k);
      return reflectSet(t, k, v);
    },
    deleteProperty: function (t, k) { if (!isUserPart(k)) touchUser(t, k); return reflectDeleteProperty(t, k); },
    defineProperty: function (t, k, d) { exotic = true; if (!isUserPart(k)) touchUser(t, k); return reflectDefineProperty(t, k, d); },
  };
  // The login's snapshot, once S.userRaw and S.contextRaw are the rules' (beginLogin, beginFrom).
  function trackBegin() {
    if (CT === null || S.bare) return;
    var mask = CT.begin(ctMem, ctHold, S.userRaw, S.contextRaw);
    ctOn = mask >= 0;
    if (mask > 0) keepJson(mask);
  }
  // trackerInUse(): 1 when the change tracker in C records this sandbox's changes, 0 when
  // the proxies do (no extension, RULESIM_TRACKER=proxies, or its layout check refused).
  function trackerInUse() { return CT !== null ? 1 : 0; }
  function trackEnd() {
    if (!ctOn) return;
    ctOn = false;
    CT.end(ctMem, ctHold);
  }
  function keepJson(mask) {
    for (var p = 1; p < PART_TARGETS.length; p++) if (mask & (1 << p)) ctJson[p] = snapshot(S.partValue(p));
  }
  // What the tracker writes in the rows it appends to S.changes itself (keys only added, a
  // part that was absent: rowsAdded's and wholeRows' rows): the op, then each part's target.
  var CT_ROW_WORDS = ['add'].concat(PART_TARGETS.slice(1));
  function collectTracked(rule) {
    if (S.bare) return 0;
    var n = S.changes.length;
    if (S.marked) { S.marked = false; collectUser(rule); }
    if (ctOn) {
      var r = CT.collect(ctMem, ctHold, S.userRaw, S.contextRaw, JSON_PROTOS, S.changes, rule, CT_ROW_WORDS);
      if (r !== undefined) trackedRows(rule, r);
    }
    return (S.changes.length - n) / CHANGE_WIDTH;
  }
  // r: [parts opaque before, parts opaque now, then per changed part the tracker did not
  // write the rows of itself (those come first: it writes none after a part left here), in
  // part order:
  // p, 0 (keys only added), n, then n pairs (path, JSON), or (key, null) for a row to write
  // here | p, 1 (keys changed), [old keys], [their values], [their enumerability], [keys
  // added] | p, 2 (replaced), the value before].
  function trackedRows(rule, r) {
    var before = r[0], now = r[1], i = 2, out = S.changes;
    for (var p = 1; p < PART_TARGETS.length; p++) {
      var target = PART_TARGETS[p];
      if (before & (1 << p)) {
        var json = snapshot(S.partValue(p));
        wholeRows(rule, p, ctJson[p], json);
        ctJson[p] = json;
        continue;
      }
      if (i >= r.length || r[i] !== p) continue;
      var kind = r[i + 1];
      if (kind === 0) { i = rowsAdded(out, rule, target, p, r, i + 2); }
      else if (kind === 1) { keyedRows(out, rule, target, S.partValue(p), r[i + 2], r[i + 3], r[i + 4], r[i + 5]); i += 6; }
      else { wholeRows(rule, p, snapshot(r[i + 2]), snapshot(S.partValue(p))); i += 3; }
    }
    if (now & ~before) keepJson(now & ~before);
  }
  // The rows of keys only added, as the tracker wrote them (r[at] pairs from r[at + 1]): where
  // it left a JSON null, the key's row is written here. The index after them.
  function rowsAdded(out, rule, target, p, r, at) {
    var n = r[at], end = at + 1 + 2 * n;
    for (var i = at + 1; i < end; i += 2) {
      var json = r[i + 1];
      if (json !== null) { out.push(rule, target, r[i], 'add', null, json); continue; }
      var k = r[i], a = keyJson(S.partValue(p), k);
      if (a !== undefined) out.push(rule, target, keyPath(k), 'add', null, a);
    }
    return end;
  }
  // The add rows of keys (in order) the rule added to raw.
  function addedRows(out, rule, target, raw, keys) {
    for (var i = 0; i < keys.length; i++) {
      var k = keys[i];
      if (typeof k !== 'string') continue;
      var a = keyJson(raw, k);
      if (a !== undefined) out.push(rule, target, keyPath(k), 'add', null, a);
    }
  }
  function valueJson(v) {
    if (v === true) return 'true';
    if (v === false) return 'false';
    return v === undefined ? undefined : jsonStringify(v);
  }
  // The rows diffKeyed writes, from the tracker's account: the keys that changed (their values
  // before, their enumerability before, in their order before) and the keys added (in their
  // order now).
  function keyedRows(out, rule, target, raw, keys, values, enumerable, added) {
    var i, k, b, a, absent = null;
    for (i = 0; i < keys.length; i++) {
      k = keys[i];
      if (typeof k !== 'string') continue;
      b = enumerable[i] ? valueJson(values[i]) : undefined;
      if (b === undefined) { (absent || (absent = [])).push(k); continue; }
      a = keyJson(raw, k);
      if (a === undefined) out.push(rule, target, keyPath(k), 'remove', b, null);
      else if (a !== b) {
        if (b.charCodeAt(0) === 123 && a.charCodeAt(0) === 123) diffInto(out, rule, target, keyPath(k), jsonParse(b), jsonParse(a));
        else out.push(rule, target, keyPath(k), 'replace', b, a);
      }
    }
    if (absent === null) { addedRows(out, rule, target, raw, added); return; }
    var order = objectKeys(raw);
    for (i = 0; i < order.length; i++) {
      k = order[i];
      if (absent.indexOf(k) < 0 && added.indexOf(k) < 0) continue;
      a = keyJson(raw, k);
      if (a !== undefined) out.push(rule, target, keyPath(k), 'add', null, a);
    }
  }

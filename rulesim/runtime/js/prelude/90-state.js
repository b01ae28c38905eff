  // ---------------------------------------------------------------- shared-prefix snapshots
  // compare() runs the rules both sides share once: exportState() writes the login's state
  // between two rules as JSON, and beginFrom() in the other side's sandbox continues from it.
  // The export is refused ('') unless the copy is exact: no host work, timers or prototype
  // pollution outstanding, and only values JSON round-trips (plain extensible objects and
  // arrays of data properties, strings, booleans, null, finite numbers other than -0).
  // Objects reachable twice (a claim that is the same array as user.app_metadata.roles) keep
  // their identity: the second path is recorded and re-linked on import.
  var ObjectProto = Object.prototype, ArrayProto = Array.prototype;
  var getProto = Object.getPrototypeOf, ownKeys = Reflect.ownKeys, getDesc = Object.getOwnPropertyDescriptor;
  var isExtensible = Object.isExtensible;
  function putKey(obj, k, v) {
    if (k === '__proto__') Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
    else obj[k] = v;
  }
  function exactCopy(value, path, seen, refs) {
    // Returns the copy, or NOT_EXACT.
    if (value === null) return null;
    var t = typeof value;
    if (t === 'string' || t === 'boolean') return value;
    if (t === 'number') return (isFinite(value) && !(value === 0 && 1 / value < 0)) ? value : NOT_EXACT;
    if (t !== 'object') return NOT_EXACT;
    var raw = unwrap(value);
    var first = seen.get(raw);
    if (first !== undefined) { refs.push([path.slice(), first]); return null; }
    seen.set(raw, path.slice());
    if (!isExtensible(raw)) return NOT_EXACT;
    var proto = getProto(raw), keys = ownKeys(raw), out, i, d, c;
    if (isArray(raw)) {
      if (proto !== ArrayProto || keys.length !== raw.length + 1) return NOT_EXACT;
      out = [];
      for (i = 0; i < raw.length; i++) {
        d = getDesc(raw, i);
        if (!d || !('value' in d) || !d.writable || !d.enumerable || !d.configurable) return NOT_EXACT;
        path.push(i);
        c = exactCopy(d.value, path, seen, refs);
        path.pop();
        if (c === NOT_EXACT) return NOT_EXACT;
        out.push(c);
      }
      return out;
    }
    if (proto !== ObjectProto) return NOT_EXACT;
    out = {};
    for (i = 0; i < keys.length; i++) {
      var k = keys[i];
      if (typeof k !== 'string') return NOT_EXACT;
      d = getDesc(raw, k);
      if (!('value' in d) || !d.writable || !d.enumerable || !d.configurable) return NOT_EXACT;
      path.push(k);
      c = exactCopy(d.value, path, seen, refs);
      path.pop();
      if (c === NOT_EXACT) return NOT_EXACT;
      putKey(out, k, c);
    }
    return out;
  }
  var NOT_EXACT = {};
  // Whether object v itself (not what it holds) is plain data: extensible, a plain object or
  // array, only enumerable writable data properties with string keys. Objects begin() parsed
  // skip the descriptor reads unless a defineProperty-family call ran during this login.
  function objectOk(v) {
    if (!isExtensible(v)) return false;
    var arr = isArray(v), keys = ownKeys(v), i;
    if (getProto(v) !== (arr ? ArrayProto : ObjectProto)) return false;
    if (arr && keys.length !== v.length + 1) return false;      // holes or extra keys
    if (exotic || pristine === null || !pristine.has(v)) {
      for (i = 0; i < keys.length; i++) {
        var k = keys[i];
        if (typeof k !== 'string') return false;
        if (arr && k === 'length') continue;
        var d = getDesc(v, k);
        if (!('value' in d) || !d.writable || !d.configurable || !d.enumerable) return false;
      }
    } else if (!arr) {
      var n = 0;
      for (var kk in v) n++;
      if (n !== keys.length) return false;                      // a hidden or symbol key
    }
    return true;
  }
  // The fast exactness test: true when JSON carries v exactly, given the objects reachable
  // twice that it lists in refs ([holder, key, object]: re-linked on import). A cycle, or
  // anything objectOk refuses, sends the export to the slow path (exactCopy).
  function plainData(v, parent, key, seen, onPath, refs) {
    if (v === null) return true;
    var t = typeof v;
    if (t === 'string' || t === 'boolean') return true;
    if (t === 'number') return isFinite(v) && !(v === 0 && 1 / v < 0);
    if (t !== 'object') return false;
    v = unwrap(v);
    if (seen.has(v)) {
      if (onPath.has(v)) return false;             // a cycle: JSON cannot even write it
      refs.push([parent, key, v]);
      return true;
    }
    seen.set(v, [parent, key]);
    if (!objectOk(v)) return false;
    onPath.add(v);
    var i;
    if (isArray(v)) {
      for (i = 0; i < v.length; i++) if (!plainData(v[i], v, i, seen, onPath, refs)) return false;
    } else {
      for (var k in v) if (!plainData(v[k], v, k, seen, onPath, refs)) return false;
    }
    onPath.delete(v);
    return true;
  }
  function pathOf(obj, seen) {
    var path = [];
    for (var link = seen.get(obj); link !== undefined && link[0] !== null; link = seen.get(link[0])) path.unshift(link[1]);
    return path;
  }
  // A shallow copy with the watched parts unwrapped, so JSON never goes through a proxy
  // (null when the object itself is not plain data).
  function unwrapped(raw) {
    if (!objectOk(raw)) return null;
    var out = {};
    for (var k in raw) putKey(out, k, unwrap(raw[k]));
    return out;
  }
  // {tree, refs} for JSON, or null. `aliases` maps objects the tree stands in for (the raw
  // user and context behind their copies) to their paths.
  function exactTree(root, aliases) {
    var seen = new MapCtor(), found = [], refs = [], i;
    for (i = 0; i < aliases.length; i++) seen.set(aliases[i][0], [root, aliases[i][1]]);
    if (plainData(root, null, null, seen, new SetCtor(), found)) {
      for (i = 0; i < found.length; i++) {
        refs.push([pathOf(found[i][0], seen).concat([found[i][1]]), pathOf(found[i][2], seen)]);
      }
      return { tree: root, refs: refs };
    }
    var slowSeen = new MapCtor();
    for (i = 0; i < aliases.length; i++) slowSeen.set(aliases[i][0], [aliases[i][1]]);
    var tree = exactCopy(root, [], slowSeen, refs);
    return tree === NOT_EXACT ? null : { tree: tree, refs: refs };
  }
  function setPaired(on) { trackPristine = !!on; pristine = null; }
  var RUN_FIELDS = ['outcome', 'code', 'message', 'line', 'calls', 'done', 'started', 'nChanges', 'flags', 'errName'];
  function packRun(run) {
    var out = [];
    for (var i = 0; i < RUN_FIELDS.length; i++) out.push(run[RUN_FIELDS[i]]);
    return out;
  }
  function unpackRun(values) {
    var run = freshRun({});
    for (var i = 0; i < RUN_FIELDS.length; i++) run[RUN_FIELDS[i]] = values[i];
    return run;
  }
  function exportState() {
    if (!S || S.ended || outbox.length || timers.length || objectKeys(pendingOps).length) return '';
    if (looksPolluted()) return '';
    var user = unwrapped(S.userRaw), context = unwrapped(S.contextRaw);
    if (user === null || context === null) return '';
    var copy = exactTree({ user: user, context: context }, [[S.userRaw, 'user'], [S.contextRaw, 'context']]);
    if (copy === null) return '';
    var tree = copy.tree, refs = copy.refs;
    return jsonStringify({
      tree: tree, refs: refs, clock: clock.now, origin: clock.origin, rng: [rs0, rs1, rs2, rs3],
      timerSeq: timerSeq, opSeq: opSeq, runs: S.runs.slice(0, S.current + 1).map(packRun), changes: S.changes, logs: S.logs,
      consoleBytes: S.consoleBytes, consoleOverflow: S.consoleOverflow, hostCalls: S.hostCalls, failed: S.failed, current: S.current,
      protocol: S.protocol,
    });
  }
  function atPath(root, path) {
    var v = root;
    for (var i = 0; i < path.length; i++) v = v[path[i]];
    return v;
  }
  function relink(tree, refs) {
    for (var r = 0; r < refs.length; r++) {
      var where = refs[r][0];
      var holder = atPath(tree, where.slice(0, -1));
      putKey(holder, where[where.length - 1], atPath(tree, refs[r][1]));
    }
    return tree;
  }
  // exportGlobal() / importGlobal(json): `global` as exact JSON ('' when it cannot be
  // copied exactly), so the other side of a paired run can be brought in step.
  function exportGlobal() {
    var copy = exactTree(G.global, []);
    return copy === null ? '' : jsonStringify(copy);
  }
  function importGlobal(json) {
    var st = jsonParse(json);
    G.global = relink(st.tree, st.refs);
  }
  // beginFrom(stateJson): start a login from another sandbox's exportState().
  function beginFrom(stateJson) {
    var st = jsonParse(stateJson);
    var tree = relink(st.tree, st.refs);
    clock.now = st.clock;
    clock.origin = st.origin;
    rs0 = st.rng[0]; rs1 = st.rng[1]; rs2 = st.rng[2]; rs3 = st.rng[3];
    timerSeq = st.timerSeq;
    opSeq = st.opSeq;
    S = newLoginState(st.current, st.failed, st.changes, st.logs, st.consoleBytes, st.consoleOverflow, false);
    S.protocol = st.protocol;
    S.hostCalls = st.hostCalls;
    adoptUser(tree.user);
    adoptContext(tree.context);
    trackBegin();
    for (var i = 0; i < st.runs.length; i++) S.runs.push(unpackRun(st.runs[i]));
    return clock.now;
  }

  // The benchmark floor: the same rule functions on the same JSON input, no recording.

(function makeActionsCache(U) {
  // api.cache (contract section 6): a key/value store per flow (cache_mode per-execution) or
  // per worker, with Auth0's limits and result codes. The store and the settings come with the
  // flow (flow.cacheStore, flow.options); every write is also an api command (rec).
  //
  // cacheApi(flow, i, rec, L) -> the api.cache of Action i; L: the limits (api.js CACHE).
  'use strict';

  return function cacheApi(flow, i, rec, L) {
    var O = flow.options, store = flow.cacheStore;
    function now() { return flow.host.now(); }
    function live(key) {
      var e = store.get(key);
      if (e && e.expires_at <= now()) { store.delete(key); e = undefined; }
      return e;
    }
    function sizeWith(key, value) {
      var total = 0, n = 0;
      store.forEach(function (e, k) { if (k !== key && e.expires_at > now()) { total += U.bytes(k) + U.bytes(e.value); n++; } });
      return { bytes: total + U.bytes(key) + U.bytes(value), entries: n + 1 };
    }
    function err(code) { return { type: 'error', code: code }; }
    return {
      get: function get(key) {
        var e = live(String(key));
        if (e && O.cacheFlakiness > 0 && flow.host.random() < O.cacheFlakiness) { store.delete(String(key)); e = undefined; }
        return e ? { value: e.value, expires_at: e.expires_at } : undefined;
      },
      set: function set(key, value, options) {
        options = options || {};
        if (++flow.cacheSideEffects > L.sideEffects) return err('MaxSideEffectsExceeded');
        if (typeof key !== 'string' || typeof value !== 'string') return err('FailedToSetCacheRecord');
        if (U.over(key, L.keyBytes)) return err('CacheKeySizeExceeded');
        if (U.over(value, L.valueBytes)) return err('CacheValueSizeExceeded');
        var t = now(), expires = t + L.ttl;
        if (options.ttl !== undefined) {
          if (typeof options.ttl !== 'number' || !(options.ttl > 0) || options.ttl > L.maxTtl) return err('InvalidExpiry');
          expires = t + options.ttl;
        }
        if (options.expires_at !== undefined) {
          if (typeof options.expires_at !== 'number' || !isFinite(options.expires_at)) return err('InvalidExpiry');
          if (options.expires_at <= t) return err('ItemAlreadyExpired');
          if (options.expires_at > t + L.maxTtl) return err('InvalidExpiry');
          if (options.ttl === undefined || options.expires_at < expires) expires = options.expires_at;
        }
        var size = sizeWith(key, value);
        if (size.entries > L.entries || size.bytes > L.totalBytes) return err('CacheSizeExceeded');
        var record = { value: value, expires_at: expires };
        if (rec('cache.set', [key, value, { expires_at: expires }])) {
          store.set(key, record);
          flow.pending.cacheWrites.push(['set', key, i]);
        }
        return { type: 'success', record: { value: value, expires_at: expires } };
      },
      delete: function delete_(key) {
        if (++flow.cacheSideEffects > L.sideEffects) return err('MaxSideEffectsExceeded');
        key = String(key);
        var e = live(key);
        if (!e) return err('CacheKeyDoesNotExist');
        if (rec('cache.delete', [key])) {
          store.delete(key);
          flow.pending.cacheWrites.push(['delete', key, i]);
        }
        return { type: 'success', record: { value: e.value, expires_at: e.expires_at } };
      },
    };
  }
})

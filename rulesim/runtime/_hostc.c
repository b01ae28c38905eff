/*
 * rulesim.runtime._hostc: the native host functions compiled, installed straight into a
 * QuickJS context as C functions.
 *
 * rulesim/runtime/native.py defines the table (digest, hmacKey, hmac, hmacUnkeyed, pbkdf2,
 * clockUs) and implements it in Python; this module implements the same functions in C, so
 * a rule's hash or HMAC never leaves the engine's thread for the Python interpreter (no GIL,
 * no conversion of the arguments into Python objects). Each function takes and returns
 * strings and numbers only, never throws into JavaScript (a bad argument answers the
 * failure value: '' or -1), and takes no path, command, URL or object. The one exception
 * the engine itself raises, out of memory under the sandbox's limit, propagates as it does
 * from any built-in.
 *
 * The engine's functions come from the `quickjs` binding's own library (_quickjs_abi.h).
 *
 * Messages cross as in native.py: 'utf8' text is the JavaScript string itself (here any
 * string: a NUL is a byte, a lone surrogate becomes U+FFFD as Node's UTF-8 encoder makes
 * it); 'bytes' text carries one byte a character, as the code point minus one (1-256).
 * Hashes are OpenSSL's.
 *
 * Two more functions have no Python twin: digestNew and digestMethod make crypto's Hash and
 * Hmac objects engine objects with C state (see "digest objects" below). They take the
 * crypto module's prototypes and helper, so they stay in its closure like every function
 * here; the methods they make are what a rule calls, as Node's Hash methods are native.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OPENSSL_SUPPRESS_DEPRECATED   /* the one-struct hash contexts: copyable, no allocation */
#include <openssl/evp.h>
#include <openssl/md5.h>
#include <openssl/sha.h>

#include "_quickjs_abi.h"

/* ------------------------------------------------------------------ messages */

typedef struct {
    const unsigned char *data;
    size_t len;
    unsigned char *copy;      /* data, when it is a rewritten copy (malloc) */
    const char *text;         /* the engine's C string, when data points into it */
    JSContext *ctx;
} Bytes;

static void bytes_free(Bytes *b) {
    free(b->copy);
    if (b->text != NULL) E.FreeCString(b->ctx, b->text);
    b->data = NULL;
    b->copy = NULL;
    b->text = NULL;
}

/* A string argument's bytes in `encoding` (0 utf8, 1 bytes). Returns 1, 0 for a bad
   argument, -1 when the engine is out of memory (its exception is pending). */
static int message_arg(JSContext *ctx, int argc, JSValue *argv, int i, int encoding, Bytes *out) {
    out->data = NULL;
    out->len = 0;
    out->copy = NULL;
    out->text = NULL;
    out->ctx = ctx;
    if (i >= argc || argv[i].tag != TAG_STRING) return 0;
    size_t n;
    const char *s = E.ToCStringLen2(ctx, &n, argv[i], 0);
    if (s == NULL) return -1;
    const unsigned char *p = (const unsigned char *)s;
    out->text = s;
    if (encoding == 0) {
        /* The engine writes a lone surrogate in its 3-byte form (ED A0-BF xx); Node's UTF-8
           encoder writes U+FFFD (EF BF BD) instead, also 3 bytes. */
        size_t k;
        for (k = 0; k + 2 < n; k++)
            if (p[k] == 0xED && p[k + 1] >= 0xA0) break;
        out->len = n;
        if (k + 2 >= n) {
            out->data = p;
            return 1;
        }
        out->copy = malloc(n);
        if (out->copy == NULL) {
            bytes_free(out);
            return 0;
        }
        memcpy(out->copy, p, n);
        for (; k + 2 < n; k++)
            if (out->copy[k] == 0xED && out->copy[k + 1] >= 0xA0) {
                out->copy[k] = 0xEF;
                out->copy[k + 1] = 0xBF;
                out->copy[k + 2] = 0xBD;
                k += 2;
            }
        out->data = out->copy;
        return 1;
    }
    /* One character a byte: code points 1-256 (one or two UTF-8 bytes) are bytes 0-255. */
    out->copy = malloc(n ? n : 1);
    if (out->copy == NULL) {
        bytes_free(out);
        return 0;
    }
    size_t m = 0;
    for (size_t k = 0; k < n;) {
        unsigned c = p[k];
        if (c >= 1 && c < 0x80) {
            out->copy[m++] = (unsigned char)(c - 1);
            k += 1;
            continue;
        }
        unsigned cp = 0;
        if ((c & 0xE0) == 0xC0 && k + 1 < n && (p[k + 1] & 0xC0) == 0x80)
            cp = ((c & 0x1Fu) << 6) | (p[k + 1] & 0x3Fu);
        if (cp < 0x80 || cp > 256) {
            bytes_free(out);
            return 0;
        }
        out->copy[m++] = (unsigned char)(cp - 1);
        k += 2;
    }
    out->data = out->copy;
    out->len = m;
    return 1;
}

/* ------------------------------------------------------------------ hashes */

enum { MD5_, SHA1_, SHA224_, SHA256_, SHA384_, SHA512_, N_ALGS };
static const char *const ALG_NAMES[N_ALGS] = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512"};
static const int DIGEST_SIZE[N_ALGS] = {16, 20, 28, 32, 48, 64};
static const int BLOCK_SIZE[N_ALGS] = {64, 64, 64, 64, 128, 128};

typedef union {
    MD5_CTX md5;
    SHA_CTX sha1;
    SHA256_CTX sha256;
    SHA512_CTX sha512;
} HashState;

static void hash_init(int alg, HashState *h) {
    switch (alg) {
    case MD5_: MD5_Init(&h->md5); break;
    case SHA1_: SHA1_Init(&h->sha1); break;
    case SHA224_: SHA224_Init(&h->sha256); break;
    case SHA256_: SHA256_Init(&h->sha256); break;
    case SHA384_: SHA384_Init(&h->sha512); break;
    default: SHA512_Init(&h->sha512); break;
    }
}

static void hash_update(int alg, HashState *h, const unsigned char *data, size_t n) {
    switch (alg) {
    case MD5_: MD5_Update(&h->md5, data, n); break;
    case SHA1_: SHA1_Update(&h->sha1, data, n); break;
    case SHA224_: SHA224_Update(&h->sha256, data, n); break;
    case SHA256_: SHA256_Update(&h->sha256, data, n); break;
    case SHA384_: SHA384_Update(&h->sha512, data, n); break;
    default: SHA512_Update(&h->sha512, data, n); break;
    }
}

static void hash_final(int alg, HashState *h, unsigned char *md) {
    switch (alg) {
    case MD5_: MD5_Final(md, &h->md5); break;
    case SHA1_: SHA1_Final(md, &h->sha1); break;
    case SHA224_: SHA224_Final(md, &h->sha256); break;
    case SHA256_: SHA256_Final(md, &h->sha256); break;
    case SHA384_: SHA384_Final(md, &h->sha512); break;
    default: SHA512_Final(md, &h->sha512); break;
    }
}

static int alg_arg(JSContext *ctx, int argc, JSValue *argv, int i) {
    if (i >= argc || argv[i].tag != TAG_STRING) return -1;
    size_t n;
    const char *s = E.ToCStringLen2(ctx, &n, argv[i], 0);
    if (s == NULL) return -2;
    int found = -1;
    for (int a = 0; a < N_ALGS; a++)
        if (strlen(ALG_NAMES[a]) == n && memcmp(ALG_NAMES[a], s, n) == 0) found = a;
    E.FreeCString(ctx, s);
    return found;
}

/* 0 utf8, 1 bytes, -1 anything else (-2: out of memory). */
static int encoding_arg(JSContext *ctx, int argc, JSValue *argv, int i) {
    if (i >= argc || argv[i].tag != TAG_STRING) return -1;
    size_t n;
    const char *s = E.ToCStringLen2(ctx, &n, argv[i], 0);
    if (s == NULL) return -2;
    int enc = (n == 4 && memcmp(s, "utf8", 4) == 0) ? 0 : (n == 5 && memcmp(s, "bytes", 5) == 0) ? 1 : -1;
    E.FreeCString(ctx, s);
    return enc;
}

/* 0 hex, 1 base64, 2 base64url, -1 anything else (-2: out of memory). */
static int output_arg(JSContext *ctx, int argc, JSValue *argv, int i) {
    if (i >= argc || argv[i].tag != TAG_STRING) return -1;
    size_t n;
    const char *s = E.ToCStringLen2(ctx, &n, argv[i], 0);
    if (s == NULL) return -2;
    int out = (n == 3 && memcmp(s, "hex", 3) == 0)         ? 0
              : (n == 6 && memcmp(s, "base64", 6) == 0)    ? 1
              : (n == 9 && memcmp(s, "base64url", 9) == 0) ? 2
                                                           : -1;
    E.FreeCString(ctx, s);
    return out;
}

static const char HEX[] = "0123456789abcdef";
static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The digest `md` (n bytes, at most 64) as output code `out` says, as a JavaScript string. */
static JSValue encoded(JSContext *ctx, const unsigned char *md, int n, int out) {
    char text[132];
    size_t k = 0;
    if (out == 0) {
        for (int i = 0; i < n; i++) {
            text[k++] = HEX[md[i] >> 4];
            text[k++] = HEX[md[i] & 15];
        }
    } else {
        const char *abc = out == 1 ? B64 : B64URL;
        int i;
        for (i = 0; i + 2 < n; i += 3) {
            uint32_t w = ((uint32_t)md[i] << 16) | ((uint32_t)md[i + 1] << 8) | md[i + 2];
            text[k++] = abc[w >> 18];
            text[k++] = abc[(w >> 12) & 63];
            text[k++] = abc[(w >> 6) & 63];
            text[k++] = abc[w & 63];
        }
        if (i < n) {
            uint32_t w = (uint32_t)md[i] << 16;
            if (i + 1 < n) w |= (uint32_t)md[i + 1] << 8;
            text[k++] = abc[w >> 18];
            text[k++] = abc[(w >> 12) & 63];
            if (i + 1 < n) text[k++] = abc[(w >> 6) & 63];
            else if (out == 1) text[k++] = '=';
            if (out == 1) text[k++] = '=';
        }
    }
    return E.NewStringLen(ctx, text, k);
}

/* digest(code, data): 8 × algorithm + 4 for 'bytes' data + output code (native.code_of). */
static JSValue js_digest(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    int64_t code;
    if (!int_arg(argc, argv, 0, &code) || code < 0) return empty_string(ctx);
    int alg = (int)(code >> 3), out = (int)(code & 3);
    if (alg >= N_ALGS || out == 3) return empty_string(ctx);
    Bytes msg;
    int got = message_arg(ctx, argc, argv, 1, (code & 4) ? 1 : 0, &msg);
    if (got < 0) return value_of_tag(TAG_EXCEPTION);
    if (got == 0) return empty_string(ctx);
    HashState h;
    unsigned char md[64];
    hash_init(alg, &h);
    hash_update(alg, &h, msg.data, msg.len);
    hash_final(alg, &h, md);
    bytes_free(&msg);
    return encoded(ctx, md, DIGEST_SIZE[alg], out);
}

/* ------------------------------------------------------------------ HMAC */

/* A key's padded hash states (RFC 2104), computed once per key (hmacKey) and kept for the
   life of the process under a handle: 8 × its index. Entries are written once, under the
   lock, before their handle is published, and never change: readers need no lock (engine
   calls release the GIL, so two threads may run two sandboxes at once). */
#define MAX_KEYS 4096
typedef struct {
    int alg;
    HashState inner, outer;
    unsigned char ident[32];   /* SHA-256 of algorithm, encoding and key: the table's key */
    /* The text index's (text_key): the key's UTF-8 bytes and their hash, once indexed. */
    unsigned char *text;
    size_t text_len;
    uint64_t text_hash;
} Keyed;
static Keyed *keyed[MAX_KEYS];
static int n_keyed = 0;
#define SLOTS 8192               /* open addressing over `ident`, index + 1 (0: free) */
static int slots[SLOTS];
static pthread_mutex_t keys_lock = PTHREAD_MUTEX_INITIALIZER;

static void pads(int alg, const unsigned char *key, size_t n, HashState *inner, HashState *outer) {
    unsigned char block[128], hashed[64];
    int bs = BLOCK_SIZE[alg];
    if (n > (size_t)bs) {
        HashState h;
        hash_init(alg, &h);
        hash_update(alg, &h, key, n);
        hash_final(alg, &h, hashed);
        key = hashed;
        n = (size_t)DIGEST_SIZE[alg];
    }
    memset(block, 0, sizeof block);
    memcpy(block, key, n);
    for (int i = 0; i < bs; i++) block[i] ^= 0x36;
    hash_init(alg, inner);
    hash_update(alg, inner, block, (size_t)bs);
    for (int i = 0; i < bs; i++) block[i] ^= 0x36 ^ 0x5C;
    hash_init(alg, outer);
    hash_update(alg, outer, block, (size_t)bs);
}

static JSValue sign(JSContext *ctx, int alg, const HashState *inner, const HashState *outer,
                    const Bytes *msg, int out) {
    HashState h = *inner;
    unsigned char md[64];
    hash_update(alg, &h, msg->data, msg->len);
    hash_final(alg, &h, md);
    h = *outer;
    hash_update(alg, &h, md, (size_t)DIGEST_SIZE[alg]);
    hash_final(alg, &h, md);
    return encoded(ctx, md, DIGEST_SIZE[alg], out);
}

/* The handle of the key `key` (n bytes) for `alg`, its bytes given in encoding `enc` (0 utf8,
   1 bytes: the ident tells the two apart, as native.py's table does), registered if new; -1
   when the table is full. */
static int key_handle(int alg, int enc, const unsigned char *key, size_t n) {
    unsigned char ident[32];
    SHA256_CTX c;
    unsigned char head[2] = {(unsigned char)alg, (unsigned char)enc};
    SHA256_Init(&c);
    SHA256_Update(&c, head, 2);
    SHA256_Update(&c, key, n);
    SHA256_Final(ident, &c);
    uint32_t slot = ((uint32_t)ident[0] | (uint32_t)ident[1] << 8 | (uint32_t)ident[2] << 16) % SLOTS;
    int handle = -1;
    pthread_mutex_lock(&keys_lock);
    for (;; slot = (slot + 1) % SLOTS) {
        int at = slots[slot];
        if (at == 0) break;
        if (memcmp(keyed[at - 1]->ident, ident, 32) == 0) {
            handle = (at - 1) * 8;
            break;
        }
    }
    if (handle < 0 && n_keyed < MAX_KEYS) {
        Keyed *k = calloc(1, sizeof *k);
        if (k != NULL) {
            k->alg = alg;
            memcpy(k->ident, ident, 32);
            pads(alg, key, n, &k->inner, &k->outer);
            keyed[n_keyed] = k;
            __atomic_store_n(&slots[slot], n_keyed + 1, __ATOMIC_RELEASE);
            handle = n_keyed * 8;
            __atomic_store_n(&n_keyed, n_keyed + 1, __ATOMIC_RELEASE);
        }
    }
    pthread_mutex_unlock(&keys_lock);
    return handle;
}

/* hmacKey(alg, keyEnc, key) -> handle (a multiple of 8), or -1. */
static JSValue js_hmac_key(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    int alg = alg_arg(ctx, argc, argv, 0);
    int enc = alg >= 0 ? encoding_arg(ctx, argc, argv, 1) : alg;
    if (alg == -2 || enc == -2) return value_of_tag(TAG_EXCEPTION);
    if (alg < 0 || enc < 0) return new_int(-1);
    Bytes key;
    int got = message_arg(ctx, argc, argv, 2, enc, &key);
    if (got < 0) return value_of_tag(TAG_EXCEPTION);
    if (got == 0) return new_int(-1);
    int handle = key_handle(alg, enc, key.data, key.len);
    bytes_free(&key);
    return new_int(handle);
}

/* Text keys by their bytes, for createHmac(name, text) in one call (digestNew kind 3): a
   second index over `keyed`, by a hash of the algorithm and the key's UTF-8 bytes, which
   each indexed entry keeps to compare. Entries are indexed once, under the lock, and read
   without it, as `slots`. Keys longer than TEXT_MAX bytes are not indexed (so a few huge keys
   cannot pin much memory): they take the handle table's SHA-256 ident each time. */
#define TEXT_SLOTS 8192   /* at most half full: a probe always ends */
#define TEXT_MAX 256
static int text_slots[TEXT_SLOTS];
static int n_text = 0;

static uint64_t text_hash(int alg, const unsigned char *p, size_t n) {
    uint64_t h = 0x9E3779B97F4A7C15ull ^ ((uint64_t)alg << 56) ^ n, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {   /* a word at a time: keys are hashed at every createHmac */
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
    }
    w = 0;
    memcpy(&w, p + i, n - i);
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
    return h ^ (h >> 29);
}

/* The entry of the text key `key` (n UTF-8 bytes) for `alg`, registered if new; NULL when
   the tables are full. */
static const Keyed *text_key(int alg, const unsigned char *key, size_t n) {
    uint64_t h = text_hash(alg, key, n);
    if (n <= TEXT_MAX) {
        for (uint32_t slot = (uint32_t)(h % TEXT_SLOTS);; slot = (slot + 1) % TEXT_SLOTS) {
            int at = __atomic_load_n(&text_slots[slot], __ATOMIC_ACQUIRE);
            if (at == 0) break;
            const Keyed *k = keyed[at - 1];
            if (k->text_hash == h && k->alg == alg && k->text_len == n && memcmp(k->text, key, n) == 0)
                return k;
        }
    }
    int handle = key_handle(alg, 0, key, n);
    if (handle < 0) return NULL;
    Keyed *k = keyed[handle / 8];
    if (n > TEXT_MAX) return k;
    pthread_mutex_lock(&keys_lock);
    if (k->text == NULL && n_text < TEXT_SLOTS / 2 && (k->text = malloc(n ? n : 1)) != NULL) {
        memcpy(k->text, key, n);
        k->text_len = n;
        k->text_hash = h;
        uint32_t slot = (uint32_t)(h % TEXT_SLOTS);
        while (text_slots[slot] != 0) slot = (slot + 1) % TEXT_SLOTS;
        __atomic_store_n(&text_slots[slot], handle / 8 + 1, __ATOMIC_RELEASE);
        n_text++;
    }
    pthread_mutex_unlock(&keys_lock);
    return k;
}

/* hmac(handle + 4 for 'bytes' data + output code, data). */
static JSValue js_hmac(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    int64_t code;
    if (!int_arg(argc, argv, 0, &code) || code < 0) return empty_string(ctx);
    int64_t index = code >> 3;
    int out = (int)(code & 3);
    if (out == 3 || index >= __atomic_load_n(&n_keyed, __ATOMIC_ACQUIRE)) return empty_string(ctx);
    const Keyed *k = keyed[index];
    Bytes msg;
    int got = message_arg(ctx, argc, argv, 1, (code & 4) ? 1 : 0, &msg);
    if (got < 0) return value_of_tag(TAG_EXCEPTION);
    if (got == 0) return empty_string(ctx);
    JSValue r = sign(ctx, k->alg, &k->inner, &k->outer, &msg, out);
    bytes_free(&msg);
    return r;
}

/* hmacUnkeyed(alg, keyEnc, key, enc, data, out): an HMAC under a key without a handle. */
static JSValue js_hmac_unkeyed(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    int alg = alg_arg(ctx, argc, argv, 0);
    int key_enc = alg >= 0 ? encoding_arg(ctx, argc, argv, 1) : alg;
    int enc = key_enc >= 0 ? encoding_arg(ctx, argc, argv, 3) : key_enc;
    int out = enc >= 0 ? output_arg(ctx, argc, argv, 5) : enc;
    if (alg == -2 || key_enc == -2 || enc == -2 || out == -2) return value_of_tag(TAG_EXCEPTION);
    if (alg < 0 || key_enc < 0 || enc < 0 || out < 0) return empty_string(ctx);
    Bytes key, msg;
    int got = message_arg(ctx, argc, argv, 2, key_enc, &key);
    if (got <= 0) return got < 0 ? value_of_tag(TAG_EXCEPTION) : empty_string(ctx);
    got = message_arg(ctx, argc, argv, 4, enc, &msg);
    if (got <= 0) {
        bytes_free(&key);
        return got < 0 ? value_of_tag(TAG_EXCEPTION) : empty_string(ctx);
    }
    HashState inner, outer;
    pads(alg, key.data, key.len, &inner, &outer);
    JSValue r = sign(ctx, alg, &inner, &outer, &msg, out);
    bytes_free(&key);
    bytes_free(&msg);
    return r;
}

/* ------------------------------------------------------------------ digest objects */

/* crypto's Hash and Hmac objects, when the host functions are compiled: engine objects of
   one class whose state, the running hash (and an HMAC's outer pad), is C memory counted
   against the sandbox's memory limit, so `createHmac(alg, key).update(text).digest('hex')`
   is three native calls, as in Node, and a message is hashed as it arrives instead of being
   held. The crypto module makes them with digestNew (kept in its closure, as every host
   function) on its own Hash.prototype and Hmac.prototype, whose update, digest and copy are
   the methods digestMethod makes, bound to the module's helper: a JavaScript function that
   does what is rare here, `helper.call(self, op, a, b)` with op
     0  the part `a` given in encoding `b` (not text in utf8) as 'bytes' text, or Node's error;
     1  throw Node's error for a hash already digested;
     2  an HMAC's second digest in encoding `a` (Node answers an empty one);
     3  the digest given as hex `a` in the encoding `b` the host does not write (a Buffer,
        'latin1', ...);
     4  throw the TypeError of a method called on another object. */
enum { DIGEST_HASH, DIGEST_HMAC };
typedef struct {
    int kind, alg, done;
    const HashState *outer;   /* an HMAC's outer pad: its key's entry's, or own_outer */
    HashState inner;
    HashState own_outer;      /* an HMAC's under a key without an entry only */
} Digest;
static uint32_t digest_class = 0;   /* the class's id, the same in every runtime */

static void digest_finalizer(JSRuntime *rt, JSValue val) {
    void *d = E.GetOpaque(val, digest_class);
    if (d != NULL) E.FreeRT(rt, d);
}

static const JSClassDef DIGEST_CLASS = {"Digest", digest_finalizer, NULL, NULL, NULL};

/* Registers the class in the runtime of a context being given digestNew. */
static int register_digest_class(JSContext *ctx) {
    if (digest_class == 0) E.NewClassID(&digest_class);   /* (under the GIL) */
    JSRuntime *rt = E.GetRuntime(ctx);
    return E.IsRegisteredClass(rt, digest_class) || E.NewClass(rt, digest_class, &DIGEST_CLASS) == 0;
}

/* A new digest object on `proto` with a copy of `state`; `outer` for an HMAC: a key entry's
   outer pad, or NULL for state->own_outer. */
static JSValue digest_object(JSContext *ctx, JSValue proto, const Digest *state, const HashState *outer) {
    int own = state->kind == DIGEST_HMAC && outer == NULL;
    size_t size = own ? sizeof(Digest) : offsetof(Digest, own_outer);
    JSValue obj = E.NewObjectProtoClass(ctx, proto, digest_class);
    if (obj.tag == TAG_EXCEPTION) return obj;
    Digest *d = E.Malloc(ctx, size);
    if (d == NULL) {
        free_value(ctx, obj);
        return value_of_tag(TAG_EXCEPTION);
    }
    memcpy(d, state, size);
    d->outer = own ? &d->own_outer : outer;
    E.SetOpaque(obj, d);
    return obj;
}

/* A hash object of algorithm `alg`. */
static JSValue hash_object(JSContext *ctx, JSValue proto, int alg) {
    Digest d;
    d.kind = DIGEST_HASH;
    d.alg = alg;
    d.done = 0;
    hash_init(alg, &d.inner);
    return digest_object(ctx, proto, &d, NULL);
}

/* An HMAC object under `k`, or under the key `key` computed afresh when k is NULL. */
static JSValue hmac_object(JSContext *ctx, JSValue proto, int alg, const Keyed *k, const Bytes *key) {
    Digest d;
    d.kind = DIGEST_HMAC;
    d.alg = alg;
    d.done = 0;
    if (k != NULL) {
        d.inner = k->inner;
        return digest_object(ctx, proto, &d, &k->outer);
    }
    pads(alg, key->data, key->len, &d.inner, &d.own_outer);
    return digest_object(ctx, proto, &d, NULL);
}

/* digestNew(proto, kind, ...): a new digest object on `proto`, or '' for arguments it does
   not take (the crypto module then works out what Node does):
     kind 0, code            a hash: code = 8 × algorithm;
     kind 1, code            an HMAC under a key handle: code = the handle;
     kind 2, code, keyEnc, key   an HMAC under a key without one: code = 8 × algorithm, the
                             key in keyEnc (0 utf8, 1 bytes);
     kind 3, name, key       an HMAC under the text key `key` by the algorithm's exact name
                             (Node's lower-case one), its handle found or made here;
     kind 4, name            a hash by the algorithm's exact name. */
static JSValue js_digest_new(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    int64_t kind, code, key_enc;
    if (argc < 3 || argv[0].tag != TAG_OBJECT || !int_arg(argc, argv, 1, &kind))
        return empty_string(ctx);
    JSValue proto = argv[0];
    if (kind == 3 || kind == 4) {
        int alg = alg_arg(ctx, argc, argv, 2);
        if (alg == -2) return value_of_tag(TAG_EXCEPTION);
        if (alg < 0) return empty_string(ctx);
        if (kind == 4) return hash_object(ctx, proto, alg);
        if (argc < 4 || argv[3].tag != TAG_STRING) return empty_string(ctx);
        Bytes key;
        int got = message_arg(ctx, argc, argv, 3, 0, &key);
        if (got <= 0) return got < 0 ? value_of_tag(TAG_EXCEPTION) : empty_string(ctx);
        JSValue r = hmac_object(ctx, proto, alg, text_key(alg, key.data, key.len), &key);
        bytes_free(&key);
        return r;
    }
    if (!int_arg(argc, argv, 2, &code) || code < 0) return empty_string(ctx);
    if (kind == 1) {
        int64_t index = code >> 3;
        if ((code & 7) != 0 || index >= __atomic_load_n(&n_keyed, __ATOMIC_ACQUIRE)) return empty_string(ctx);
        return hmac_object(ctx, proto, keyed[index]->alg, keyed[index], NULL);
    }
    if ((code & 7) != 0 || (code >> 3) >= N_ALGS || (kind != 0 && kind != 2)) return empty_string(ctx);
    int alg = (int)(code >> 3);
    if (kind == 0) return hash_object(ctx, proto, alg);
    if (!int_arg(argc, argv, 3, &key_enc) || (key_enc != 0 && key_enc != 1)) return empty_string(ctx);
    Bytes key;
    int got = message_arg(ctx, argc, argv, 4, (int)key_enc, &key);
    if (got <= 0) return got < 0 ? value_of_tag(TAG_EXCEPTION) : empty_string(ctx);
    JSValue r = hmac_object(ctx, proto, alg, NULL, &key);
    bytes_free(&key);
    return r;
}

/* The module's helper (func_data[0]) called on `self` with (op, a, b). */
static JSValue helper(JSContext *ctx, JSValue *func_data, JSValue self, int op, JSValue a, JSValue b) {
    JSValue args[3] = {new_int(op), a, b};
    return E.Call(ctx, func_data[0], self, 3, args);
}

/* Whether an update's encoding argument leaves a string as text in utf8. */
static int is_utf8(JSContext *ctx, JSValue enc, int *oom) {
    if (enc.tag == TAG_UNDEFINED || enc.tag == TAG_NULL) return 1;
    if (enc.tag != TAG_STRING) return 0;
    size_t n;
    const char *s = E.ToCStringLen2(ctx, &n, enc, 0);
    if (s == NULL) {
        *oom = 1;
        return 0;
    }
    int yes = (n == 4 && memcmp(s, "utf8", 4) == 0) || (n == 5 && memcmp(s, "utf-8", 5) == 0);
    E.FreeCString(ctx, s);
    return yes;
}

/* update(data[, encoding]) -> this. */
static JSValue digest_update(JSContext *ctx, JSValue this_val, int argc, JSValue *argv, int magic,
                             JSValue *func_data) {
    (void)magic;
    JSValue none = value_of_tag(TAG_UNDEFINED);
    JSValue data = argc > 0 ? argv[0] : none, enc = argc > 1 ? argv[1] : none;
    Digest *d = E.GetOpaque(this_val, digest_class);
    if (d == NULL) return helper(ctx, func_data, this_val, 4, none, none);
    if (d->done) return helper(ctx, func_data, this_val, 1, none, none);
    int oom = 0, got;
    Bytes msg;
    if (data.tag == TAG_STRING && is_utf8(ctx, enc, &oom)) {
        got = message_arg(ctx, 1, &data, 0, 0, &msg);
    } else {
        if (oom) return value_of_tag(TAG_EXCEPTION);
        JSValue part = helper(ctx, func_data, this_val, 0, data, enc);
        if (part.tag == TAG_EXCEPTION) return part;
        got = message_arg(ctx, 1, &part, 0, 1, &msg);   /* (holds its own reference) */
        free_value(ctx, part);
        if (got == 0) return helper(ctx, func_data, this_val, 4, none, none);   /* (not bytes) */
    }
    if (got < 0) return value_of_tag(TAG_EXCEPTION);
    hash_update(d->alg, &d->inner, msg.data, msg.len);
    bytes_free(&msg);
    return dup_value(this_val);
}

/* digest([encoding]) -> the digest as text, or what the helper makes of it. */
static JSValue digest_digest(JSContext *ctx, JSValue this_val, int argc, JSValue *argv, int magic,
                             JSValue *func_data) {
    (void)magic;
    JSValue none = value_of_tag(TAG_UNDEFINED);
    JSValue enc = argc > 0 ? argv[0] : none;
    Digest *d = E.GetOpaque(this_val, digest_class);
    if (d == NULL) return helper(ctx, func_data, this_val, 4, none, none);
    if (d->done) return helper(ctx, func_data, this_val, d->kind == DIGEST_HMAC ? 2 : 1, enc, none);
    d->done = 1;
    unsigned char md[64];
    int n = DIGEST_SIZE[d->alg];
    hash_final(d->alg, &d->inner, md);
    if (d->kind == DIGEST_HMAC) {
        HashState h = *d->outer;
        hash_update(d->alg, &h, md, (size_t)n);
        hash_final(d->alg, &h, md);
    }
    int out = output_arg(ctx, 1, &enc, 0);
    if (out == -2) return value_of_tag(TAG_EXCEPTION);
    if (out >= 0) return encoded(ctx, md, n, out);
    JSValue hex = encoded(ctx, md, n, 0);
    if (hex.tag == TAG_EXCEPTION) return hex;
    JSValue r = helper(ctx, func_data, this_val, 3, hex, enc);
    free_value(ctx, hex);
    return r;
}

/* copy() -> a new hash with this one's state, on Hash.prototype (func_data[1]). */
static JSValue digest_copy(JSContext *ctx, JSValue this_val, int argc, JSValue *argv, int magic,
                           JSValue *func_data) {
    (void)argc;
    (void)argv;
    (void)magic;
    JSValue none = value_of_tag(TAG_UNDEFINED);
    Digest *d = E.GetOpaque(this_val, digest_class);
    if (d == NULL) return helper(ctx, func_data, this_val, 4, none, none);
    if (d->done) return helper(ctx, func_data, this_val, 1, none, none);
    if (d->kind != DIGEST_HASH || func_data[1].tag != TAG_OBJECT)
        return helper(ctx, func_data, this_val, 4, none, none);
    return digest_object(ctx, func_data[1], d, NULL);
}

/* digestMethod(which, helper, proto): the method update (0), digest (1) or copy (2) of the
   digest objects, bound to the crypto module's helper (and copy to its Hash.prototype); ''
   for bad arguments. */
static JSValue js_digest_method(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    static JSCFunctionData *const METHOD[3] = {digest_update, digest_digest, digest_copy};
    static const int LENGTH[3] = {2, 1, 0};
    int64_t which;
    if (argc < 3 || !int_arg(argc, argv, 0, &which) || which < 0 || which > 2 ||
        argv[1].tag != TAG_OBJECT)
        return empty_string(ctx);
    return E.NewCFunctionData(ctx, METHOD[which], LENGTH[which], 0, 2, argv + 1);
}

/* ------------------------------------------------------------------ pbkdf2, clock */

static int64_t max_pbkdf2_work = 20000000;   /* set from native.MAX_PBKDF2_WORK */

/* pbkdf2(alg, pwEnc, pw, saltEnc, salt, iterations, keylen) -> hex, or ''. */
static JSValue js_pbkdf2(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    int alg = alg_arg(ctx, argc, argv, 0);
    int pw_enc = alg >= 0 ? encoding_arg(ctx, argc, argv, 1) : alg;
    int salt_enc = pw_enc >= 0 ? encoding_arg(ctx, argc, argv, 3) : pw_enc;
    if (alg == -2 || pw_enc == -2 || salt_enc == -2) return value_of_tag(TAG_EXCEPTION);
    int64_t iterations, keylen;
    if (alg < 0 || pw_enc < 0 || salt_enc < 0 || !count_arg(argc, argv, 5, &iterations) ||
        !count_arg(argc, argv, 6, &keylen) || iterations < 1 || keylen < 1)
        return empty_string(ctx);
    int64_t blocks = (keylen + DIGEST_SIZE[alg] - 1) / DIGEST_SIZE[alg];
    if (iterations > max_pbkdf2_work || blocks > max_pbkdf2_work / iterations) return empty_string(ctx);
    if (iterations > INT32_MAX || keylen > (1 << 24)) return empty_string(ctx);
    const EVP_MD *md = alg == MD5_ ? EVP_md5() : alg == SHA1_ ? EVP_sha1() : alg == SHA224_ ? EVP_sha224()
                     : alg == SHA256_ ? EVP_sha256() : alg == SHA384_ ? EVP_sha384() : EVP_sha512();
    Bytes pw, salt;
    int got = message_arg(ctx, argc, argv, 2, pw_enc, &pw);
    if (got <= 0) return got < 0 ? value_of_tag(TAG_EXCEPTION) : empty_string(ctx);
    got = message_arg(ctx, argc, argv, 4, salt_enc, &salt);
    if (got <= 0) {
        bytes_free(&pw);
        return got < 0 ? value_of_tag(TAG_EXCEPTION) : empty_string(ctx);
    }
    unsigned char *raw = malloc((size_t)keylen);
    char *hex = malloc((size_t)keylen * 2);
    JSValue r;
    if (raw == NULL || hex == NULL ||
        !PKCS5_PBKDF2_HMAC((const char *)pw.data, (int)pw.len, salt.data, (int)salt.len,
                           (int)iterations, md, (int)keylen, raw)) {
        r = empty_string(ctx);
    } else {
        for (int64_t i = 0; i < keylen; i++) {
            hex[2 * i] = HEX[raw[i] >> 4];
            hex[2 * i + 1] = HEX[raw[i] & 15];
        }
        r = E.NewStringLen(ctx, hex, (size_t)keylen * 2);
    }
    free(raw);
    free(hex);
    bytes_free(&pw);
    bytes_free(&salt);
    return r;
}

/* clockUs(): this thread's CPU time in µs, a float (the binding would truncate a large int). */
static JSValue js_clock_us(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)ctx;
    (void)this_val;
    (void)argc;
    (void)argv;
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return new_float(0.0);
    return new_float((double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1000.0);
}

/* ------------------------------------------------------------------ Python side */

static const HostFunction FUNCTIONS[] = {
    {"digest", js_digest, 2},   {"hmacKey", js_hmac_key, 3}, {"hmac", js_hmac, 2},
    {"hmacUnkeyed", js_hmac_unkeyed, 6}, {"pbkdf2", js_pbkdf2, 7}, {"clockUs", js_clock_us, 0},
    {"digestNew", js_digest_new, 5}, {"digestMethod", js_digest_method, 3},
};

/* install(): as every extension's, and a context given digestNew gets the digest class. */
static PyObject *install(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *done = install_from(FUNCTIONS, sizeof FUNCTIONS / sizeof FUNCTIONS[0], args);
    PyObject *context;
    const char *library, *name, *global_name;
    if (done == NULL || !PyArg_ParseTuple(args, "Osss", &context, &library, &name, &global_name) ||
        strcmp(name, "digestNew") != 0)
        return done;
    if (!register_digest_class(((BindingContext *)context)->context)) {
        Py_DECREF(done);
        PyErr_SetString(PyExc_MemoryError, "the engine could not register the digest class");
        return NULL;
    }
    return done;
}

static PyObject *names(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return names_of(FUNCTIONS, sizeof FUNCTIONS / sizeof FUNCTIONS[0]);
}

static PyObject *set_max_pbkdf2_work(PyObject *self, PyObject *arg) {
    (void)self;
    long long v = PyLong_AsLongLong(arg);
    if (v == -1 && PyErr_Occurred()) return NULL;
    max_pbkdf2_work = v;
    Py_RETURN_NONE;
}

static PyMethodDef METHODS[] = {
    INSTALL_AND_NAMES_METHODS,
    {"set_max_pbkdf2_work", set_max_pbkdf2_work, METH_O,
     "Set the most HMAC computations one pbkdf2 call may do."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef MODULE = {
    PyModuleDef_HEAD_INIT, "rulesim.runtime._hostc",
    "The native host functions compiled (see rulesim/runtime/native.py).", -1, METHODS,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__hostc(void) { return PyModule_Create(&MODULE); }

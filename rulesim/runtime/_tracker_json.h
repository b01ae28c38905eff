/*
 * The JSON serialiser of rulesim/runtime/_tracker.c (included there: one compilation unit),
 * json(value, [Object.prototype, Array.prototype]) for the prelude's plain data, and the
 * change rows' key paths.
 */
#ifndef RULESIM_TRACKER_JSON_H
#define RULESIM_TRACKER_JSON_H

#include "_quickjs_internals.h"

#include <math.h>
#include <stdlib.h>

/* json(value, [Object.prototype, Array.prototype]): JSON.stringify(value) for the plain data
   the prelude serialises (tokens, change rows, records), without the engine's per-call setup:
   plain objects and fast arrays of strings, numbers, booleans and null. null (never a
   JSON.stringify answer) when the value needs JSON.stringify itself: a toJSON anywhere it
   would be looked up, an accessor, an integer-like key (JSON orders those first), any other
   kind of object, a BigInt, a fractional number (formatted by the engine), nesting deeper
   than MAX_JSON_DEPTH (a cycle: JSON.stringify throws its own TypeError). */
#define MAX_JSON_DEPTH 64

typedef struct {
    char *buf;
    size_t len, cap;
    char small[1024];
} Text;

static int text_grow(Text *t, size_t more) {
    if (t->len + more <= t->cap) return 0;
    size_t cap = t->cap * 2;
    while (cap < t->len + more) cap *= 2;
    char *nb = t->buf == t->small ? malloc(cap) : realloc(t->buf, cap);
    if (nb == NULL) return -1;
    if (t->buf == t->small) memcpy(nb, t->small, t->len);
    t->buf = nb;
    t->cap = cap;
    return 0;
}

static inline int text_put(Text *t, const char *p, size_t n) {
    if (text_grow(t, n) < 0) return -1;
    memcpy(t->buf + t->len, p, n);
    t->len += n;
    return 0;
}

static inline int text_byte(Text *t, char c) {
    if (t->len == t->cap && text_grow(t, 1) < 0) return -1;
    t->buf[t->len++] = c;
    return 0;
}

/* The decimal digits of k at num (room for 21 bytes); their length. (snprintf costs several
   times more.) */
static int int_text(char *num, int64_t k) {
    char digits[24];
    int n = 0, len = 0;
    uint64_t u = k < 0 ? (uint64_t)0 - (uint64_t)k : (uint64_t)k;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (k < 0) num[len++] = '-';
    while (n) num[len++] = digits[--n];
    return len;
}

static const char HEX[] = "0123456789abcdef";

/* The UTF-8 of code point c (not a surrogate) at o; its length, 1 to 4 bytes. (The JSON
   reader, _tracker_parse.h, writes with it too.) */
static inline size_t put_utf8(unsigned char *o, uint32_t c) {
    if (c < 0x80) {
        o[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (unsigned char)(0xC0 | (c >> 6));
        o[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (c >> 12));
        o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (c >> 18));
    o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (c & 0x3F));
    return 4;
}

/* The JSON quoting of a string, as JS_ToQuotedString writes it, in UTF-8. */
static int quote(Text *t, const IString *p) {
    uint32_t n = STR_LEN(p);
    if (text_grow(t, (size_t)n * 3 + 2) < 0) return -1;
    char *o = t->buf + t->len;
    *o++ = '"';
    for (uint32_t i = 0; i < n; i++) {
        uint32_t c = STR_WIDE(p) ? p->u.str16[i] : p->u.str8[i];
        if (c >= 0xd800 && c < 0xdc00 && STR_WIDE(p) && i + 1 < n && p->u.str16[i + 1] >= 0xdc00 &&
            p->u.str16[i + 1] < 0xe000) {
            c = 0x10000 + ((c - 0xd800) << 10) + (p->u.str16[i + 1] - 0xdc00);
            i++;
        }
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        } else if (c < 0x20 || (c >= 0xd800 && c < 0xe000)) {
            /* (t, r, n, b, f by letter; the rest, and lone surrogates, as \u00XX / \udXXX) */
            char e = c == '\t' ? 't' : c == '\r' ? 'r' : c == '\n' ? 'n' : c == '\b' ? 'b' : c == '\f' ? 'f' : 0;
            size_t at = (size_t)(o - t->buf);
            t->len = at;
            if (text_grow(t, 6 + (size_t)(n - i) * 3 + 1) < 0) return -1;
            o = t->buf + at;
            *o++ = '\\';
            if (e) *o++ = e;
            else {
                *o++ = 'u';
                *o++ = HEX[(c >> 12) & 15];
                *o++ = HEX[(c >> 8) & 15];
                *o++ = HEX[(c >> 4) & 15];
                *o++ = HEX[c & 15];
            }
        } else if (c < 0x10000) {
            o += put_utf8((unsigned char *)o, c);
        } else {
            size_t at = (size_t)(o - t->buf);
            t->len = at;
            if (text_grow(t, 4 + (size_t)(n - i) * 3 + 1) < 0) return -1;
            o = t->buf + at;
            o += put_utf8((unsigned char *)o, c);
        }
    }
    *o++ = '"';
    t->len = (size_t)(o - t->buf);
    return 0;
}

typedef struct {
    JSContext *ctx;
    void *object_proto, *array_proto;
    JSAtom to_json;
    Text text;
} Json;

enum { JSON_OK = 0, JSON_SKIP = 1, JSON_ASK = -1, JSON_FAIL = -2 };

/* Whether v is a plain object: an ordinary object whose prototype is Object.prototype or
   null. */
static int plain_object(const Json *j, JSValue v) {
    if (v.tag != TAG_OBJECT) return 0;
    IObject *o = (IObject *)v.u.ptr;
    return o->class_id == CLASS_OBJECT && !(o->flags & OBJ_EXOTIC) &&
           (o->shape->proto == j->object_proto || o->shape->proto == NULL);
}

/* Whether a shape has an own property named atom. */
static int has_atom(const IShape *sh, JSAtom atom) {
    for (int32_t i = 0; i < sh->prop_count; i++)
        if (sh->prop[i].atom == atom) return 1;
    return 0;
}

/* Write v; JSON_SKIP for a value JSON leaves out (undefined, a function, a symbol). */
static int json_value(Json *j, JSValue v, int depth) {
    Text *t = &j->text;
    char num[32];
    switch (v.tag) {
    case TAG_STRING:
        return quote(t, (const IString *)v.u.ptr) < 0 ? JSON_FAIL : JSON_OK;
    case TAG_INT:
        return text_put(t, num, (size_t)int_text(num, v.u.int32)) < 0 ? JSON_FAIL : JSON_OK;
    case TAG_BOOL:
        return (v.u.int32 ? text_put(t, "true", 4) : text_put(t, "false", 5)) < 0 ? JSON_FAIL : JSON_OK;
    case TAG_NULL:
        return text_put(t, "null", 4) < 0 ? JSON_FAIL : JSON_OK;
    case TAG_UNDEFINED:
    case TAG_SYMBOL:
        return JSON_SKIP;
    case TAG_FLOAT64: {
        double d = v.u.float64;
        if (d != d || d == 1.0 / 0.0 || d == -1.0 / 0.0) return text_put(t, "null", 4) < 0 ? JSON_FAIL : JSON_OK;
        /* Whole numbers below 2^53 print as integers (-0 as 0); the rest as the engine does. */
        if (d >= -9007199254740992.0 && d <= 9007199254740992.0 && d == (double)(int64_t)d)
            return text_put(t, num, (size_t)int_text(num, (int64_t)d)) < 0 ? JSON_FAIL : JSON_OK;
        return JSON_ASK;
    }
    case TAG_OBJECT:
        break;
    default:
        return JSON_ASK; /* BigInt and the engine's own tags */
    }
    IObject *o = (IObject *)v.u.ptr;
    IShape *sh = o->shape;
    if (depth >= MAX_JSON_DEPTH) return JSON_ASK;
    if (o->class_id == CLASS_ARRAY) {
        if (!(o->flags & OBJ_FAST_ARRAY) || sh->proto != j->array_proto) return JSON_ASK;
        uint32_t n = o->u.array.count;
        if (sh->prop_count < 1 || o->prop[0].tag != TAG_INT || (uint32_t)o->prop[0].u.int32 != n) return JSON_ASK;
        if (has_atom(sh, j->to_json)) return JSON_ASK;
        if (text_byte(t, '[') < 0) return JSON_FAIL;
        for (uint32_t i = 0; i < n; i++) {
            if (i && text_byte(t, ',') < 0) return JSON_FAIL;
            int r = json_value(j, o->u.array.values[i], depth + 1);
            if (r == JSON_SKIP) r = text_put(t, "null", 4) < 0 ? JSON_FAIL : JSON_OK;
            if (r != JSON_OK) return r;
        }
        return text_byte(t, ']') < 0 ? JSON_FAIL : JSON_OK;
    }
    /* (A function is left out as JSON.stringify leaves it out when it has no toJSON: let the
       engine decide that, and any other kind of object.) */
    if (!plain_object(j, v)) return JSON_ASK;
    if (has_atom(sh, j->to_json)) return JSON_ASK;
    if (text_byte(t, '{') < 0) return JSON_FAIL;
    int first = 1;
    for (int32_t i = 0; i < sh->prop_count; i++) {
        IShapeProp sp = sh->prop[i];
        if (sp.atom == 0) continue;
        if (sp.atom & ATOM_TAG_INT) return JSON_ASK;
        uint32_t flags = SP_FLAGS(sp);
        if (flags & PROP_TMASK) return JSON_ASK;
        if (!(flags & PROP_ENUMERABLE)) continue;
        JSValue key = E.AtomToValue(j->ctx, sp.atom);
        if (key.tag == TAG_EXCEPTION) return JSON_FAIL;
        if (key.tag != TAG_STRING) { /* a symbol key: not in JSON */
            free_value(j->ctx, key);
            continue;
        }
        JSValue pv = o->prop[i];
        if (pv.tag == TAG_UNDEFINED || pv.tag == TAG_SYMBOL) {
            free_value(j->ctx, key);
            continue;
        }
        size_t mark = t->len;
        int r = (!first && text_byte(t, ',') < 0) || quote(t, (const IString *)key.u.ptr) < 0 || text_byte(t, ':') < 0
                    ? JSON_FAIL : JSON_OK;
        free_value(j->ctx, key);
        if (r == JSON_OK) r = json_value(j, pv, depth + 1);
        if (r == JSON_SKIP) {
            t->len = mark;
            continue;
        }
        if (r != JSON_OK) return r;
        first = 0;
    }
    return text_byte(t, '}') < 0 ? JSON_FAIL : JSON_OK;
}

static JSAtom to_json_atom = 0;

/* Set up j for the prototypes [Object.prototype, Array.prototype] the prelude passes; 0 when
   the serialiser cannot be used now (a toJSON the prototypes inherit, say). */
static int json_begin(Json *j, JSContext *ctx, JSValue protos_value) {
    if (protos_value.tag != TAG_OBJECT) return 0;
    IObject *protos = (IObject *)protos_value.u.ptr;
    if (protos->class_id != CLASS_ARRAY || !(protos->flags & OBJ_FAST_ARRAY) || protos->u.array.count != 2 ||
        protos->u.array.values[0].tag != TAG_OBJECT || protos->u.array.values[1].tag != TAG_OBJECT)
        return 0;
    j->ctx = ctx;
    j->object_proto = protos->u.array.values[0].u.ptr;
    j->array_proto = protos->u.array.values[1].u.ptr;
    if (to_json_atom == 0) to_json_atom = E.NewAtom(ctx, "toJSON"); /* one of the engine's own atoms */
    j->to_json = to_json_atom;
    j->text.buf = j->text.small;
    j->text.len = 0;
    j->text.cap = sizeof j->text.small;
    /* A toJSON the prototypes inherit makes every object's JSON the engine's business. */
    return !(has_atom(((IObject *)j->object_proto)->shape, j->to_json) ||
             has_atom(((IObject *)j->array_proto)->shape, j->to_json) ||
             ((IObject *)j->array_proto)->shape->proto != j->object_proto ||
             ((IObject *)j->object_proto)->shape->proto != NULL);
}

static void json_end(Json *j) {
    if (j->text.buf != j->text.small) free(j->text.buf);
}

/* The JSON text of v as a string (JSON_OK), or the code json_value answered. */
static int json_text(Json *j, JSValue v, JSValue *out) {
    j->text.len = 0;
    int r = json_value(j, v, 0);
    if (r == JSON_OK) {
        *out = E.NewStringLen(j->ctx, j->text.buf, j->text.len);
        if (out->tag == TAG_EXCEPTION) r = JSON_FAIL;
    }
    return r;
}

static JSValue js_json(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    if (argc < 2) return value_of_tag(TAG_NULL);
    JSValue v = argv[0];
    if (v.tag == TAG_UNDEFINED) return v;
    Json j;
    if (!json_begin(&j, ctx, argv[1])) return value_of_tag(TAG_NULL);
    JSValue out = value_of_tag(TAG_NULL);
    int r = json_text(&j, v, &out);
    json_end(&j);
    if (r == JSON_SKIP) return value_of_tag(TAG_UNDEFINED);
    if (r == JSON_FAIL) return E.ThrowOutOfMemory(ctx);
    return r == JSON_OK ? out : value_of_tag(TAG_NULL);
}

/* joinNumbers(array, n): the first n values of a fast array of finite numbers joined by ','
   for the host to read back: integers (within 2^53) as array.join(',') writes them, any
   other number as the first of %.15g, %.16g, %.17g that reads back as the same number (the
   host parses the text: it holds the same numbers as JavaScript's, not always its digits);
   undefined when one is not a finite number or there are more than MAX_JOINED (the prelude
   joins those itself); recordPlain's rows use the same writer (joined_numbers). The login
   records' per-rule columns (75-records.js rowNumbers): QuickJS writes a number with
   snprintf from JavaScript at several times this cost, and searches up to seventeen
   precisions for a fraction's shortest digits. */
static int number_text(char *num, size_t size, double d) {
    if (d >= -9007199254740992.0 && d <= 9007199254740992.0 && d == (double)(int64_t)d)
        return int_text(num, (int64_t)d);
    for (int precision = 15; precision <= 17; precision++) {
        int len = snprintf(num, size, "%.*g", precision, d);
        if (precision == 17 || strtod(num, NULL) == d) return len;
    }
    return -1;
}

/* values[0, n) joined by ',' (number_text each): a new string, or exception (out of memory). */
static JSValue joined_numbers(JSContext *ctx, const double *values, int32_t n) {
    Text t;
    t.buf = t.small;
    t.len = 0;
    t.cap = sizeof t.small;
    char num[40];
    JSValue out = value_of_tag(TAG_EXCEPTION);
    for (int32_t i = 0; i < n; i++) {
        int len = number_text(num, sizeof num, values[i]);
        if (len < 0 || (i && text_byte(&t, ',') < 0) || text_put(&t, num, (size_t)len) < 0) goto done;
    }
    out = E.NewStringLen(ctx, t.buf, t.len);
done:
    if (t.buf != t.small) free(t.buf);
    return out.tag == TAG_EXCEPTION ? E.ThrowOutOfMemory(ctx) : out;
}

#define MAX_JOINED 4096

static JSValue js_join_numbers(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    if (argc < 2 || argv[0].tag != TAG_OBJECT || argv[1].tag != TAG_INT) return undefined_value();
    IObject *a = (IObject *)argv[0].u.ptr;
    int32_t n = argv[1].u.int32;
    if (a->class_id != CLASS_ARRAY || !(a->flags & OBJ_FAST_ARRAY) || n < 0 || (uint32_t)n > a->u.array.count ||
        n > MAX_JOINED)
        return undefined_value();
    double values[MAX_JOINED];
    for (int32_t i = 0; i < n; i++) {
        JSValue v = a->u.array.values[i];
        if (v.tag == TAG_INT) values[i] = v.u.int32;
        else if (v.tag == TAG_FLOAT64 && isfinite(v.u.float64)) values[i] = v.u.float64;
        else return undefined_value();
    }
    return joined_numbers(ctx, values, n);
}

/* The change rows' path of a part's top-level key (30-tracking.js keyPath): the key itself
   when it is an identifier, else ["key"] (the key as JSON). A new reference, or exception. */
static JSValue key_path(Json *j, JSValue key) {
    const IString *p = (const IString *)key.u.ptr;
    uint32_t n = STR_LEN(p);
    int ident = n > 0 && !STR_WIDE(p);
    for (uint32_t i = 0; ident && i < n; i++) {
        uint8_t c = p->u.str8[i];
        ident = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '$' || (i > 0 && c >= '0' && c <= '9');
    }
    if (ident) return dup_value(key);
    j->text.len = 0;
    if (text_byte(&j->text, '[') < 0 || quote(&j->text, p) < 0 || text_byte(&j->text, ']') < 0)
        return value_of_tag(TAG_EXCEPTION);
    return E.NewStringLen(j->ctx, j->text.buf, j->text.len);
}

#endif

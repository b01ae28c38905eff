/*
 * rulesim.runtime._tracker: the change tracker of the Rules view in C.
 *
 * A login's watched parts (user.app_metadata, user.user_metadata, context.idToken,
 * context.accessToken, context.multifactor, context.redirect, context.samlConfiguration,
 * context.primaryUser) were tracked through proxies: every read of a part went through a
 * JavaScript get trap and every write marked what it touched. Here the rules get the raw
 * objects, and after each rule the tracker compares the parts' memory with a snapshot taken
 * after the previous one: the objects' shapes (keys, flags, prototype) and the bits of their
 * values. Nothing that was not written can differ, and a write that changed nothing in the
 * part's JSON is dropped by the prelude, which computes the rows (30-tracking.js) exactly as
 * for the proxies. A part the tracker cannot snapshot (an accessor, an exotic object, a deeper
 * nesting or more objects than it keeps) is "opaque": the prelude compares its JSON instead.
 *
 * What it snapshots: plain objects, Error objects and fast arrays, as records (the shape's
 * properties and every value, held); any other value is a leaf compared by identity (a Date
 * changed in place with setTime, a Map's entries: not changes, as with the proxies, which
 * could not see them either).
 *
 * The snapshot holds a reference to every object, value and key it saved, so none of them can
 * be freed and its address reused while a login runs: the references live in a JavaScript
 * array the prelude owns (`hold`), written in place, so the engine's garbage collector sees
 * them and a context torn down mid-login frees them like any other value. The records live in
 * an ArrayBuffer the prelude owns (`mem`). Nothing is global: two sandboxes, on two threads,
 * each pass their own.
 *
 * This reads the engine's internal object layout (not its public ABI) for the pinned version
 * (quickjs 1.19.4, QuickJS 2021-03-27, 64-bit). trackCheck() verifies that layout on sample
 * objects through the public API before the prelude uses the tracker; on any mismatch the
 * prelude keeps the proxies.
 */
#define PY_SSIZE_T_CLEAN
#include "_quickjs_abi.h"

#include <stddef.h>

/* ---------------------------------------------------------------- the engine's internals */
typedef uint32_t JSAtom;

typedef struct {
    uint32_t bits; /* hash_next : 26, flags : 6 (GCC, little-endian: flags in the top bits) */
    JSAtom atom;   /* 0: a deleted property */
} IShapeProp;
#define SP_FLAGS(sp) ((sp).bits >> 26)

typedef struct {
    int ref_count;
    uint8_t gc_bits;
    uint8_t dummy1;
    uint16_t dummy2;
    void *link[2];
    uint8_t is_hashed;
    uint8_t has_small_array_index;
    uint32_t hash;
    uint32_t prop_hash_mask;
    int prop_size;
    int prop_count; /* deleted properties included */
    int deleted_prop_count;
    void *shape_hash_next;
    void *proto; /* a JSObject, or NULL */
    IShapeProp prop[];
} IShape;

typedef struct {
    int ref_count;
    uint8_t gc_mark;
    uint8_t flags; /* extensible, free_mark, is_exotic, fast_array, ... (bit 0 first) */
    uint16_t class_id;
    void *link[2];
    IShape *shape;
    JSValue *prop; /* JSProperty: a JSValue for a data property */
    void *first_weak_ref;
    union {
        struct {
            uint64_t size_or_typed_array;
            JSValue *values;
            uint32_t count;
        } array;
        JSValue object_data;
    } u;
} IObject;

_Static_assert(offsetof(IShape, prop_count) == 40, "JSShape layout");
_Static_assert(offsetof(IShape, proto) == 56, "JSShape layout");
_Static_assert(offsetof(IShape, prop) == 64, "JSShape layout");
_Static_assert(offsetof(IObject, shape) == 24, "JSObject layout");
_Static_assert(offsetof(IObject, u) == 48, "JSObject layout");
_Static_assert(sizeof(JSValue) == 16, "JSValue layout");

enum { OBJ_EXOTIC = 1 << 2, OBJ_FAST_ARRAY = 1 << 3 };
enum { CLASS_OBJECT = 1, CLASS_ARRAY = 2, CLASS_ERROR = 3, CLASS_DATE = 10, CLASS_ARRAY_BUFFER = 19 };
enum { PROP_ENUMERABLE = 1 << 2, PROP_C_W_E = 7, PROP_TMASK = 3 << 4 };
enum { TAG_SYMBOL = -8, TAG_OBJECT = -1, TAG_BOOL = 1, TAG_NULL = 2, TAG_UNDEFINED = 3 };
#define ATOM_TAG_INT (1U << 31)

static struct {
    JSAtom (*NewAtom)(JSContext *, const char *);
    JSValue (*AtomToValue)(JSContext *, JSAtom);
    const char *(*AtomToCString)(JSContext *, JSAtom);
    uint8_t *(*GetArrayBuffer)(JSContext *, size_t *, JSValue);
    JSValue (*NewObjectProto)(JSContext *, JSValue);
    JSValue (*NewArray)(JSContext *);
    int (*DefinePropertyValue)(JSContext *, JSValue, JSAtom, JSValue, int);
    int (*DefinePropertyValueUint32)(JSContext *, JSValue, uint32_t, JSValue, int);
    int (*SetPropertyUint32)(JSContext *, JSValue, uint32_t, JSValue);
    JSValue (*GetPrototype)(JSContext *, JSValue);
} T;
static int tracker_ready = 0;

/* Find the engine functions above in the binding's library (already loaded). */
static int load_tracker(const char *path) {
    if (tracker_ready) return 1;
    void *lib = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
    if (lib == NULL) return 0;
#define FIND(field, symbol) *(void **)(&T.field) = dlsym(lib, symbol)
    FIND(NewAtom, "JS_NewAtom");
    FIND(AtomToValue, "JS_AtomToValue");
    FIND(AtomToCString, "JS_AtomToCString");
    FIND(GetArrayBuffer, "JS_GetArrayBuffer");
    FIND(NewObjectProto, "JS_NewObjectProto");
    FIND(NewArray, "JS_NewArray");
    FIND(DefinePropertyValue, "JS_DefinePropertyValue");
    FIND(DefinePropertyValueUint32, "JS_DefinePropertyValueUint32");
    FIND(SetPropertyUint32, "JS_SetPropertyUint32");
    FIND(GetPrototype, "JS_GetPrototype");
#undef FIND
    dlclose(lib);
    void **all = (void **)&T;
    for (size_t i = 0; i < sizeof T / sizeof(void *); i++)
        if (all[i] == NULL) return 0;
    tracker_ready = 1;
    return 1;
}

/* --------------------------------------------------------------------------- the state */
#define N_PARTS 9 /* part 0 (the user's own keys) is the prelude's; 1..8 are tracked here */
#define MAX_RECS 1024
#define MAX_SLOTS 8192
#define MAX_SPROPS 8192
#define MAX_DEPTH 48
#define STATE_MAGIC 0x52534b54u /* "RSKT" */

typedef struct {
    IObject *obj;
    void *proto;
    int32_t kind;     /* 1: object (or Error), 2: fast array */
    int32_t n;        /* the shape's prop_count */
    int32_t deleted;  /* its deleted_prop_count */
    int32_t props_at; /* its properties in sprops */
    int32_t vals_at;  /* its n property values, then its count array values, in slots */
    int32_t count;    /* a fast array's elements */
    int32_t end;      /* the first record after this one's subtree (preorder) */
} Rec;

enum { ROOT_ABSENT = 0, ROOT_VALUE = 1, ROOT_RECORD = 2, ROOT_OPAQUE = 3 };

typedef struct {
    int32_t state;
    int32_t rec0, rec1; /* ROOT_RECORD: the part's records */
    int32_t hint;       /* where the key was in its holder's shape last time */
    JSValue value;      /* the part's value (held) */
} Root;

typedef struct {
    uint32_t magic;
    int32_t layout_ok;
    int32_t active;
    int32_t n_recs, n_slots, n_sprops, n_hold;
    JSAtom atoms[N_PARTS];
    Root roots[N_PARTS];
    Rec recs[MAX_RECS];
    JSValue slots[MAX_SLOTS];
    IShapeProp sprops[MAX_SPROPS];
} State;

typedef struct {
    JSContext *ctx;
    State *s;
    JSValue *hold;
    uint32_t hold_cap;
} Tracker;

static const char *const PART_KEYS[N_PARTS] = {
    NULL, "app_metadata", "user_metadata", "idToken", "accessToken",
    "multifactor", "redirect", "samlConfiguration", "primaryUser",
};
/* Parts 1-2 hang on the user, 3-8 on the context. */
#define ON_USER(p) ((p) <= 2)

static inline JSValue undefined_value(void) { return value_of_tag(TAG_UNDEFINED); }

static inline JSValue object_value(void *p) {
    JSValue v;
    v.u.ptr = p;
    v.tag = TAG_OBJECT;
    return v;
}

static inline JSValue dup_value(JSValue v) {
    if ((uint32_t)(int32_t)v.tag >= (uint32_t)TAG_FIRST_COUNTED) ++*(int *)v.u.ptr;
    return v;
}

static inline int same_value(JSValue a, JSValue b) {
    if (a.tag != b.tag) return 0;
    if (a.tag == TAG_FLOAT64) return memcmp(&a.u.float64, &b.u.float64, sizeof(double)) == 0;
    if (a.tag < 0) return a.u.ptr == b.u.ptr;
    return a.u.int32 == b.u.int32;
}

/* Whether v gets a record: a plain object, an Error, an array. */
static inline int is_record_value(JSValue v) {
    if (v.tag != TAG_OBJECT) return 0;
    uint16_t c = ((IObject *)v.u.ptr)->class_id;
    return c == CLASS_OBJECT || c == CLASS_ARRAY || c == CLASS_ERROR;
}

static int hold(Tracker *t, JSValue v) {
    if ((uint32_t)(int32_t)v.tag < (uint32_t)TAG_FIRST_COUNTED) return 0; /* not counted */
    if ((uint32_t)t->s->n_hold >= t->hold_cap) return -1;
    t->hold[t->s->n_hold++] = dup_value(v);
    return 0;
}

static int hold_atom(Tracker *t, JSAtom atom) {
    if (atom & ATOM_TAG_INT) return 0;
    if ((uint32_t)t->s->n_hold >= t->hold_cap) return -1;
    JSValue v = T.AtomToValue(t->ctx, atom); /* a new reference: the atom's string or symbol */
    if (v.tag == TAG_EXCEPTION) return -1;
    t->hold[t->s->n_hold++] = v;
    return 0;
}

/* Drop every reference of the snapshot (the records go with them). */
static void release(Tracker *t) {
    State *s = t->s;
    uint32_t n = (uint32_t)s->n_hold;
    if (n > t->hold_cap) n = t->hold_cap;
    s->n_hold = 0;
    for (uint32_t i = 0; i < n; i++) {
        JSValue v = t->hold[i];
        t->hold[i] = undefined_value();
        free_value(t->ctx, v);
    }
    s->n_recs = s->n_slots = s->n_sprops = 0;
    s->active = 0;
}

/* ------------------------------------------------------------------------- snapshots */
/* Snapshot the object graph under v (records in preorder); -1 when v cannot be (opaque). */
static int snap(Tracker *t, JSValue v, int depth) {
    if (!is_record_value(v)) return 0;
    State *s = t->s;
    IObject *o = (IObject *)v.u.ptr;
    int32_t kind = o->class_id == CLASS_ARRAY ? 2 : 1;
    if (kind == 1 && (o->flags & OBJ_EXOTIC)) return -1;
    if (kind == 2 && !(o->flags & OBJ_FAST_ARRAY)) return -1;
    if (depth > MAX_DEPTH) return -1;
    IShape *sh = o->shape;
    int32_t n = sh->prop_count;
    int32_t count = kind == 2 ? (int32_t)o->u.array.count : 0;
    if (s->n_recs >= MAX_RECS || s->n_sprops + n > MAX_SPROPS || s->n_slots + n + count > MAX_SLOTS) return -1;
    int32_t ri = s->n_recs++;
    Rec *r = &s->recs[ri];
    r->obj = o;
    r->proto = sh->proto;
    r->kind = kind;
    r->n = n;
    r->deleted = sh->deleted_prop_count;
    r->props_at = s->n_sprops;
    r->vals_at = s->n_slots;
    r->count = count;
    r->end = ri + 1;
    s->n_sprops += n;
    s->n_slots += n + count;
    if (hold(t, v) < 0) return -1;
    if (sh->proto != NULL && hold(t, object_value(sh->proto)) < 0) return -1;
    JSValue *vals = &s->slots[r->vals_at];
    for (int32_t i = 0; i < n; i++) {
        IShapeProp sp = sh->prop[i];
        s->sprops[r->props_at + i] = sp;
        vals[i] = undefined_value();
        if (sp.atom == 0) continue;
        if (SP_FLAGS(sp) & PROP_TMASK) return -1; /* an accessor (or the engine's own kinds) */
        if (hold_atom(t, sp.atom) < 0) return -1;
        vals[i] = o->prop[i];
        if (hold(t, vals[i]) < 0) return -1;
    }
    if (kind == 2) {
        /* The length is the array's first property; a fast array with holes past its
           elements (a.length = 10) is left to the JSON comparison. */
        JSValue len = o->prop[0];
        if (n < 1 || len.tag != TAG_INT || len.u.int32 != count) return -1;
        for (int32_t j = 0; j < count; j++) {
            vals[n + j] = o->u.array.values[j];
            if (hold(t, vals[n + j]) < 0) return -1;
        }
    }
    for (int32_t i = 0; i < n + count; i++) {
        if (i < n && s->sprops[r->props_at + i].atom == 0) continue;
        if (snap(t, vals[i], depth + 1) < 0) return -1;
    }
    s->recs[ri].end = s->n_recs;
    return 0;
}

/* Whether record ri's object is as snapshot (its own properties and elements, not below). */
static int rec_same(State *s, int32_t ri) {
    Rec *r = &s->recs[ri];
    IObject *o = r->obj;
    IShape *sh = o->shape;
    if (sh->proto != r->proto || sh->prop_count != r->n || sh->deleted_prop_count != r->deleted) return 0;
    const IShapeProp *old = &s->sprops[r->props_at];
    const JSValue *vals = &s->slots[r->vals_at];
    for (int32_t i = 0; i < r->n; i++) {
        if (sh->prop[i].atom != old[i].atom || SP_FLAGS(sh->prop[i]) != SP_FLAGS(old[i])) return 0;
        if (old[i].atom != 0 && !same_value(o->prop[i], vals[i])) return 0;
    }
    if (r->kind == 2) {
        if (!(o->flags & OBJ_FAST_ARRAY) || (int32_t)o->u.array.count != r->count) return 0;
        for (int32_t j = 0; j < r->count; j++)
            if (!same_value(o->u.array.values[j], vals[r->n + j])) return 0;
    }
    return 1;
}

static int range_same(State *s, int32_t from, int32_t to) {
    for (int32_t i = from; i < to; i++)
        if (!rec_same(s, i)) return 0;
    return 1;
}

/* The part's value as its holder has it: 1 and *out (an own data property), 0 (no such own
   property), -1 (an accessor, or a holder the tracker cannot read: opaque). */
static int lookup(JSValue holder, JSAtom atom, int32_t *hint, JSValue *out) {
    if (holder.tag != TAG_OBJECT) return -1;
    IObject *o = (IObject *)holder.u.ptr;
    if (o->class_id != CLASS_OBJECT || (o->flags & OBJ_EXOTIC)) return -1;
    IShape *sh = o->shape;
    int32_t n = sh->prop_count, i = *hint;
    if (i < 0 || i >= n || sh->prop[i].atom != atom) {
        for (i = 0; i < n; i++)
            if (sh->prop[i].atom == atom) break;
        if (i == n) return 0;
        *hint = i;
    }
    if (SP_FLAGS(sh->prop[i]) & PROP_TMASK) return -1;
    *out = o->prop[i];
    return 1;
}

/* Snapshot part p as its holder has it now (appending: the previous records stay valid until
   the login's snapshot is released). */
static void snap_root(Tracker *t, int p, JSValue holder) {
    Root *rt = &t->s->roots[p];
    JSValue v;
    rt->value = undefined_value();
    int k = lookup(holder, t->s->atoms[p], &rt->hint, &v);
    if (k < 0) {
        rt->state = ROOT_OPAQUE;
        return;
    }
    if (k == 0) {
        rt->state = ROOT_ABSENT;
        return;
    }
    if (hold(t, v) < 0) {
        rt->state = ROOT_OPAQUE;
        return;
    }
    rt->value = v;
    if (!is_record_value(v)) {
        rt->state = ROOT_VALUE;
        return;
    }
    rt->rec0 = t->s->n_recs;
    if (snap(t, v, 0) < 0) {
        rt->state = ROOT_OPAQUE;
        return;
    }
    rt->rec1 = t->s->n_recs;
    rt->state = ROOT_RECORD;
}

/* ------------------------------------------------------------------- what was before */
/* The value record ri's object had at the snapshot: the object itself when nothing under it
   changed, else a copy made from the snapshot (changed objects below it copied too). A new
   reference, or an exception (out of memory). */
static JSValue before_of(Tracker *t, int32_t ri) {
    State *s = t->s;
    Rec *r = &s->recs[ri];
    if (range_same(s, ri, r->end)) return dup_value(object_value(r->obj));
    JSContext *ctx = t->ctx;
    JSValue copy;
    if (r->kind == 2) copy = T.NewArray(ctx);
    else copy = T.NewObjectProto(ctx, r->proto ? object_value(r->proto) : value_of_tag(TAG_NULL));
    if (copy.tag == TAG_EXCEPTION) return copy;
    int32_t child = ri + 1;
    const IShapeProp *props = &s->sprops[r->props_at];
    const JSValue *vals = &s->slots[r->vals_at];
    for (int32_t i = 0; i < r->n + r->count; i++) {
        if (i < r->n && props[i].atom == 0) continue;
        JSValue v = vals[i];
        int rec = is_record_value(v);
        int32_t at = child;
        if (rec) child = s->recs[at].end;
        if (r->kind == 2 && i < r->n) continue; /* an array's named properties: not JSON */
        JSValue nv = rec ? before_of(t, at) : dup_value(v);
        if (nv.tag == TAG_EXCEPTION) {
            free_value(ctx, copy);
            return nv;
        }
        int ok = i < r->n ? T.DefinePropertyValue(ctx, copy, props[i].atom, nv, (int)(SP_FLAGS(props[i]) & PROP_C_W_E))
                          : T.DefinePropertyValueUint32(ctx, copy, (uint32_t)(i - r->n), nv, PROP_C_W_E);
        if (ok < 0) {
            free_value(ctx, copy);
            return value_of_tag(TAG_EXCEPTION);
        }
    }
    return copy;
}

/* The part's value before: undefined when it was absent. */
static JSValue root_before(Tracker *t, Root *rt) {
    if (rt->state == ROOT_RECORD) return before_of(t, rt->rec0);
    if (rt->state == ROOT_VALUE) return dup_value(rt->value);
    return undefined_value();
}

/* ------------------------------------------------------------------------ JSON text */
/* json(value, [Object.prototype, Array.prototype]): JSON.stringify(value) for the plain data
   the prelude serialises (tokens, change rows, records), without the engine's per-call setup:
   plain objects and fast arrays of strings, numbers, booleans and null. null (never a
   JSON.stringify answer) when the value needs JSON.stringify itself: a toJSON anywhere it
   would be looked up, an accessor, an integer-like key (JSON orders those first), any other
   kind of object, a BigInt, a fractional number (formatted by the engine), nesting deeper
   than MAX_JSON_DEPTH (a cycle: JSON.stringify throws its own TypeError). */
typedef struct {
    int ref_count;
    uint32_t len_wide; /* len : 31, is_wide_char : 1 */
    uint32_t hash_atom;
    uint32_t hash_next;
    union {
        uint8_t str8[1];
        uint16_t str16[1];
    } u;
} IString;
_Static_assert(offsetof(IString, u) == 16, "JSString layout");
#define STR_LEN(p) ((p)->len_wide & 0x7fffffffu)
#define STR_WIDE(p) ((p)->len_wide >> 31)
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

static const char HEX[] = "0123456789abcdef";

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
        } else if (c < 0x80) {
            *o++ = (char)c;
        } else if (c < 0x800) {
            *o++ = (char)(0xc0 | (c >> 6));
            *o++ = (char)(0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
            *o++ = (char)(0xe0 | (c >> 12));
            *o++ = (char)(0x80 | ((c >> 6) & 0x3f));
            *o++ = (char)(0x80 | (c & 0x3f));
        } else {
            size_t at = (size_t)(o - t->buf);
            t->len = at;
            if (text_grow(t, 4 + (size_t)(n - i) * 3 + 1) < 0) return -1;
            o = t->buf + at;
            *o++ = (char)(0xf0 | (c >> 18));
            *o++ = (char)(0x80 | ((c >> 12) & 0x3f));
            *o++ = (char)(0x80 | ((c >> 6) & 0x3f));
            *o++ = (char)(0x80 | (c & 0x3f));
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
        return text_put(t, num, (size_t)snprintf(num, sizeof num, "%d", v.u.int32)) < 0 ? JSON_FAIL : JSON_OK;
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
        if (d >= -9007199254740992.0 && d <= 9007199254740992.0 && d == (double)(int64_t)d) {
            long long k = (long long)d;
            return text_put(t, num, (size_t)snprintf(num, sizeof num, "%lld", k)) < 0 ? JSON_FAIL : JSON_OK;
        }
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
    if (o->class_id != CLASS_OBJECT) {
        /* A function is left out as JSON.stringify leaves it out (when it has no toJSON:
           let the engine decide anything else). */
        return JSON_ASK;
    }
    if ((o->flags & OBJ_EXOTIC) || (sh->proto != j->object_proto && sh->proto != NULL)) return JSON_ASK;
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
        JSValue key = T.AtomToValue(j->ctx, sp.atom);
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
    if (to_json_atom == 0) to_json_atom = T.NewAtom(ctx, "toJSON"); /* one of the engine's own atoms */
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

/* ------------------------------------------------------------------------ the results */
typedef struct {
    JSValue arr;
    uint32_t n;
    int failed;
} Out;

static void push(Tracker *t, Out *out, JSValue v) {
    if (out->failed) {
        free_value(t->ctx, v);
        return;
    }
    if (v.tag == TAG_EXCEPTION || T.SetPropertyUint32(t->ctx, out->arr, out->n++, v) < 0) out->failed = 1;
}

static JSValue new_list(Tracker *t, Out *list) {
    list->arr = T.NewArray(t->ctx);
    list->n = 0;
    list->failed = list->arr.tag == TAG_EXCEPTION;
    return list->arr;
}

enum { KIND_ADDED = 0, KIND_KEYED = 1, KIND_REPLACED = 2 };

/* Where atom is among a shape's n properties (try `at` first), or -1. */
static int32_t find_prop(const IShapeProp *props, int32_t n, JSAtom atom, int32_t at) {
    if (at >= 0 && at < n && props[at].atom == atom) return at;
    for (int32_t i = 0; i < n; i++)
        if (props[i].atom == atom) return i;
    return -1;
}

/* Whether the rule changed a top-level key the part's object had (not only added keys). */
static int old_keys_changed(State *s, Root *rt, IObject *o) {
    Rec *r = &s->recs[rt->rec0];
    IShape *sh = o->shape;
    const IShapeProp *old = &s->sprops[r->props_at];
    const JSValue *vals = &s->slots[r->vals_at];
    int32_t child = rt->rec0 + 1;
    for (int32_t i = 0; i < r->n; i++) {
        if (old[i].atom == 0) continue;
        JSValue v = vals[i];
        int rec = is_record_value(v);
        int32_t at = child;
        if (rec) child = s->recs[at].end;
        int32_t j = find_prop(sh->prop, sh->prop_count, old[i].atom, i);
        if (j < 0 || SP_FLAGS(sh->prop[j]) != SP_FLAGS(old[i]) || !same_value(o->prop[j], v) ||
            (rec && !range_same(s, at, s->recs[at].end)))
            return 1;
    }
    return 0;
}

/* The rows of keys only added: count, then (path, JSON) for each key whose value is in the
   JSON (30-tracking.js keyJson), or (key, null) for the prelude to write (an accessor, a
   value the serialiser leaves to JSON.stringify). */
static void added_rows(Tracker *t, Out *out, Root *rt, IObject *o, Json *j, int json_ok) {
    State *s = t->s;
    JSContext *ctx = t->ctx;
    Rec *r = &s->recs[rt->rec0];
    IShape *sh = o->shape;
    const IShapeProp *old = &s->sprops[r->props_at];
    uint32_t count_at = out->n, count = 0;
    push(t, out, new_int(0));
    for (int32_t k = 0; k < sh->prop_count && !out->failed; k++) {
        IShapeProp sp = sh->prop[k];
        if (sp.atom == 0 || find_prop(old, r->n, sp.atom, k) >= 0) continue;
        uint32_t flags = SP_FLAGS(sp);
        if (!(flags & PROP_ENUMERABLE)) continue;
        JSValue key = T.AtomToValue(ctx, sp.atom);
        if (key.tag == TAG_EXCEPTION) {
            out->failed = 1;
            break;
        }
        if (key.tag != TAG_STRING) { /* a symbol: never in the JSON */
            free_value(ctx, key);
            continue;
        }
        JSValue json = value_of_tag(TAG_NULL);
        int res = json_ok && !(flags & PROP_TMASK) ? json_text(j, o->prop[k], &json) : JSON_ASK;
        if (res == JSON_FAIL) {
            free_value(ctx, key);
            out->failed = 1;
            break;
        }
        if (res == JSON_SKIP) {
            free_value(ctx, key);
            continue;
        }
        if (res == JSON_OK) {
            JSValue path = key_path(j, key);
            free_value(ctx, key);
            push(t, out, path);
        } else push(t, out, key);
        push(t, out, json);
        count++;
    }
    if (!out->failed && T.SetPropertyUint32(ctx, out->arr, count_at, new_int((int32_t)count)) < 0) out->failed = 1;
}

/* Part p's change, written to out: [p, KIND_ADDED, n, (path, JSON) * n] when the rule only
   added keys (added_rows), [p, KIND_KEYED, [old keys], [their values before], [their
   enumerability], [new keys]] when it changed some top-level keys of the same object (old
   keys in their order before, new keys in their order now), [p, KIND_REPLACED, value before]
   otherwise (the part replaced, not an object, or keys that are array indexes: the prelude
   diffs the whole part). */
static void describe(Tracker *t, Out *out, int p, Root *rt, JSValue now, int now_kind, Json *j, int json_ok) {
    State *s = t->s;
    JSContext *ctx = t->ctx;
    int replaced = rt->state != ROOT_RECORD || now_kind != 1 || !same_value(now, rt->value) ||
                   s->recs[rt->rec0].kind != 1;
    if (!replaced) {
        Rec *r = &s->recs[rt->rec0];
        /* Keys that are integers order differently in JSON: whole-part diff. */
        IShape *sh = ((IObject *)now.u.ptr)->shape;
        const IShapeProp *old = &s->sprops[r->props_at];
        for (int32_t i = 0; i < r->n && !replaced; i++) replaced = (old[i].atom & ATOM_TAG_INT) != 0;
        for (int32_t i = 0; i < sh->prop_count && !replaced; i++) replaced = (sh->prop[i].atom & ATOM_TAG_INT) != 0;
    }
    push(t, out, new_int(p));
    if (replaced) {
        push(t, out, new_int(KIND_REPLACED));
        push(t, out, root_before(t, rt));
        return;
    }
    IObject *o = (IObject *)now.u.ptr;
    if (!old_keys_changed(s, rt, o)) {
        push(t, out, new_int(KIND_ADDED));
        added_rows(t, out, rt, o, j, json_ok);
        return;
    }
    Rec *r = &s->recs[rt->rec0];
    IShape *sh = o->shape;
    const IShapeProp *old = &s->sprops[r->props_at];
    const JSValue *vals = &s->slots[r->vals_at];
    Out keys, values, enums, added;
    new_list(t, &keys);
    new_list(t, &values);
    new_list(t, &enums);
    new_list(t, &added);
    int32_t child = rt->rec0 + 1;
    for (int32_t i = 0; i < r->n; i++) {
        if (old[i].atom == 0) continue;
        JSValue v = vals[i];
        int rec = is_record_value(v);
        int32_t at = child;
        if (rec) child = s->recs[at].end;
        int32_t k = find_prop(sh->prop, sh->prop_count, old[i].atom, i);
        int changed = k < 0 || SP_FLAGS(sh->prop[k]) != SP_FLAGS(old[i]) || !same_value(o->prop[k], v) ||
                      (rec && !range_same(s, at, s->recs[at].end));
        if (!changed) continue;
        push(t, &keys, T.AtomToValue(ctx, old[i].atom));
        push(t, &values, rec ? before_of(t, at) : dup_value(v));
        JSValue enumerable;
        enumerable.u.int32 = (SP_FLAGS(old[i]) & PROP_ENUMERABLE) ? 1 : 0;
        enumerable.tag = TAG_BOOL;
        push(t, &enums, enumerable);
    }
    for (int32_t k = 0; k < sh->prop_count; k++) {
        if (sh->prop[k].atom == 0) continue;
        if (find_prop(old, r->n, sh->prop[k].atom, k) >= 0) continue;
        push(t, &added, T.AtomToValue(ctx, sh->prop[k].atom));
    }
    if (keys.failed || values.failed || enums.failed || added.failed) out->failed = 1;
    push(t, out, new_int(KIND_KEYED));
    push(t, out, keys.arr);
    push(t, out, values.arr);
    push(t, out, enums.arr);
    push(t, out, added.arr);
}

/* ------------------------------------------------------------------ the built-ins */
/* intrinsicsSnap(mem, objects) / intrinsicsSame(mem, objects): the pollution check's quick
   test (50-pollution.js). Snap records the objects' shapes (keys, flags, prototype) and the
   bits of every property value; Same answers 1 when all are as recorded, 0 when anything
   differs (the prelude then runs its full comparison, restores what a rule changed and snaps
   again), -1 when it cannot tell (the prelude's own test decides). The objects are the
   prelude's (Object.prototype, Array.prototype, ...), held by it for the context's life; the
   values need no reference here: the prelude's snapshot of the built-ins holds every one. */
#define MAX_INTRINSICS 64
#define MAX_INTRINSIC_PROPS 8192

typedef struct {
    void *obj, *proto;
    int32_t n, deleted, at;
    uint8_t extensible;
} Intrinsic;

typedef struct {
    uint32_t magic;
    int32_t n, ok;
    Intrinsic objs[MAX_INTRINSICS];
    IShapeProp props[MAX_INTRINSIC_PROPS];
    JSValue vals[MAX_INTRINSIC_PROPS];
} Intrinsics;

static Intrinsics *intrinsics_of(JSContext *ctx, int argc, JSValue *argv, IObject **list) {
    if (argc < 2 || argv[0].tag != TAG_OBJECT || argv[1].tag != TAG_OBJECT) return NULL;
    IObject *mem = (IObject *)argv[0].u.ptr;
    *list = (IObject *)argv[1].u.ptr;
    if (mem->class_id != CLASS_ARRAY_BUFFER || (*list)->class_id != CLASS_ARRAY || !((*list)->flags & OBJ_FAST_ARRAY) ||
        (*list)->u.array.count > MAX_INTRINSICS)
        return NULL;
    size_t size = 0;
    uint8_t *buf = T.GetArrayBuffer(ctx, &size, argv[0]);
    if (buf == NULL || size < sizeof(Intrinsics)) return NULL;
    return (Intrinsics *)buf;
}

static JSValue js_intrinsics_snap(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    IObject *list;
    Intrinsics *in = intrinsics_of(ctx, argc, argv, &list);
    if (in == NULL) return new_int(-1);
    in->magic = STATE_MAGIC;
    in->ok = 0;
    int32_t at = 0;
    uint32_t n = list->u.array.count;
    for (uint32_t i = 0; i < n; i++) {
        JSValue v = list->u.array.values[i];
        if (v.tag != TAG_OBJECT) return new_int(-1);
        IObject *o = (IObject *)v.u.ptr;
        IShape *sh = o->shape;
        if (at + sh->prop_count > MAX_INTRINSIC_PROPS) return new_int(-1);
        Intrinsic *x = &in->objs[i];
        x->obj = o;
        x->proto = sh->proto;
        x->n = sh->prop_count;
        x->deleted = sh->deleted_prop_count;
        x->extensible = o->flags & 1;
        x->at = at;
        memcpy(&in->props[at], sh->prop, sizeof(IShapeProp) * (size_t)sh->prop_count);
        memcpy(&in->vals[at], o->prop, sizeof(JSValue) * (size_t)sh->prop_count);
        at += sh->prop_count;
    }
    in->n = (int32_t)n;
    in->ok = 1;
    return new_int(1);
}

static JSValue js_intrinsics_same(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    IObject *list;
    Intrinsics *in = intrinsics_of(ctx, argc, argv, &list);
    if (in == NULL || in->magic != STATE_MAGIC || !in->ok || (int32_t)list->u.array.count != in->n) return new_int(-1);
    for (int32_t i = 0; i < in->n; i++) {
        Intrinsic *x = &in->objs[i];
        JSValue v = list->u.array.values[i];
        if (v.tag != TAG_OBJECT || v.u.ptr != x->obj) return new_int(-1);
        IObject *o = (IObject *)x->obj;
        IShape *sh = o->shape;
        if (sh->proto != x->proto || sh->prop_count != x->n || sh->deleted_prop_count != x->deleted ||
            (o->flags & 1) != x->extensible)
            return new_int(0);
        const IShapeProp *props = &in->props[x->at];
        for (int32_t k = 0; k < x->n; k++)
            if (sh->prop[k].atom != props[k].atom || SP_FLAGS(sh->prop[k]) != SP_FLAGS(props[k])) return new_int(0);
        if (memcmp(o->prop, &in->vals[x->at], sizeof(JSValue) * (size_t)x->n) != 0) {
            /* (Raw bytes first; an int's unused half may differ: compare as values.) */
            for (int32_t k = 0; k < x->n; k++) {
                if (props[k].atom == 0) continue;
                if (SP_FLAGS(props[k]) & PROP_TMASK) {
                    if (memcmp(&o->prop[k], &in->vals[x->at + k], sizeof(JSValue)) != 0) return new_int(0);
                } else if (!same_value(o->prop[k], in->vals[x->at + k])) return new_int(0);
            }
        }
    }
    return new_int(1);
}

static PyObject *intrinsics_size(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return PyLong_FromSize_t(sizeof(Intrinsics));
}

/* --------------------------------------------------------------- the JavaScript side */
/* The tracker of a call's (mem, hold) arguments, or 0 (not ours: nothing is done). */
static int tracker_of(JSContext *ctx, int argc, JSValue *argv, Tracker *t) {
    if (argc < 2 || argv[0].tag != TAG_OBJECT || argv[1].tag != TAG_OBJECT) return 0;
    IObject *mem = (IObject *)argv[0].u.ptr, *h = (IObject *)argv[1].u.ptr;
    if (mem->class_id != CLASS_ARRAY_BUFFER || h->class_id != CLASS_ARRAY || !(h->flags & OBJ_FAST_ARRAY)) return 0;
    size_t size = 0;
    uint8_t *buf = T.GetArrayBuffer(ctx, &size, argv[0]);
    if (buf == NULL || size < sizeof(State)) return 0;
    t->ctx = ctx;
    t->s = (State *)buf;
    t->hold = h->u.array.values;
    t->hold_cap = h->u.array.count;
    if (t->s->magic != STATE_MAGIC) {
        memset(t->s, 0, sizeof(State));
        t->s->magic = STATE_MAGIC;
    }
    return 1;
}

static int parts_ready(Tracker *t) {
    State *s = t->s;
    if (!s->layout_ok) return 0;
    if (s->atoms[1] != 0) return 1;
    for (int p = 1; p < N_PARTS; p++) {
        s->atoms[p] = T.NewAtom(t->ctx, PART_KEYS[p]); /* kept for the context's life */
        if (s->atoms[p] == 0) return 0;
    }
    return 1;
}

/* trackCheck(mem, hold, samples): whether the engine's objects and strings are laid out as
   this file reads them, on samples the prelude made: [{"a":1,"b":"x","c":[1,2],"d":{"e":true}},
   new Error('x'), new Date(0), new ArrayBuffer(8), '\u0101x']. Records the answer in mem. */
static JSValue js_track_check(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    Tracker t;
    if (!tracker_of(ctx, argc, argv, &t) || argc < 3 || argv[2].tag != TAG_OBJECT) return new_int(0);
    IObject *list = (IObject *)argv[2].u.ptr;
    if (!(list->flags & OBJ_FAST_ARRAY) || list->u.array.count != 5) return new_int(0);
    JSValue *samples = list->u.array.values;
    for (int i = 0; i < 4; i++)
        if (samples[i].tag != TAG_OBJECT) return new_int(0);
    if (samples[4].tag != TAG_STRING) return new_int(0);
    const IString *wide = (const IString *)samples[4].u.ptr;
    if (STR_LEN(wide) != 2 || !STR_WIDE(wide) || wide->u.str16[0] != 0x101 || wide->u.str16[1] != 'x') return new_int(0);
    IObject *obj = (IObject *)samples[0].u.ptr;
    if (obj->class_id != CLASS_OBJECT || ((IObject *)samples[1].u.ptr)->class_id != CLASS_ERROR ||
        ((IObject *)samples[2].u.ptr)->class_id != CLASS_DATE ||
        ((IObject *)samples[3].u.ptr)->class_id != CLASS_ARRAY_BUFFER)
        return new_int(0);
    IShape *sh = obj->shape;
    static const char *const names[4] = {"a", "b", "c", "d"};
    if (sh->prop_count != 4 || sh->deleted_prop_count != 0) return new_int(0);
    for (int i = 0; i < 4; i++) {
        if (SP_FLAGS(sh->prop[i]) != PROP_C_W_E) return new_int(0);
        const char *name = T.AtomToCString(ctx, sh->prop[i].atom);
        int same = name != NULL && strcmp(name, names[i]) == 0;
        if (name != NULL) E.FreeCString(ctx, name);
        if (!same) return new_int(0);
    }
    JSValue *pv = obj->prop;
    if (pv[0].tag != TAG_INT || pv[0].u.int32 != 1 || pv[1].tag != TAG_STRING || pv[2].tag != TAG_OBJECT ||
        pv[3].tag != TAG_OBJECT)
        return new_int(0);
    const IString *narrow = (const IString *)pv[1].u.ptr;
    if (STR_LEN(narrow) != 1 || STR_WIDE(narrow) || narrow->u.str8[0] != 'x') return new_int(0);
    IObject *arr = (IObject *)pv[2].u.ptr, *inner = (IObject *)pv[3].u.ptr;
    if (arr->class_id != CLASS_ARRAY || !(arr->flags & OBJ_FAST_ARRAY) || !(arr->flags & OBJ_EXOTIC) ||
        arr->u.array.count != 2 || arr->u.array.values[1].tag != TAG_INT || arr->u.array.values[1].u.int32 != 2 ||
        arr->shape->prop_count < 1 || arr->prop[0].tag != TAG_INT || arr->prop[0].u.int32 != 2)
        return new_int(0);
    if (inner->class_id != CLASS_OBJECT || (inner->flags & OBJ_EXOTIC) || inner->shape->prop_count != 1 ||
        inner->prop[0].tag != TAG_BOOL || inner->prop[0].u.int32 != 1)
        return new_int(0);
    JSValue proto = T.GetPrototype(ctx, samples[0]);
    int proto_ok = proto.tag == TAG_OBJECT && proto.u.ptr == sh->proto;
    if (proto.tag != TAG_EXCEPTION) free_value(ctx, proto);
    if (!proto_ok) return new_int(0);
    t.s->layout_ok = 1;
    return new_int(1);
}

/* trackBegin(mem, hold, user, context): snapshot a login's parts; the mask of the opaque
   ones (bit p for part p), which the prelude compares as JSON; -1 when the tracker is off. */
static JSValue js_track_begin(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    Tracker t;
    if (!tracker_of(ctx, argc, argv, &t) || argc < 4 || !parts_ready(&t)) return new_int(-1);
    release(&t);
    t.s->active = 1;
    int mask = 0;
    for (int p = 1; p < N_PARTS; p++) {
        t.s->roots[p].hint = -1;
        snap_root(&t, p, ON_USER(p) ? argv[2] : argv[3]);
        if (t.s->roots[p].state == ROOT_OPAQUE) mask |= 1 << p;
    }
    return new_int(mask);
}

/* trackCollect(mem, hold, user, context, [Object.prototype, Array.prototype]): what the rule
   that ends changed in the parts (the prototypes are json()'s, for the rows it writes), and
   a new snapshot of the parts it changed. undefined when nothing changed and no part is
   opaque; else [opaque before, opaque now, ...describe() of each changed part, in part
   order]. The opaque parts (before) are the prelude's to compare. */
static JSValue js_track_collect(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    Tracker t;
    if (!tracker_of(ctx, argc, argv, &t) || argc < 4 || !t.s->active) return undefined_value();
    State *s = t.s;
    Out out;
    out.arr = undefined_value();
    out.n = 0;
    out.failed = 0;
    int before = 0, now_mask = 0, json_ok = -1;
    Json j;
    j.text.buf = j.text.small;
    for (int p = 1; p < N_PARTS; p++) {
        Root *rt = &s->roots[p];
        JSValue holder = ON_USER(p) ? argv[2] : argv[3];
        if (rt->state == ROOT_OPAQUE) {
            before |= 1 << p;
            snap_root(&t, p, holder);
            if (rt->state == ROOT_OPAQUE) now_mask |= 1 << p;
            continue;
        }
        JSValue v = undefined_value();
        int k = lookup(holder, s->atoms[p], &rt->hint, &v);
        int changed;
        if (k < 0) changed = 1;
        else if (k == 0) changed = rt->state != ROOT_ABSENT;
        else if (rt->state == ROOT_ABSENT || !same_value(v, rt->value)) changed = 1;
        else changed = rt->state == ROOT_RECORD && !range_same(s, rt->rec0, rt->rec1);
        if (!changed) continue;
        if (out.arr.tag == TAG_UNDEFINED) {
            if (new_list(&t, &out).tag == TAG_EXCEPTION) return out.arr;
            push(&t, &out, new_int(0));
            push(&t, &out, new_int(0));
        }
        int now_kind = 0;
        if (k > 0 && v.tag == TAG_OBJECT) {
            uint16_t c = ((IObject *)v.u.ptr)->class_id;
            now_kind = c == CLASS_OBJECT ? 1 : 0;
        }
        if (json_ok < 0) json_ok = argc >= 5 && json_begin(&j, ctx, argv[4]);
        describe(&t, &out, p, rt, v, now_kind, &j, json_ok);
        snap_root(&t, p, holder);
        if (rt->state == ROOT_OPAQUE) now_mask |= 1 << p;
    }
    if (json_ok > 0) json_end(&j);
    if (out.arr.tag == TAG_UNDEFINED) {
        if (before == 0 && now_mask == 0) return undefined_value();
        if (new_list(&t, &out).tag == TAG_EXCEPTION) return out.arr;
        push(&t, &out, new_int(0));
        push(&t, &out, new_int(0));
    }
    if (out.failed) {
        free_value(ctx, out.arr);
        return E.ThrowOutOfMemory(ctx);
    }
    T.SetPropertyUint32(ctx, out.arr, 0, new_int(before));
    T.SetPropertyUint32(ctx, out.arr, 1, new_int(now_mask));
    return out.arr;
}

/* trackEnd(mem, hold): the login is over: drop its snapshot. */
static JSValue js_track_end(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    Tracker t;
    if (tracker_of(ctx, argc, argv, &t) && (t.s->active || t.s->n_hold)) release(&t);
    return undefined_value();
}

static const HostFunction FUNCTIONS[] = {
    {"trackCheck", js_track_check, 3},
    {"trackBegin", js_track_begin, 4},
    {"trackCollect", js_track_collect, 5},
    {"trackEnd", js_track_end, 2},
    {"json", js_json, 2},
    {"intrinsicsSnap", js_intrinsics_snap, 2},
    {"intrinsicsSame", js_intrinsics_same, 2},
};

/* install(context, library, name, global_name), as the other extensions', once the tracker's
   own engine functions are found. */
static PyObject *install(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *context;
    const char *library, *name, *global_name;
    if (!PyArg_ParseTuple(args, "Osss", &context, &library, &name, &global_name)) return NULL;
    if (!load_tracker(library)) {
        PyErr_SetString(PyExc_RuntimeError, "the quickjs binding's library does not export the "
                                            "engine functions rulesim's change tracker needs");
        return NULL;
    }
    return install_from(FUNCTIONS, sizeof FUNCTIONS / sizeof FUNCTIONS[0], args);
}

static PyObject *names(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return names_of(FUNCTIONS, sizeof FUNCTIONS / sizeof FUNCTIONS[0]);
}

static PyObject *state_size(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return PyLong_FromSize_t(sizeof(State));
}

static PyMethodDef METHODS[] = {
    INSTALL_AND_NAMES_METHODS,
    {"state_size", state_size, METH_NOARGS,
     "The bytes of the ArrayBuffer a tracker keeps its snapshot in (the prelude makes it)."},
    {"intrinsics_size", intrinsics_size, METH_NOARGS,
     "The bytes of the ArrayBuffer the built-ins' quick test keeps its snapshot in."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef MODULE = {
    PyModuleDef_HEAD_INIT, "rulesim.runtime._tracker",
    "The change tracker of the Rules view in C (see _tracker.c).", -1, METHODS,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__tracker(void) { return PyModule_Create(&MODULE); }

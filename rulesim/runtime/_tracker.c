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
#include "_quickjs_internals.h"

#include <stddef.h>

#include "_tracker_snapshot.h"
#include "_tracker_json.h"
#include "_tracker_parse.h"

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
    if (v.tag == TAG_EXCEPTION || E.SetPropertyUint32(t->ctx, out->arr, out->n++, v) < 0) out->failed = 1;
}

static JSValue new_list(Tracker *t, Out *list) {
    list->arr = E.NewArray(t->ctx);
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

/* Whether old property i of record r (the part's object at the snapshot) changed in o, its
   object now: gone, other flags, another value, or a change below it. *child is the record
   cursor (advanced past the property's records); *at is set to its record, or -1. */
static int old_key_changed(State *s, const Rec *r, IObject *o, int32_t i, int32_t *child, int32_t *at) {
    const IShapeProp *old = &s->sprops[r->props_at];
    JSValue v = s->slots[r->vals_at + i];
    IShape *sh = o->shape;
    *at = -1;
    if (is_record_value(v)) {
        *at = *child;
        *child = s->recs[*at].end;
    }
    int32_t j = find_prop(sh->prop, sh->prop_count, old[i].atom, i);
    return j < 0 || SP_FLAGS(sh->prop[j]) != SP_FLAGS(old[i]) || !same_value(o->prop[j], v) ||
           (*at >= 0 && !range_same(s, *at, s->recs[*at].end));
}

/* Whether the rule changed a top-level key the part's object had (not only added keys). */
static int old_keys_changed(State *s, Root *rt, IObject *o) {
    Rec *r = &s->recs[rt->rec0];
    int32_t child = rt->rec0 + 1, at;
    for (int32_t i = 0; i < r->n; i++)
        if (s->sprops[r->props_at + i].atom != 0 && old_key_changed(s, r, o, i, &child, &at)) return 1;
    return 0;
}

/* Whether the part's change, now `now`, is one to keep key by key: the same plain object as
   at the snapshot, with no integer-like key before or now (those order differently in JSON:
   the whole part is diffed). */
static int same_object(State *s, Root *rt, JSValue now, int now_kind) {
    if (rt->state != ROOT_RECORD || now_kind != 1 || !same_value(now, rt->value) || s->recs[rt->rec0].kind != 1)
        return 0;
    Rec *r = &s->recs[rt->rec0];
    IShape *sh = ((IObject *)now.u.ptr)->shape;
    const IShapeProp *old = &s->sprops[r->props_at];
    for (int32_t i = 0; i < r->n; i++)
        if (old[i].atom & ATOM_TAG_INT) return 0;
    for (int32_t i = 0; i < sh->prop_count; i++)
        if (sh->prop[i].atom & ATOM_TAG_INT) return 0;
    return 1;
}

/* The next key the rule added to the part's object o (its record at the snapshot: rt), from
   property *k on, that JSON can hold (enumerable, a string): 1 with *key (a new reference)
   and *k its property's index (the caller moves past it), 0 when there is none left, -1 out
   of memory. */
static int next_added_key(Tracker *t, Root *rt, IObject *o, int32_t *k, JSValue *key) {
    State *s = t->s;
    Rec *r = &s->recs[rt->rec0];
    IShape *sh = o->shape;
    const IShapeProp *old = &s->sprops[r->props_at];
    for (; *k < sh->prop_count; (*k)++) {
        IShapeProp sp = sh->prop[*k];
        if (sp.atom == 0 || find_prop(old, r->n, sp.atom, *k) >= 0 || !(SP_FLAGS(sp) & PROP_ENUMERABLE)) continue;
        *key = E.AtomToValue(t->ctx, sp.atom);
        if (key->tag == TAG_EXCEPTION) return -1;
        if (key->tag == TAG_STRING) return 1;
        free_value(t->ctx, *key); /* a symbol: never in the JSON */
    }
    return 0;
}

/* The rows of keys only added: count, then (path, JSON) for each key whose value is in the
   JSON (30-tracking.js keyJson), or (key, null) for the prelude to write (an accessor, a
   value the serialiser leaves to JSON.stringify). */
static void added_rows(Tracker *t, Out *out, Root *rt, IObject *o, Json *j, int json_ok) {
    JSContext *ctx = t->ctx;
    uint32_t count_at = out->n, count = 0;
    push(t, out, new_int(0));
    JSValue key;
    int got;
    for (int32_t k = 0; !out->failed && (got = next_added_key(t, rt, o, &k, &key)) != 0; k++) {
        if (got < 0) {
            out->failed = 1;
            break;
        }
        JSValue json = value_of_tag(TAG_NULL);
        int res = json_ok && !(SP_FLAGS(o->shape->prop[k]) & PROP_TMASK) ? json_text(j, o->prop[k], &json) : JSON_ASK;
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
    if (!out->failed && E.SetPropertyUint32(ctx, out->arr, count_at, new_int((int32_t)count)) < 0) out->failed = 1;
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
    int replaced = !same_object(s, rt, now, now_kind);
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
    int32_t child = rt->rec0 + 1, at;
    for (int32_t i = 0; i < r->n; i++) {
        if (old[i].atom == 0 || !old_key_changed(s, r, o, i, &child, &at)) continue;
        JSValue v = vals[i];
        int rec = at >= 0;
        push(t, &keys, E.AtomToValue(ctx, old[i].atom));
        push(t, &values, rec ? before_of(t, at) : dup_value(v));
        JSValue enumerable;
        enumerable.u.int32 = (SP_FLAGS(old[i]) & PROP_ENUMERABLE) ? 1 : 0;
        enumerable.tag = TAG_BOOL;
        push(t, &enums, enumerable);
    }
    for (int32_t k = 0; k < sh->prop_count; k++) {
        if (sh->prop[k].atom == 0) continue;
        if (find_prop(old, r->n, sh->prop[k].atom, k) >= 0) continue;
        push(t, &added, E.AtomToValue(ctx, sh->prop[k].atom));
    }
    if (keys.failed || values.failed || enums.failed || added.failed) out->failed = 1;
    push(t, out, new_int(KIND_KEYED));
    push(t, out, keys.arr);
    push(t, out, values.arr);
    push(t, out, enums.arr);
    push(t, out, added.arr);
}

#include "_tracker_intrinsics.h"

/* --------------------------------------------------------------- the JavaScript side */
/* The tracker of a call's (mem, hold) arguments, or 0 (not ours: nothing is done). */
static int tracker_of(JSContext *ctx, int argc, JSValue *argv, Tracker *t) {
    if (argc < 2 || argv[0].tag != TAG_OBJECT || argv[1].tag != TAG_OBJECT) return 0;
    IObject *mem = (IObject *)argv[0].u.ptr, *h = (IObject *)argv[1].u.ptr;
    if (mem->class_id != CLASS_ARRAY_BUFFER || h->class_id != CLASS_ARRAY || !(h->flags & OBJ_FAST_ARRAY)) return 0;
    size_t size = 0;
    uint8_t *buf = E.GetArrayBuffer(ctx, &size, argv[0]);
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
        s->atoms[p] = E.NewAtom(t->ctx, PART_KEYS[p]); /* kept for the context's life */
        if (s->atoms[p] == 0) return 0;
    }
    return 1;
}

#include "_tracker_tokens.h"
#include "_tracker_record.h"

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
        const char *name = E.AtomToCString(ctx, sh->prop[i].atom);
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
    JSValue proto = E.GetPrototype(ctx, samples[0]);
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

/* ------------------------------------------------------------------ rows written here */
/* The common changes need no JavaScript: keys only added to a part, and a part that was
   absent and now holds a value (a rule that creates context.multifactor or a user's
   app_metadata). Their rows, written as the prelude writes them (30-tracking.js rowsAdded,
   and wholeRows over an absent part: one 'add' row at the part's root), go straight into the
   login's change rows when trackCollect is given them (Rows), as long as no part before them
   needs the prelude: rows stay in part order. */
typedef struct {
    Out out;          /* S.changes, borrowed: the rows are appended to it */
    JSValue rule;     /* the rule's index (an int) */
    const JSValue *words; /* [row op 'add', the target of part 1, ..., of part 8] */
} Rows;

/* Set up rows from trackCollect's (changes, rule, words) arguments; 0 when they are not the
   prelude's (the rows then go back to it, as without them). */
static int rows_of(Rows *rows, int argc, JSValue *argv) {
    if (argc < 8 || argv[5].tag != TAG_OBJECT || argv[6].tag != TAG_INT || argv[7].tag != TAG_OBJECT) return 0;
    IObject *changes = (IObject *)argv[5].u.ptr, *words = (IObject *)argv[7].u.ptr;
    if (changes->class_id != CLASS_ARRAY || !(changes->flags & OBJ_FAST_ARRAY) || words->class_id != CLASS_ARRAY ||
        !(words->flags & OBJ_FAST_ARRAY) || words->u.array.count != N_PARTS)
        return 0;
    for (int p = 0; p < N_PARTS; p++)
        if (words->u.array.values[p].tag != TAG_STRING) return 0;
    rows->out.arr = argv[5];
    rows->out.n = changes->u.array.count;
    rows->out.failed = 0;
    rows->rule = argv[6];
    rows->words = words->u.array.values;
    return 1;
}

/* Append a row of part p: rule, target, path, 'add', null, json (path and json: new
   references, taken). */
static void add_row(Tracker *t, Rows *rows, int p, JSValue path, JSValue json) {
    push(t, &rows->out, rows->rule);
    push(t, &rows->out, dup_value(rows->words[p]));
    push(t, &rows->out, path);
    push(t, &rows->out, dup_value(rows->words[0]));
    push(t, &rows->out, value_of_tag(TAG_NULL));
    push(t, &rows->out, json);
}

enum { ROWS_DONE = 0, ROWS_PRELUDE = 1 };

/* Write the rows of part p's change here when they need no JavaScript (ROWS_DONE), else
   leave rows as they were (ROWS_PRELUDE: describe() hands the change to the prelude). */
static int direct_rows(Tracker *t, Rows *rows, int p, Root *rt, int k, JSValue now, int now_kind, Json *j, int json_ok) {
    State *s = t->s;
    JSContext *ctx = t->ctx;
    if (!json_ok || k <= 0) return ROWS_PRELUDE;
    uint32_t n0 = rows->out.n;
    if (rt->state == ROOT_ABSENT || (rt->state == ROOT_VALUE && rt->value.tag == TAG_UNDEFINED)) {
        /* Absent before: the whole value is added at the part's root (nothing, when JSON
           leaves it out). */
        JSValue json = value_of_tag(TAG_NULL);
        int res = json_text(j, now, &json);
        if (res == JSON_SKIP) return ROWS_DONE;
        if (res == JSON_FAIL) rows->out.failed = 1;
        if (res != JSON_OK) return ROWS_PRELUDE;
        add_row(t, rows, p, empty_string(ctx), json);
        return ROWS_DONE;
    }
    /* Keys only added to the same plain object (describe()'s KIND_ADDED). */
    if (!same_object(s, rt, now, now_kind)) return ROWS_PRELUDE;
    IObject *o = (IObject *)now.u.ptr;
    if (old_keys_changed(s, rt, o)) return ROWS_PRELUDE;
    JSValue key;
    int got;
    for (int32_t k = 0; !rows->out.failed && (got = next_added_key(t, rt, o, &k, &key)) != 0; k++) {
        if (got < 0) {
            rows->out.failed = 1;
            break;
        }
        JSValue json = value_of_tag(TAG_NULL);
        int res = SP_FLAGS(o->shape->prop[k]) & PROP_TMASK ? JSON_ASK : json_text(j, o->prop[k], &json);
        if (res == JSON_SKIP) {
            free_value(ctx, key);
            continue;
        }
        if (res != JSON_OK) {
            /* The prelude's: take back this part's rows (the array keeps its first n0). */
            free_value(ctx, key);
            if (res == JSON_FAIL) rows->out.failed = 1;
            else if (rows->out.n > n0 && E.SetPropertyStr(ctx, rows->out.arr, "length", new_int((int32_t)n0)) < 0)
                rows->out.failed = 1;
            rows->out.n = n0;
            return ROWS_PRELUDE;
        }
        JSValue path = key_path(j, key);
        free_value(ctx, key);
        add_row(t, rows, p, path, json);
    }
    return ROWS_DONE;
}

/* trackCollect(mem, hold, user, context, [Object.prototype, Array.prototype], changes, rule,
   words): what the rule that ends changed in the parts (the prototypes are json()'s, for the
   rows it writes), and a new snapshot of the parts it changed. The rows of the common changes
   are appended to `changes` (S.changes) here (see Rows; `rule` and `words` say what they hold);
   the rest is the prelude's: undefined when nothing is left to it and no part is opaque; else
   [opaque before, opaque now, ...describe() of each changed part left to it, in part order].
   The opaque parts (before) are the prelude's to compare. Without the last three arguments
   every change is the prelude's. */
static JSValue js_track_collect(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    Tracker t;
    if (!tracker_of(ctx, argc, argv, &t) || argc < 4 || !t.s->active) return undefined_value();
    State *s = t.s;
    Out out;
    out.arr = undefined_value();
    out.n = 0;
    out.failed = 0;
    Rows rows;
    int direct = rows_of(&rows, argc, argv);
    int before = 0, now_mask = 0, json_ok = -1;
    Json j;
    j.text.buf = j.text.small;
    for (int p = 1; p < N_PARTS; p++) {
        Root *rt = &s->roots[p];
        JSValue holder = ON_USER(p) ? argv[2] : argv[3];
        if (rt->state == ROOT_OPAQUE) {
            before |= 1 << p;
            direct = 0; /* the prelude writes this part's rows: the later parts' follow them */
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
        int now_kind = 0;
        if (k > 0 && v.tag == TAG_OBJECT) {
            uint16_t c = ((IObject *)v.u.ptr)->class_id;
            now_kind = c == CLASS_OBJECT ? 1 : 0;
        }
        if (json_ok < 0) json_ok = argc >= 5 && json_begin(&j, ctx, argv[4]);
        if (direct) {
            int done = direct_rows(&t, &rows, p, rt, k, v, now_kind, &j, json_ok);
            if (rows.out.failed) {
                out.failed = 1;
                break;
            }
            if (done == ROWS_DONE) {
                snap_root(&t, p, holder);
                if (rt->state == ROOT_OPAQUE) now_mask |= 1 << p;
                continue;
            }
            direct = 0;
        }
        if (out.arr.tag == TAG_UNDEFINED) {
            if (new_list(&t, &out).tag == TAG_EXCEPTION) {
                out.failed = 1;
                break;
            }
            push(&t, &out, new_int(0));
            push(&t, &out, new_int(0));
        }
        describe(&t, &out, p, rt, v, now_kind, &j, json_ok);
        snap_root(&t, p, holder);
        if (rt->state == ROOT_OPAQUE) now_mask |= 1 << p;
    }
    if (json_ok > 0) json_end(&j);
    if (out.failed) {
        if (out.arr.tag == TAG_OBJECT) free_value(ctx, out.arr);
        return E.ThrowOutOfMemory(ctx);
    }
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
    E.SetPropertyUint32(ctx, out.arr, 0, new_int(before));
    E.SetPropertyUint32(ctx, out.arr, 1, new_int(now_mask));
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
    {"trackCollect", js_track_collect, 8},
    {"trackEnd", js_track_end, 2},
    {"json", js_json, 2},
    {"joinNumbers", js_join_numbers, 2},
    {"parseJson", js_parse_json, 1},
    {"intrinsicsSnap", js_intrinsics_snap, 2},
    {"intrinsicsSame", js_intrinsics_same, 2},
    {"tokens", js_tokens, 8},
    {"recordPlain", js_record_plain, 12},
};

DEFINE_INSTALL_AND_NAMES(FUNCTIONS)

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

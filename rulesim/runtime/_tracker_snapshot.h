/*
 * The snapshot of rulesim/runtime/_tracker.c (included there: one compilation unit): the
 * state a sandbox keeps in its ArrayBuffer, the references it holds, the records of the
 * parts' objects, their comparison with the objects now, and the values they had.
 */
#ifndef RULESIM_TRACKER_SNAPSHOT_H
#define RULESIM_TRACKER_SNAPSHOT_H

#include "_quickjs_internals.h"

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

/* The atoms the login's tokens read (_tracker_tokens.h), made once for the context. */
#define MAX_TOKEN_ATOMS 48
typedef struct {
    JSAtom atoms[MAX_TOKEN_ATOMS];
    int ready;
} TokenAtoms;

/* The atoms of a rule run's fields (_tracker_record.h), made once for the context. */
#define MAX_RUN_ATOMS 8
typedef struct {
    JSAtom atoms[MAX_RUN_ATOMS];
    int ready;
} RunAtoms;

typedef struct {
    uint32_t magic;
    int32_t layout_ok;
    int32_t active;
    int32_t n_recs, n_slots, n_sprops, n_hold;
    JSAtom atoms[N_PARTS];
    TokenAtoms token_atoms; /* _tracker_tokens.h */
    RunAtoms run_atoms;     /* _tracker_record.h */
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
    JSValue v = E.AtomToValue(t->ctx, atom); /* a new reference: the atom's string or symbol */
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
    if (r->kind == 2) copy = E.NewArray(ctx);
    else copy = E.NewObjectProto(ctx, r->proto ? object_value(r->proto) : value_of_tag(TAG_NULL));
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
        int ok = i < r->n ? E.DefinePropertyValue(ctx, copy, props[i].atom, nv, (int)(SP_FLAGS(props[i]) & PROP_C_W_E))
                          : E.DefinePropertyValueUint32(ctx, copy, (uint32_t)(i - r->n), nv, PROP_C_W_E);
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

#endif

/*
 * The pollution check's quick test of the built-ins, in rulesim/runtime/_tracker.c
 * (included there: one compilation unit).
 */
#ifndef RULESIM_TRACKER_INTRINSICS_H
#define RULESIM_TRACKER_INTRINSICS_H

#include "_quickjs_internals.h"

/* intrinsicsSnap(mem, objects) / intrinsicsSame(mem, objects): the pollution check's quick
   test (50-pollution.js). Snap records the objects' shapes (keys, flags, prototype) and the
   bits of every property value; Same answers 1 when all are as recorded, 0 when anything
   differs (the prelude then runs its full comparison, restores what a rule changed and snaps
   again), -1 when it cannot tell (the prelude's own test decides). The objects are the
   prelude's (Object.prototype, Array.prototype, ...), held by it for the context's life; the
   values need no reference here: the prelude's snapshot of the built-ins holds every one. */
#define MAX_INTRINSICS 64
#define INTRINSICS_MAGIC 0x52534249u /* "RSBI" */
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
    uint8_t *buf = E.GetArrayBuffer(ctx, &size, argv[0]);
    if (buf == NULL || size < sizeof(Intrinsics)) return NULL;
    return (Intrinsics *)buf;
}

static JSValue js_intrinsics_snap(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    IObject *list;
    Intrinsics *in = intrinsics_of(ctx, argc, argv, &list);
    if (in == NULL) return new_int(-1);
    in->magic = INTRINSICS_MAGIC;
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
    if (in == NULL || in->magic != INTRINSICS_MAGIC || !in->ok || (int32_t)list->u.array.count != in->n) return new_int(-1);
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

#endif

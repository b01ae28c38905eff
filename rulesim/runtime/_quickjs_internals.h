/*
 * The engine's internal layout, as rulesim/runtime/_tracker.c reads it: objects,
 * shapes (an object's keys, flags and prototype), properties and strings of the pinned
 * version (quickjs 1.19.4, QuickJS 2021-03-27, 64-bit; the static asserts below hold the
 * offsets the engine's own comments give), and helpers on values (the engine functions are
 * _quickjs_abi.h's); and the start of the runtime, whose allocation functions
 * rulesim/runtime/_watchdog.c wraps. Not the engine's public ABI: trackCheck() verifies
 * the object layout on sample objects before the prelude relies on it, and the watchdog
 * reads back the memory limit before it wraps anything.
 */
#ifndef RULESIM_QUICKJS_INTERNALS_H
#define RULESIM_QUICKJS_INTERNALS_H

#include "_quickjs_abi.h"

#include <stddef.h>

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
enum { TAG_SYMBOL = -8, TAG_BOOL = 1 };
#define ATOM_TAG_INT (1U << 31)

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

/* The start of the runtime (quickjs.h's JSMallocFunctions, then JSMallocState): its
   allocation functions and their accounting, as the C watchdog wraps them (_watchdog.c
   checks the limit it reads against the one the engine set before it writes). */
typedef struct {
    size_t count, size, limit;
    void *opaque;
} IMallocState;
typedef struct {
    void *(*malloc)(IMallocState *, size_t);
    void (*free)(IMallocState *, void *);
    void *(*realloc)(IMallocState *, void *, size_t);
    size_t (*usable_size)(const void *);
} IMallocFunctions;
typedef struct {
    IMallocFunctions mf;
    IMallocState state;
} IRuntimeHead;
_Static_assert(offsetof(IRuntimeHead, state) == 32, "JSRuntime layout");
_Static_assert(offsetof(IRuntimeHead, state.limit) == 48, "JSRuntime layout");
/* Where the runtime keeps the allocated size past which the next object it makes runs the
   cycle collector (malloc_gc_threshold: after the head, the atom table, the classes and four
   lists). Not asserted at compile time: _watchdog.c's count_refusals checks it by writing
   it with JS_SetGCThreshold and reading it back before it uses it. */
#define RUNTIME_GC_THRESHOLD_OFFSET 192
#define STR_LEN(p) ((p)->len_wide & 0x7fffffffu)
#define STR_WIDE(p) ((p)->len_wide >> 31)
static inline JSValue undefined_value(void) { return value_of_tag(TAG_UNDEFINED); }

static inline JSValue object_value(void *p) {
    JSValue v;
    v.u.ptr = p;
    v.tag = TAG_OBJECT;
    return v;
}

static inline int same_value(JSValue a, JSValue b) {
    if (a.tag != b.tag) return 0;
    if (a.tag == TAG_FLOAT64) return memcmp(&a.u.float64, &b.u.float64, sizeof(double)) == 0;
    if (a.tag < 0) return a.u.ptr == b.u.ptr;
    return a.u.int32 == b.u.int32;
}

#endif

/*
 * The QuickJS engine as rulesim's C extensions see it: the few declarations of its public
 * ABI they use, looked up in the `quickjs` binding's own loaded library, and the install()
 * that makes a C function a global of a binding's context. Included by every extension
 * (_hostc.c, _intl.c, _watchdog.c, _tracker.c; each keeps its own copy of these static
 * functions).
 *
 * The binding exports the engine's API from its shared object but publishes no header. The
 * declarations below are the engine's public ABI for the pinned version (quickjs 1.19.4,
 * QuickJS 2021-03-27, 64-bit): a JSValue is a 16-byte struct of a payload and a tag, and
 * reference-counted values carry their count in their first int. The functions are found
 * with dlopen(RTLD_NOLOAD) + dlsym, so nothing links against a second copy of the engine,
 * and install() checks the context object's layout the way rulesim/runtime/watchdog.py does
 * before it touches anything.
 */
#ifndef RULESIM_QUICKJS_ABI_H
#define RULESIM_QUICKJS_ABI_H

#include <Python.h>

#include <dlfcn.h>
#include <stdint.h>
#include <string.h>

typedef struct JSContext JSContext;
typedef struct JSRuntime JSRuntime;
typedef union {
    int32_t int32;
    double float64;
    void *ptr;
} JSValueUnion;
typedef struct {
    JSValueUnion u;
    int64_t tag;
} JSValue;
typedef JSValue JSCFunction(JSContext *ctx, JSValue this_val, int argc, JSValue *argv);
typedef JSValue JSCFunctionData(JSContext *ctx, JSValue this_val, int argc, JSValue *argv,
                                int magic, JSValue *func_data);
typedef struct {   /* a class of objects with C state (JS_NewClass) */
    const char *class_name;
    void (*finalizer)(JSRuntime *rt, JSValue val);
    void *gc_mark, *call, *exotic;   /* unused: NULL */
} JSClassDef;

enum {
    TAG_FIRST_COUNTED = -11, /* tags from here to -1 are reference-counted */
    TAG_STRING = -7,
    TAG_OBJECT = -1,
    TAG_INT = 0,
    TAG_NULL = 2,
    TAG_UNDEFINED = 3,
    TAG_EXCEPTION = 6,
    TAG_FLOAT64 = 7,
};
#define CFUNC_GENERIC 0

static struct {
    JSValue (*NewCFunction2)(JSContext *, JSCFunction *, const char *, int, int, int);
    const char *(*ToCStringLen2)(JSContext *, size_t *, JSValue, int);
    void (*FreeCString)(JSContext *, const char *);
    JSValue (*NewStringLen)(JSContext *, const char *, size_t);
    JSValue (*GetGlobalObject)(JSContext *);
    int (*SetPropertyStr)(JSContext *, JSValue, const char *, JSValue);
    void (*FreeValueCounted)(JSContext *, JSValue);
    JSRuntime *(*GetRuntime)(JSContext *);
    void *(*GetRuntimeOpaque)(JSRuntime *);
    JSValue (*ThrowOutOfMemory)(JSContext *);
    void (*SetInterruptHandler)(JSRuntime *, int (*)(JSRuntime *, void *), void *);
    /* The change tracker's (_tracker.c): atoms, objects and arrays. */
    uint32_t (*NewAtom)(JSContext *, const char *);
    JSValue (*AtomToValue)(JSContext *, uint32_t);
    const char *(*AtomToCString)(JSContext *, uint32_t);
    uint8_t *(*GetArrayBuffer)(JSContext *, size_t *, JSValue);
    JSValue (*NewObjectProto)(JSContext *, JSValue);
    JSValue (*NewArray)(JSContext *);
    int (*DefinePropertyValue)(JSContext *, JSValue, uint32_t, JSValue, int);
    int (*DefinePropertyValueUint32)(JSContext *, JSValue, uint32_t, JSValue, int);
    int (*SetPropertyUint32)(JSContext *, JSValue, uint32_t, JSValue);
    JSValue (*GetPrototype)(JSContext *, JSValue);
    /* The JSON reader's (_tracker_parse.h). */
    JSValue (*NewObject)(JSContext *);
    uint32_t (*NewAtomLen)(JSContext *, const char *, size_t);
    uint32_t (*ValueToAtom)(JSContext *, JSValue);
    void (*FreeAtom)(JSContext *, uint32_t);
    /* crypto's digest objects (_hostc.c): a class with C state, methods with bound values. */
    uint32_t (*NewClassID)(uint32_t *);
    int (*NewClass)(JSRuntime *, uint32_t, const JSClassDef *);
    int (*IsRegisteredClass)(JSRuntime *, uint32_t);
    JSValue (*NewObjectProtoClass)(JSContext *, JSValue, uint32_t);
    void *(*GetOpaque)(JSValue, uint32_t);
    void (*SetOpaque)(JSValue, void *);
    JSValue (*NewCFunctionData)(JSContext *, JSCFunctionData *, int, int, int, JSValue *);
    JSValue (*Call)(JSContext *, JSValue, JSValue, int, JSValue *);
    void *(*Malloc)(JSContext *, size_t);
    void (*FreeRT)(JSRuntime *, void *);
    /* The batch's promise jobs (_watchdog.c runJobs). */
    int (*ExecutePendingJob)(JSRuntime *, JSContext **);
    /* The check of the collector's threshold's place (_watchdog.c count_refusals). */
    void (*SetGCThreshold)(JSRuntime *, size_t);
} E;
static int engine_ready = 0;

static inline JSValue value_of_tag(int64_t tag) {
    JSValue v;
    v.u.int32 = 0;
    v.tag = tag;
    return v;
}

static inline void free_value(JSContext *ctx, JSValue v) {
    if ((uint32_t)(int32_t)v.tag >= (uint32_t)TAG_FIRST_COUNTED) {
        int *count = (int *)v.u.ptr;
        if (--*count <= 0) E.FreeValueCounted(ctx, v);
    }
}

static inline JSValue dup_value(JSValue v) {
    if ((uint32_t)(int32_t)v.tag >= (uint32_t)TAG_FIRST_COUNTED) ++*(int *)v.u.ptr;
    return v;
}

static inline JSValue new_int(int32_t i) {
    JSValue v;
    v.u.int32 = i;
    v.tag = TAG_INT;
    return v;
}

static inline JSValue new_float(double d) {
    JSValue v;
    v.u.float64 = d;
    v.tag = TAG_FLOAT64;
    return v;
}

static inline JSValue empty_string(JSContext *ctx) { return E.NewStringLen(ctx, "", 0); }

/* The integer a number argument holds: only an int-tagged value counts, as only those reach
   native.py's functions as Python ints (its bit operations refuse floats). */
static inline int int_arg(int argc, JSValue *argv, int i, int64_t *out) {
    if (i >= argc || argv[i].tag != TAG_INT) return 0;
    *out = argv[i].u.int32;
    return 1;
}

/* A whole, positive number argument (pbkdf2's iterations and key length: either tag). */
static inline int count_arg(int argc, JSValue *argv, int i, int64_t *out) {
    if (i >= argc) return 0;
    if (argv[i].tag == TAG_INT) {
        *out = argv[i].u.int32;
        return 1;
    }
    if (argv[i].tag == TAG_FLOAT64) {
        double d = argv[i].u.float64;
        if (!(d >= 1 && d <= 9007199254740992.0) || d != (double)(int64_t)d) return 0;
        *out = (int64_t)d;
        return 1;
    }
    return 0;
}

typedef struct {
    const char *name;
    JSCFunction *fn;
    int length;
} HostFunction;

static int load_engine(const char *path) {
    if (engine_ready) return 1;
    void *lib = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
    if (lib == NULL) return 0;
#define FIND(field, symbol) *(void **)(&E.field) = dlsym(lib, symbol)
    FIND(NewCFunction2, "JS_NewCFunction2");
    FIND(ToCStringLen2, "JS_ToCStringLen2");
    FIND(FreeCString, "JS_FreeCString");
    FIND(NewStringLen, "JS_NewStringLen");
    FIND(GetGlobalObject, "JS_GetGlobalObject");
    FIND(SetPropertyStr, "JS_SetPropertyStr");
    FIND(FreeValueCounted, "__JS_FreeValue");
    FIND(GetRuntime, "JS_GetRuntime");
    FIND(GetRuntimeOpaque, "JS_GetRuntimeOpaque");
    FIND(ThrowOutOfMemory, "JS_ThrowOutOfMemory");
    FIND(SetInterruptHandler, "JS_SetInterruptHandler");
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
    FIND(NewObject, "JS_NewObject");
    FIND(NewAtomLen, "JS_NewAtomLen");
    FIND(ValueToAtom, "JS_ValueToAtom");
    FIND(FreeAtom, "JS_FreeAtom");
    FIND(NewClassID, "JS_NewClassID");
    FIND(NewClass, "JS_NewClass");
    FIND(IsRegisteredClass, "JS_IsRegisteredClass");
    FIND(NewObjectProtoClass, "JS_NewObjectProtoClass");
    FIND(GetOpaque, "JS_GetOpaque");
    FIND(SetOpaque, "JS_SetOpaque");
    FIND(NewCFunctionData, "JS_NewCFunctionData");
    FIND(Call, "JS_Call");
    FIND(Malloc, "js_malloc");
    FIND(FreeRT, "js_free_rt");
    FIND(ExecutePendingJob, "JS_ExecutePendingJob");
    FIND(SetGCThreshold, "JS_SetGCThreshold");
#undef FIND
    dlclose(lib);   /* the binding's module keeps it loaded */
    void **all = (void **)&E;
    for (size_t i = 0; i < sizeof E / sizeof(void *); i++)
        if (all[i] == NULL) return 0;
    engine_ready = 1;
    return 1;
}

/* The layout of the binding's context object: the Python header, then the runtime and the
   context pointers (checked in install). */
typedef struct {
    PyObject_HEAD
    JSRuntime *runtime;
    JSContext *context;
} BindingContext;

/* The checked context of a binding's context object, or NULL with a Python exception set. */
static BindingContext *binding_context(PyObject *context, const char *library) {
    if (strcmp(Py_TYPE(context)->tp_name, "_quickjs.Context") != 0) {
        PyErr_SetString(PyExc_TypeError, "install() takes a quickjs.Context");
        return NULL;
    }
    if (!load_engine(library)) {
        PyErr_SetString(PyExc_RuntimeError, "the quickjs binding's library does not export the "
                                            "engine functions rulesim's native host functions need");
        return NULL;
    }
    BindingContext *bc = (BindingContext *)context;
    if (bc->runtime == NULL || bc->context == NULL || E.GetRuntime(bc->context) != bc->runtime ||
        E.GetRuntimeOpaque(bc->runtime) != (void *)context) {
        PyErr_SetString(PyExc_RuntimeError, "the installed quickjs binding is not the version rulesim "
                                            "supports (its context could not be found)");
        return NULL;
    }
    return bc;
}

/* install(context, library, name, global_name) of a module whose functions are `table`. */
static PyObject *install_from(const HostFunction *table, size_t n_table, PyObject *args) {
    PyObject *context;
    const char *library, *name, *global_name;
    if (!PyArg_ParseTuple(args, "Osss", &context, &library, &name, &global_name)) return NULL;
    BindingContext *bc = binding_context(context, library);
    if (bc == NULL) return NULL;
    size_t i;
    for (i = 0; i < n_table; i++)
        if (strcmp(table[i].name, name) == 0) break;
    if (i == n_table) {
        PyErr_Format(PyExc_KeyError, "no native host function named %s", name);
        return NULL;
    }
    JSContext *ctx = bc->context;
    JSValue fn = E.NewCFunction2(ctx, table[i].fn, table[i].name, table[i].length, CFUNC_GENERIC, 0);
    if (fn.tag == TAG_EXCEPTION) {
        PyErr_SetString(PyExc_MemoryError, "the engine could not create a host function");
        return NULL;
    }
    JSValue global = E.GetGlobalObject(ctx);
    int ok = E.SetPropertyStr(ctx, global, global_name, fn);   /* takes fn */
    free_value(ctx, global);
    if (ok < 0) {
        PyErr_SetString(PyExc_RuntimeError, "the engine refused a host function's global");
        return NULL;
    }
    Py_RETURN_NONE;
}

/* The names of `table`, as a tuple of str. */
static PyObject *names_of(const HostFunction *table, size_t n_table) {
    PyObject *t = PyTuple_New((Py_ssize_t)n_table);
    if (t == NULL) return NULL;
    for (size_t i = 0; i < n_table; i++) {
        PyObject *s = PyUnicode_FromString(table[i].name);
        if (s == NULL) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, (Py_ssize_t)i, s);
    }
    return t;
}

/* The install() and names() of an extension module over its FUNCTIONS table, and their
   method table entries (INSTALL_AND_NAMES_METHODS, first in the module's PyMethodDef). */
#define DEFINE_INSTALL_AND_NAMES(TABLE)                                                      \
    static PyObject *install(PyObject *self, PyObject *args) {                               \
        (void)self;                                                                          \
        return install_from(TABLE, sizeof TABLE / sizeof TABLE[0], args);                     \
    }                                                                                        \
    static PyObject *names(PyObject *self, PyObject *unused) {                               \
        (void)self;                                                                          \
        (void)unused;                                                                        \
        return names_of(TABLE, sizeof TABLE / sizeof TABLE[0]);                               \
    }
#define INSTALL_AND_NAMES_METHODS                                                            \
    {"install", install, METH_VARARGS,                                                       \
     "install(context, library, name, global_name): make the C function `name` the global "  \
     "`global_name` of a quickjs.Context whose binding is the shared library `library`."},   \
    {"names", names, METH_NOARGS, "The names of the functions this module implements."}

#endif

/*
 * rulesim.runtime._watchdog: the CPU watchdog of rulesim/runtime/watchdog.py in C.
 *
 * The budget of the engine call running now lives here; watchdog.py reads and writes it
 * through ctypes (budget_address) and opens and closes calls with budget_open/budget_close.
 * The interrupt handler (installed on a context's runtime) and tick() (a host function, as
 * the prelude's batches use it) run inside the engine without the GIL. See watchdog.py for
 * what each field means and why the handler reads the CPU clock so rarely.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <time.h>

#include "_quickjs_internals.h"

/* The budget of the engine call running now, shared with rulesim/runtime/watchdog.py, which
   reads and writes it through ctypes (budget_address): the same fields, in this order, as
   its CpuBudget. The interrupt handler runs inside the engine every few thousand interpreter
   steps, so it reads the cheap monotonic clock; this thread's CPU clock is a system call
   (about 2 µs), read only once a call has run CHEAP_NS of wall time (a thread's CPU time
   never exceeds its wall time, so a call younger than that cannot be over its budget). */
typedef struct {
    int64_t seq;            /* the current (or last) call; tick() opens a new one */
    int64_t budget_ns;      /* its CPU budget */
    int64_t seen;           /* the call the handler has polled */
    int64_t deadline_ns;    /* its deadline on this thread's CPU clock, once `checked` */
    int64_t fired;          /* the last call the handler interrupted */
    int64_t active;         /* whether a call is running */
    int64_t wall_start_ns;  /* the monotonic clock at the call's first poll */
    int64_t checked;        /* deadline_ns is set */
} Budget;
static Budget budget = {0, (int64_t)1 << 62, -1, (int64_t)1 << 62, -1, 0, 0, 0};
#define CHEAP_NS 10000000LL

static int64_t clock_ns(clockid_t id) {
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0) return 0;
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline void release_gc(JSRuntime *rt);

static int interrupt_handler(JSRuntime *rt, void *opaque) {
    (void)opaque;
    release_gc(rt);
    Budget *b = &budget;
    int64_t now = clock_ns(CLOCK_MONOTONIC);
    if (b->seen != b->seq) {
        b->seen = b->seq;
        b->wall_start_ns = now;
        b->checked = 0;
        return 0;
    }
    int64_t wall = now - b->wall_start_ns;
    int64_t cheap = b->budget_ns / 4 < CHEAP_NS ? b->budget_ns / 4 : CHEAP_NS;
    if (wall < cheap) return 0;
    int64_t cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    if (!b->checked) {
        /* Before this poll the call ran less than `cheap` (the last poll said so): charge
           that much, never the wall time a preempted or stopped thread did not run. */
        b->checked = 1;
        b->deadline_ns = cpu + b->budget_ns - (wall < cheap ? wall : cheap);
    }
    if (cpu < b->deadline_ns) return 0;
    b->fired = b->seq;
    return 1;
}

/* tick(): open a new budget inside the running call (between two rules of a batch); return
   the monotonic clock in µs, negative when the budget it closes ran out. */
static JSValue js_tick(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)ctx;
    (void)this_val;
    (void)argc;
    (void)argv;
    Budget *b = &budget;
    int fired = b->fired == b->seq;
    b->seq += 1;
    double us = (double)clock_ns(CLOCK_MONOTONIC) / 1000.0;
    return new_float(fired ? -us : us);
}

/* runJobs(): run the pending promise jobs until none is left, as the host's run_jobs does
   between two engine calls; how many ran. A job that fails (the CPU or memory limit: promise
   jobs catch everything else) leaves its exception pending, and it propagates from here. The
   jobs share the budget open now: the prelude's batches tick() after it (80-batch.js). */
static JSValue js_run_jobs(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    (void)argc;
    (void)argv;
    JSRuntime *rt = E.GetRuntime(ctx);
    int32_t n = 0;
    for (;;) {
        JSContext *job_ctx = NULL;
        int ran = E.ExecutePendingJob(rt, &job_ctx);
        if (ran == 0) break;
        if (ran < 0) return value_of_tag(TAG_EXCEPTION);
        if (n < INT32_MAX) n++;
    }
    return new_int(n);
}

static PyObject *budget_address(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return PyLong_FromVoidPtr(&budget);
}

/* budget_open(budget_ns) / budget_close(): an engine call's budget, as watchdog.open_call and
   close_call (close answers whether the call's last budget ran out). */
static PyObject *budget_open(PyObject *self, PyObject *arg) {
    (void)self;
    long long ns = PyLong_AsLongLong(arg);
    if (ns == -1 && PyErr_Occurred()) return NULL;
    budget.seq += 1;
    budget.budget_ns = ns;
    budget.active = 1;
    Py_RETURN_NONE;
}

static PyObject *budget_close(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    budget.active = 0;
    if (budget.fired == budget.seq) Py_RETURN_TRUE;
    Py_RETURN_FALSE;
}

static PyObject *install_interrupt(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *context;
    const char *library;
    if (!PyArg_ParseTuple(args, "Os", &context, &library)) return NULL;
    BindingContext *bc = binding_context(context, library);
    if (bc == NULL) return NULL;
    E.SetInterruptHandler(bc->runtime, interrupt_handler, NULL);
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------ refused allocations */
/* QuickJS answers an allocation past the memory limit with NULL and throws its "out of
   memory" error; when that error finds no room either, the value thrown is null, which rule
   code cannot tell from `throw null`. Wrapping the runtime's allocation functions counts the
   refusals, so the prelude can: a null thrown after one is the memory limit. The runtime's
   start (_quickjs_internals.h's IRuntimeHead) is checked against the limit the engine set
   before its functions are wrapped.

   The engine's own handling of a refusal is not safe without help (2021-03-27; both cases
   found by a stress run of memory bombs and reproduced in gdb):
   - it takes an object's shape out of the cycle collector's list while it grows the shape's
     properties in place; when that growth is refused, the error it throws is a new object,
     whose allocation may run the collector, which finds the shape out of its list and
     crashes (a rule that adds keys to one object until the memory runs out);
   - the backtrace it adds to that error allocates; when that is refused, the new "out of
     memory" error replaces the first as the pending exception and frees it, and the engine
     then writes the backtrace into the freed object.
   So a refusal opens a grace period that lasts until the interpreter next polls the
   interrupt handler, where the engine's state is whole again: the collector is held (the
   threshold of allocated bytes that runs it is set out of reach, GC_HELD) and the memory
   limit is raised by OOM_RESERVE, room for the error and its backtrace. The handler then
   puts the limit back and the threshold where the collector itself would have put it. A
   rule can thus hold at most OOM_RESERVE bytes past its limit; one that catches the error
   and refuses to stop gets no second reserve before the next poll. */
static void *(*engine_malloc)(IMallocState *, size_t) = NULL;
static void *(*engine_realloc)(IMallocState *, void *, size_t) = NULL;
static uint64_t refused = 0; /* allocations the runtimes refused, in every thread */
static int gc_threshold_known = 0; /* RUNTIME_GC_THRESHOLD_OFFSET checked */
#define GC_HELD ((size_t)-1 - 0x52554c45)
#define OOM_RESERVE ((size_t)128 * 1024)
#define LIMIT_CEILING ((size_t)1 << 48) /* a larger limit is no limit: it is not raised */

static inline size_t *gc_threshold(void *runtime) {
    return (size_t *)(void *)((char *)runtime + RUNTIME_GC_THRESHOLD_OFFSET);
}

static void refusal(IMallocState *s) {
    __atomic_fetch_add(&refused, 1, __ATOMIC_RELAXED);
    if (!gc_threshold_known) return;
    size_t *threshold = gc_threshold((char *)s - offsetof(IRuntimeHead, state));
    if (*threshold == GC_HELD) return; /* in the grace period already: no second reserve */
    *threshold = GC_HELD;
    if (s->limit < LIMIT_CEILING) s->limit += OOM_RESERVE;
}

/* At a poll of the interrupt handler: end the grace period of a refusal, if one is open. */
static inline void release_gc(JSRuntime *rt) {
    if (!gc_threshold_known) return;
    size_t *threshold = gc_threshold(rt);
    if (*threshold != GC_HELD) return;
    IMallocState *s = &((IRuntimeHead *)(void *)rt)->state;
    if (s->limit >= OOM_RESERVE && s->limit < LIMIT_CEILING + OOM_RESERVE) s->limit -= OOM_RESERVE;
    *threshold = s->size + (s->size >> 1); /* the engine's own, after a collection */
}

static void *counting_malloc(IMallocState *s, size_t size) {
    void *p = engine_malloc(s, size);
    if (p == NULL) refusal(s);
    return p;
}

static void *counting_realloc(IMallocState *s, void *ptr, size_t size) {
    void *p = engine_realloc(s, ptr, size);
    if (p == NULL && size != 0) refusal(s);
    return p;
}

/* oomCount(): how many allocations the runtimes refused so far (a float: it only grows). */
static JSValue js_oom_count(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)ctx;
    (void)this_val;
    (void)argc;
    (void)argv;
    return new_float((double)__atomic_load_n(&refused, __ATOMIC_RELAXED));
}

/* count_refusals(context, library, limit): wrap the runtime's allocation functions (the
   limit is the one the engine set: the check that the layout is quickjs.h's). */
static PyObject *count_refusals(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *context;
    const char *library;
    unsigned long long limit;
    if (!PyArg_ParseTuple(args, "OsK", &context, &library, &limit)) return NULL;
    BindingContext *bc = binding_context(context, library);
    if (bc == NULL) return NULL;
    IRuntimeHead *h = (IRuntimeHead *)(void *)bc->runtime;
    if (h->state.limit != (size_t)limit || h->state.size == 0 || h->state.size > h->state.limit ||
        h->mf.malloc == NULL || h->mf.realloc == NULL)
        Py_RETURN_FALSE;
    if (!gc_threshold_known) {
        size_t *threshold = gc_threshold(bc->runtime), before = *threshold;
        E.SetGCThreshold(bc->runtime, before ^ (size_t)0x5a5a5a5a5a5aULL);
        gc_threshold_known = *threshold == (before ^ (size_t)0x5a5a5a5a5a5aULL);
        E.SetGCThreshold(bc->runtime, before);
    }
    if (h->mf.malloc == counting_malloc) Py_RETURN_TRUE;
    if ((engine_malloc != NULL && h->mf.malloc != engine_malloc) ||
        (engine_realloc != NULL && h->mf.realloc != engine_realloc))
        Py_RETURN_FALSE; /* another engine's functions: leave them alone */
    engine_malloc = h->mf.malloc;
    engine_realloc = h->mf.realloc;
    h->mf.malloc = counting_malloc;
    h->mf.realloc = counting_realloc;
    Py_RETURN_TRUE;
}

/* ------------------------------------------------------------------ Python side */

static const HostFunction FUNCTIONS[] = {
    {"tick", js_tick, 0},
    {"oomCount", js_oom_count, 0},
    {"runJobs", js_run_jobs, 0},
};

DEFINE_INSTALL_AND_NAMES(FUNCTIONS)

static PyMethodDef METHODS[] = {
    INSTALL_AND_NAMES_METHODS,
    {"budget_address", budget_address, METH_NOARGS,
     "The address of the CPU budget the interrupt handler and tick() read (for ctypes)."},
    {"budget_open", budget_open, METH_O, "Open an engine call with a CPU budget in ns."},
    {"budget_close", budget_close, METH_NOARGS,
     "Close the engine call; whether its last budget ran out."},
    {"install_interrupt", install_interrupt, METH_VARARGS,
     "install_interrupt(context, library): make the C interrupt handler the CPU watchdog of a "
     "quickjs.Context's runtime."},
    {"count_refusals", count_refusals, METH_VARARGS,
     "count_refusals(context, library, limit): count the allocations a quickjs.Context's "
     "runtime refuses (its memory limit is `limit` bytes); whether the layout allowed it."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef MODULE = {
    PyModuleDef_HEAD_INIT, "rulesim.runtime._watchdog",
    "The CPU watchdog in C (see rulesim/runtime/watchdog.py).", -1, METHODS,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__watchdog(void) { return PyModule_Create(&MODULE); }

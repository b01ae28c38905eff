/*
 * The per-rule columns of a login's record in rulesim/runtime/_tracker.c (included there: one
 * compilation unit), for the common login: every rule that ran ended plainly. The prelude's
 * recordLogin (75-records.js) asks here first and writes the general record itself when this
 * declines.
 */
#ifndef RULESIM_TRACKER_RECORD_H
#define RULESIM_TRACKER_RECORD_H

#include "_quickjs_internals.h"

/* The fields of a rule's run (60-login.js freshRun) read here. */
enum { RA_STARTED, RA_OUTCOME, RA_CODE, RA_CALLS, RA_FLAGS, RA_N_CHANGES, N_RUN_ATOMS };
static const char *const RUN_FIELDS[N_RUN_ATOMS] = {"started", "outcome", "code", "calls", "flags", "nChanges"};
_Static_assert(N_RUN_ATOMS <= MAX_RUN_ATOMS, "RunAtoms (_tracker_snapshot.h) holds every atom");

static int run_atoms_ready(JSContext *ctx, RunAtoms *ra) {
    if (ra->ready) return 1;
    for (int i = 0; i < N_RUN_ATOMS; i++) {
        ra->atoms[i] = E.NewAtom(ctx, RUN_FIELDS[i]); /* kept for the context's life */
        if (ra->atoms[i] == 0) return 0;
    }
    ra->ready = 1;
    return 1;
}

/* Where each run field is in a run's shape: found once for the shape, then reused while the
   runs share it (they do: the prelude makes them all alike). 0 when a field is missing or is
   not a plain data property. */
typedef struct {
    IShape *shape;
    int32_t at[N_RUN_ATOMS];
} RunLayout;

static int run_layout(const RunAtoms *ra, IShape *sh, RunLayout *lay) {
    if (lay->shape == sh) return 1;
    for (int f = 0; f < N_RUN_ATOMS; f++) {
        int32_t i = 0;
        while (i < sh->prop_count && sh->prop[i].atom != ra->atoms[f]) i++;
        if (i == sh->prop_count || (SP_FLAGS(sh->prop[i]) & PROP_TMASK)) return 0;
        lay->at[f] = i;
    }
    lay->shape = sh;
    return 1;
}

static inline int is_text(JSValue v, const char *s, uint32_t n) {
    if (v.tag != TAG_STRING) return 0;
    const IString *p = (const IString *)v.u.ptr;
    return STR_LEN(p) == n && !STR_WIDE(p) && memcmp(p->u.str8, s, n) == 0;
}

/* Element k of a fast array as a finite number (0 when absent, as the prelude reads a
   missing time): 1, or 0 when it is something else. */
static int number_at(IObject *a, int32_t k, int absent_is_zero, double *out) {
    if (a == NULL || (uint32_t)k >= a->u.array.count) {
        *out = 0;
        return absent_is_zero;
    }
    JSValue v = a->u.array.values[k];
    if (v.tag == TAG_INT) *out = v.u.int32;
    else if (v.tag == TAG_FLOAT64 && isfinite(v.u.float64)) *out = v.u.float64;
    else if (v.tag == TAG_UNDEFINED && absent_is_zero) *out = 0;
    else return 0;
    return 1;
}

static inline IObject *fast_array(JSValue v) {
    if (v.tag != TAG_OBJECT) return NULL;
    IObject *a = (IObject *)v.u.ptr;
    return a->class_id == CLASS_ARRAY && (a->flags & OBJ_FAST_ARRAY) ? a : NULL;
}

#define MAX_ROW_RULES 512

/* recordPlain(mem, hold, runs, times, cpuBegin, io, calls, nActive, activePos, nAll, zeroChanges,
   columns): the per-rule columns of the running login, when every active rule that started
   ended plainly: outcome 'ok', no code, called back at most once, no flags (recordLogin's
   other conditions, the prelude's). runs is S.runs, times the engine ns per active rule
   (missing: 0), io and calls the host's per active rule (null for a batched login: zeros),
   activePos the position of each active rule among the nAll rules, zeroChanges whether the
   changes column is zeros whatever the runs say (a batched login without change rows).
   Appends to columns = [ro, rn, rc, ri, rk, rr] (the block's: B.ro, ...) one text each (the
   login's nAll values: outcome index 0 ok, 4 skipped; changes; engine ns; I/O ms; calls) and
   the number of rules that ran, and returns the login's engine time in µs as recordLogin
   sums it (cpuBegin / 1000 plus each time / 1000, in rule order); -1 when the login is not
   plain or a value is not as expected (nothing appended: the prelude writes the record). */
static JSValue js_record_plain(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    Tracker t;
    if (argc < 12 || !tracker_of(ctx, argc, argv, &t) || !t.s->layout_ok) return new_int(-1);
    RunAtoms *ra = &t.s->run_atoms;
    if (!run_atoms_ready(ctx, ra)) return new_int(-1);
    IObject *runs = fast_array(argv[2]), *times = fast_array(argv[3]), *io = fast_array(argv[5]);
    IObject *calls = fast_array(argv[6]), *pos = fast_array(argv[8]), *cols = fast_array(argv[11]);
    double cpu_begin;
    if (runs == NULL || pos == NULL || cols == NULL || cols->u.array.count < 6 || argv[7].tag != TAG_INT ||
        argv[9].tag != TAG_INT || (argv[3].tag != TAG_NULL && times == NULL) || (io == NULL) != (calls == NULL) ||
        (io == NULL && argv[5].tag != TAG_NULL) || (calls == NULL && argv[6].tag != TAG_NULL))
        return new_int(-1);
    if (argv[4].tag == TAG_INT) cpu_begin = argv[4].u.int32;
    else if (argv[4].tag == TAG_FLOAT64 && isfinite(argv[4].u.float64)) cpu_begin = argv[4].u.float64;
    else return new_int(-1);
    int32_t n_act = argv[7].u.int32, n_all = argv[9].u.int32;
    int zero_changes = argv[10].tag == TAG_BOOL && argv[10].u.int32;
    if (n_act < 0 || n_all < 0 || n_all > MAX_ROW_RULES || n_act > (int32_t)pos->u.array.count) return new_int(-1);
    for (int c = 0; c < 6; c++)
        if (fast_array(cols->u.array.values[c]) == NULL) return new_int(-1);

    double ro[MAX_ROW_RULES], rn[MAX_ROW_RULES], rc[MAX_ROW_RULES], ri[MAX_ROW_RULES], rk[MAX_ROW_RULES];
    for (int32_t p = 0; p < n_all; p++) {
        ro[p] = 4;
        rn[p] = rc[p] = ri[p] = rk[p] = 0;
    }
    RunLayout lay;
    lay.shape = NULL;
    double cpu = cpu_begin / 1000;
    int32_t ran = 0;
    for (int32_t k = 0; k < n_act; k++) {
        JSValue pv = pos->u.array.values[k];
        if (pv.tag != TAG_INT || pv.u.int32 < 0 || pv.u.int32 >= n_all) return new_int(-1);
        int32_t p = pv.u.int32;
        double ns;
        if (!number_at(times, k, 1, &ns)) return new_int(-1);
        rc[p] = ns;
        cpu += ns / 1000;
        if (io != NULL && (!number_at(io, k, 0, &ri[p]) || !number_at(calls, k, 0, &rk[p]))) return new_int(-1);
        if ((uint32_t)k >= runs->u.array.count) continue;
        JSValue rv = runs->u.array.values[k];
        if (rv.tag == TAG_UNDEFINED) continue;
        if (rv.tag != TAG_OBJECT) return new_int(-1);
        IObject *run = (IObject *)rv.u.ptr;
        if (run->class_id != CLASS_OBJECT || !run_layout(ra, run->shape, &lay)) return new_int(-1);
        JSValue started = run->prop[lay.at[RA_STARTED]];
        if (started.tag != TAG_BOOL) return new_int(-1);
        if (!started.u.int32) continue;
        JSValue n_changes = run->prop[lay.at[RA_N_CHANGES]], n_calls = run->prop[lay.at[RA_CALLS]];
        if (!is_text(run->prop[lay.at[RA_OUTCOME]], "ok", 2) || run->prop[lay.at[RA_CODE]].tag != TAG_NULL ||
            run->prop[lay.at[RA_FLAGS]].tag != TAG_NULL || n_calls.tag != TAG_INT || n_calls.u.int32 > 1)
            return new_int(-1);
        if (n_changes.tag == TAG_INT) rn[p] = n_changes.u.int32;
        else if (n_changes.tag == TAG_FLOAT64 && isfinite(n_changes.u.float64)) rn[p] = n_changes.u.float64;
        else return new_int(-1);
        ro[p] = 0;
        ran++;
    }
    if (zero_changes)
        for (int32_t p = 0; p < n_all; p++) rn[p] = 0;
    if (!(cpu >= 0)) return new_int(-1);   /* (times are never negative: the prelude decides) */

    JSValue text[5];
    const double *rows[5] = {ro, rn, rc, ri, rk};
    int made = 0;
    for (; made < 5; made++) {
        text[made] = joined_numbers(ctx, rows[made], n_all);
        if (text[made].tag == TAG_EXCEPTION) break;
    }
    if (made < 5) {
        for (int i = 0; i < made; i++) free_value(ctx, text[i]);
        return value_of_tag(TAG_EXCEPTION);
    }
    /* Nothing read from here on can fail but an allocation (the engine is rebuilt then). */
    int failed = 0;
    for (int c = 0; c < 5; c++) {
        IObject *col = (IObject *)cols->u.array.values[c].u.ptr;
        if (n_all == 0) free_value(ctx, text[c]);   /* pushRow: nothing for a set without rules */
        else if (!failed && E.SetPropertyUint32(ctx, cols->u.array.values[c], col->u.array.count, text[c]) < 0) failed = 1;
        else if (failed) free_value(ctx, text[c]);
    }
    IObject *rr = (IObject *)cols->u.array.values[5].u.ptr;
    if (failed || E.SetPropertyUint32(ctx, cols->u.array.values[5], rr->u.array.count, new_int(ran)) < 0)
        return value_of_tag(TAG_EXCEPTION);
    return new_float(cpu);
}

#endif

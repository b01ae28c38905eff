/*
 * rulesim.runtime._intl: Node's locale-sensitive built-ins on ICU, as host functions.
 *
 * Node formats numbers and dates and compares strings with ICU (String.prototype
 * .localeCompare, Number.prototype.toLocaleString, Date.prototype.toLocaleDateString, ...);
 * QuickJS has its own fixed formats and compares code units, so a rule's "12/7/2026" came
 * out "12/07/2026" and a sorted list of names in another order. These functions do what V8
 * does with ICU, installed straight into the engine (see _quickjs_abi.h); the prelude's
 * modules/intl.js turns the arguments and options into what they take, as V8 does. Each
 * takes and returns strings and numbers only and never throws into JavaScript: a failure
 * answers '' (or 2 for collate) and the JavaScript side raises the error Node would.
 *
 *   collate(a, b, locale, flags)         -1, 0 or 1 (2: failure)
 *   formatNumber(x, locale, skeleton)    x a number, or a decimal string (a BigInt)
 *   formatDate(ms, locale, skeleton, timeZone)
 *                                        skeleton "!dt" for dateStyle/timeStyle (d, t one
 *                                        of f l m s -); timeZone '' for the process's zone
 *   changeCase(s, locale, upper)         toLocaleUpperCase / toLocaleLowerCase
 *   resolveLocale(tag)                   the locale Node would use for a requested tag ('':
 *                                        not a well-formed tag)
 *
 * Locales are BCP 47 tags. A tag ICU has no data for resolves to en-US, Node's default, as
 * V8's best-available-locale lookup does. ICU objects are cached per locale and options
 * (a few dozen at most) behind one lock: formatting a date is not thread-safe in ICU, and
 * engine calls release the GIL.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicode/ucal.h>
#include <unicode/uenum.h>
#include <unicode/ucol.h>
#include <unicode/udat.h>
#include <unicode/udatpg.h>
#include <unicode/uloc.h>
#include <unicode/unumberformatter.h>
#include <unicode/ustring.h>

#include "_quickjs_abi.h"

#define MAX_TEXT (1 << 20)   /* longest argument taken, in UTF-8 bytes */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* ------------------------------------------------------------------ arguments */

/* A string argument as UTF-8 (a C string of the engine, to free with E.FreeCString), or NULL:
   *oom is set when the engine ran out of memory. */
static const char *text_arg(JSContext *ctx, int argc, JSValue *argv, int i, size_t *n, int *oom) {
    *oom = 0;
    if (i >= argc || argv[i].tag != TAG_STRING) return NULL;
    const char *s = E.ToCStringLen2(ctx, n, argv[i], 0);
    if (s == NULL) *oom = 1;
    else if (*n > MAX_TEXT) {
        E.FreeCString(ctx, s);
        return NULL;
    }
    return s;
}

static int number_arg(int argc, JSValue *argv, int i, double *out) {
    if (i >= argc) return 0;
    if (argv[i].tag == TAG_INT) *out = argv[i].u.int32;
    else if (argv[i].tag == TAG_FLOAT64) *out = argv[i].u.float64;
    else return 0;
    return 1;
}

/* UTF-16 from UTF-8 (ill-formed sequences become U+FFFD); malloc'd, NULL on failure. */
static UChar *utf16(const char *s, size_t n, int32_t *len) {
    UErrorCode st = U_ZERO_ERROR;
    int32_t need = 0;
    u_strFromUTF8WithSub(NULL, 0, &need, s, (int32_t)n, 0xFFFD, NULL, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st)) return NULL;
    UChar *out = malloc(sizeof(UChar) * (size_t)(need + 1));
    if (out == NULL) return NULL;
    st = U_ZERO_ERROR;
    u_strFromUTF8WithSub(out, need + 1, len, s, (int32_t)n, 0xFFFD, NULL, &st);
    if (U_FAILURE(st)) {
        free(out);
        return NULL;
    }
    return out;
}

/* A JavaScript string of UTF-16 text (as UTF-8 for the engine); '' when it cannot be made. */
static JSValue string_of(JSContext *ctx, const UChar *u, int32_t len) {
    UErrorCode st = U_ZERO_ERROR;
    int32_t need = 0;
    u_strToUTF8WithSub(NULL, 0, &need, u, len, 0xFFFD, NULL, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st)) return E.NewStringLen(ctx, "", 0);
    char small[512];
    char *buf = need < (int32_t)sizeof small ? small : malloc((size_t)need + 1);
    if (buf == NULL) return E.NewStringLen(ctx, "", 0);
    st = U_ZERO_ERROR;
    u_strToUTF8WithSub(buf, need + 1, &need, u, len, 0xFFFD, NULL, &st);
    JSValue r = U_FAILURE(st) ? E.NewStringLen(ctx, "", 0) : E.NewStringLen(ctx, buf, (size_t)need);
    if (buf != small) free(buf);
    return r;
}

/* ------------------------------------------------------------------ locales */

/* The ICU locale id of a BCP 47 tag, into `out` (ULOC_FULLNAME_CAPACITY); 0 when the tag is
   not well formed. A tag whose language ICU has no data for becomes en_US. (Uncached: see
   icu_locale.) */
static int resolve_uncached(const char *tag, size_t n, char *out) {
    if (n == 0 || n >= 128) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = tag[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return 0;
    }
    char buf[128];
    memcpy(buf, tag, n);
    buf[n] = 0;
    UErrorCode st = U_ZERO_ERROR;
    int32_t parsed = 0;
    uloc_forLanguageTag(buf, out, ULOC_FULLNAME_CAPACITY, &parsed, &st);
    if (U_FAILURE(st) || parsed != (int32_t)n || out[0] == 0) return 0;
    char lang[ULOC_LANG_CAPACITY];
    st = U_ZERO_ERROR;
    uloc_getLanguage(out, lang, sizeof lang, &st);
    if (U_FAILURE(st)) return 0;
    int32_t count = uloc_countAvailable();
    for (int32_t i = 0; i < count; i++) {
        const char *a = uloc_getAvailable(i);
        size_t k = strlen(lang);
        if (strncmp(a, lang, k) == 0 && (a[k] == 0 || a[k] == '_')) return 1;
    }
    strcpy(out, "en_US");
    return 1;
}

/* icu_locale: resolve_uncached behind a small cache (a rule sorting with localeCompare asks
   for the same tag tens of thousands of times, and the check of ICU's available locales
   walks hundreds of them). */
#define LOCALES 64
static struct {
    char tag[128];
    char id[ULOC_FULLNAME_CAPACITY];
    int ok;
} locales[LOCALES];
static int n_locales = 0, next_locale = 0;
static pthread_mutex_t locales_lock = PTHREAD_MUTEX_INITIALIZER;

static int icu_locale(const char *tag, size_t n, char *out) {
    if (n == 0 || n >= 128) return 0;
    pthread_mutex_lock(&locales_lock);
    for (int i = 0; i < n_locales; i++) {
        if (strncmp(locales[i].tag, tag, n) == 0 && locales[i].tag[n] == 0) {
            int ok = locales[i].ok;
            if (ok) strcpy(out, locales[i].id);
            pthread_mutex_unlock(&locales_lock);
            return ok;
        }
    }
    pthread_mutex_unlock(&locales_lock);
    char id[ULOC_FULLNAME_CAPACITY];
    int ok = resolve_uncached(tag, n, id);
    pthread_mutex_lock(&locales_lock);
    int at = n_locales < LOCALES ? n_locales++ : (next_locale++ % LOCALES);
    memcpy(locales[at].tag, tag, n);
    locales[at].tag[n] = 0;
    if (ok) strcpy(locales[at].id, id);
    locales[at].ok = ok;
    pthread_mutex_unlock(&locales_lock);
    if (ok) strcpy(out, id);
    return ok;
}

static JSValue js_resolve_locale(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    size_t n;
    int oom;
    const char *tag = text_arg(ctx, argc, argv, 0, &n, &oom);
    if (oom) return value_of_tag(TAG_EXCEPTION);
    char id[ULOC_FULLNAME_CAPACITY], bcp[ULOC_FULLNAME_CAPACITY];
    int ok = tag != NULL && icu_locale(tag, n, id);
    if (tag != NULL) E.FreeCString(ctx, tag);
    if (!ok) return E.NewStringLen(ctx, "", 0);
    UErrorCode st = U_ZERO_ERROR;
    int32_t len = uloc_toLanguageTag(id, bcp, sizeof bcp, 1, &st);
    if (U_FAILURE(st)) return E.NewStringLen(ctx, "", 0);
    return E.NewStringLen(ctx, bcp, (size_t)len);
}

/* ------------------------------------------------------------------ caches */

#define CACHE 32
typedef struct {
    char key[256];
    void *object;
} Entry;
typedef struct {
    Entry e[CACHE];
    int next;
} Cache;

static void *cache_get(Cache *c, const char *key) {
    for (int i = 0; i < CACHE; i++)
        if (c->e[i].object != NULL && strcmp(c->e[i].key, key) == 0) return c->e[i].object;
    return NULL;
}

/* Puts `object` under `key`; returns the object it evicted (for the caller to close). */
static void *cache_put(Cache *c, const char *key, void *object) {
    Entry *slot = &c->e[c->next];
    c->next = (c->next + 1) % CACHE;
    void *old = slot->object;
    snprintf(slot->key, sizeof slot->key, "%s", key);
    slot->object = object;
    return old;
}

static Cache collators, numbers, dates;

/* ------------------------------------------------------------------ collate */

/* flags: bits 0-1 sensitivity (0 variant, 1 base, 2 accent, 3 case), bit 2 numeric, bits
   3-4 caseFirst (0 false, 1 upper, 2 lower), bit 5 ignorePunctuation. */
static UCollator *collator(const char *id, int flags) {
    char key[256];
    snprintf(key, sizeof key, "%s|%d", id, flags);
    UCollator *c = cache_get(&collators, key);
    if (c != NULL) return c;
    UErrorCode st = U_ZERO_ERROR;
    c = ucol_open(id, &st);
    if (U_FAILURE(st)) return NULL;
    int sensitivity = flags & 3;
    ucol_setAttribute(c, UCOL_STRENGTH, sensitivity == 0 ? UCOL_TERTIARY : sensitivity == 2 ? UCOL_SECONDARY : UCOL_PRIMARY, &st);
    if (sensitivity == 3) ucol_setAttribute(c, UCOL_CASE_LEVEL, UCOL_ON, &st);
    if (flags & 4) ucol_setAttribute(c, UCOL_NUMERIC_COLLATION, UCOL_ON, &st);
    int case_first = (flags >> 3) & 3;
    if (case_first) ucol_setAttribute(c, UCOL_CASE_FIRST, case_first == 1 ? UCOL_UPPER_FIRST : UCOL_LOWER_FIRST, &st);
    if (flags & 32) ucol_setAttribute(c, UCOL_ALTERNATE_HANDLING, UCOL_SHIFTED, &st);
    if (U_FAILURE(st)) {
        ucol_close(c);
        return NULL;
    }
    UCollator *old = cache_put(&collators, key, c);
    if (old != NULL) ucol_close(old);
    return c;
}

static JSValue js_collate(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    size_t na, nb, nl;
    int oom_a, oom_b, oom_l;
    double flags;
    const char *a = text_arg(ctx, argc, argv, 0, &na, &oom_a);
    const char *b = text_arg(ctx, argc, argv, 1, &nb, &oom_b);
    const char *tag = text_arg(ctx, argc, argv, 2, &nl, &oom_l);
    int result = 2;
    char id[ULOC_FULLNAME_CAPACITY];
    if (a != NULL && b != NULL && tag != NULL && number_arg(argc, argv, 3, &flags) &&
        flags >= 0 && flags < 64 && icu_locale(tag, nl, id)) {
        pthread_mutex_lock(&lock);
        UCollator *c = collator(id, (int)flags);
        if (c != NULL) {
            UErrorCode st = U_ZERO_ERROR;
            UCollationResult r = ucol_strcollUTF8(c, a, (int32_t)na, b, (int32_t)nb, &st);
            if (U_SUCCESS(st)) result = r == UCOL_LESS ? -1 : r == UCOL_GREATER ? 1 : 0;
        }
        pthread_mutex_unlock(&lock);
    }
    if (a != NULL) E.FreeCString(ctx, a);
    if (b != NULL) E.FreeCString(ctx, b);
    if (tag != NULL) E.FreeCString(ctx, tag);
    if (oom_a || oom_b || oom_l) return value_of_tag(TAG_EXCEPTION);
    return new_int(result);
}

/* ------------------------------------------------------------------ numbers */

static JSValue js_format_number(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    size_t nl, ns, nd = 0;
    int oom_l, oom_s, oom_d = 0;
    double x = 0;
    const char *decimal = NULL;
    int is_number = number_arg(argc, argv, 0, &x);
    if (!is_number) decimal = text_arg(ctx, argc, argv, 0, &nd, &oom_d);
    const char *tag = text_arg(ctx, argc, argv, 1, &nl, &oom_l);
    const char *skeleton = text_arg(ctx, argc, argv, 2, &ns, &oom_s);
    JSValue r = E.NewStringLen(ctx, "", 0);
    char id[ULOC_FULLNAME_CAPACITY];
    if ((is_number || decimal != NULL) && tag != NULL && skeleton != NULL && ns < 200 &&
        icu_locale(tag, nl, id)) {
        char key[256];
        snprintf(key, sizeof key, "%s|%s", id, skeleton);
        pthread_mutex_lock(&lock);
        UNumberFormatter *f = cache_get(&numbers, key);
        UErrorCode st = U_ZERO_ERROR;
        if (f == NULL) {
            int32_t ulen = 0;
            UChar *u = utf16(skeleton, ns, &ulen);
            if (u != NULL) {
                f = unumf_openForSkeletonAndLocale(u, ulen, id, &st);
                free(u);
                if (U_FAILURE(st)) {
                    if (f != NULL) unumf_close(f);
                    f = NULL;
                } else {
                    UNumberFormatter *old = cache_put(&numbers, key, f);
                    if (old != NULL) unumf_close(old);
                }
            }
        }
        if (f != NULL) {
            st = U_ZERO_ERROR;
            UFormattedNumber *result = unumf_openResult(&st);
            if (U_SUCCESS(st)) {
                if (is_number) unumf_formatDouble(f, x, result, &st);
                else unumf_formatDecimal(f, decimal, (int32_t)nd, result, &st);
                UChar buf[256];
                int32_t len = unumf_resultToString(result, buf, 256, &st);
                if (U_SUCCESS(st)) {
                    JSValue old = r;
                    r = string_of(ctx, buf, len);
                    free_value(ctx, old);
                } else if (st == U_BUFFER_OVERFLOW_ERROR) {
                    UChar *big = malloc(sizeof(UChar) * (size_t)(len + 1));
                    st = U_ZERO_ERROR;
                    if (big != NULL) {
                        len = unumf_resultToString(result, big, len + 1, &st);
                        if (U_SUCCESS(st)) {
                            JSValue old = r;
                            r = string_of(ctx, big, len);
                            free_value(ctx, old);
                        }
                        free(big);
                    }
                }
                unumf_closeResult(result);
            }
        }
        pthread_mutex_unlock(&lock);
    }
    if (decimal != NULL) E.FreeCString(ctx, decimal);
    if (tag != NULL) E.FreeCString(ctx, tag);
    if (skeleton != NULL) E.FreeCString(ctx, skeleton);
    if (oom_l || oom_s || oom_d) {
        free_value(ctx, r);
        return value_of_tag(TAG_EXCEPTION);
    }
    return r;
}

/* ------------------------------------------------------------------ dates */

static UDateFormatStyle style_of(char c) {
    switch (c) {
    case 'f': return UDAT_FULL;
    case 'l': return UDAT_LONG;
    case 'm': return UDAT_MEDIUM;
    case 's': return UDAT_SHORT;
    default: return UDAT_NONE;
    }
}

static UDateFormat *date_format(const char *id, const char *skeleton, size_t ns, const char *zone, size_t nz) {
    char key[256];
    snprintf(key, sizeof key, "%s|%s|%s", id, skeleton, zone);
    UDateFormat *f = cache_get(&dates, key);
    if (f != NULL) return f;
    UErrorCode st = U_ZERO_ERROR;
    int32_t zlen = 0;
    UChar *uzone = nz ? utf16(zone, nz, &zlen) : NULL;
    if (nz && uzone == NULL) return NULL;
    if (nz) {
        /* Only a zone ICU knows (an unknown id would silently become GMT), matched without
           regard to case as V8 does ('utc', 'america/new_york'). */
        UChar canonical[128];
        UBool system = 0;
        ucal_getCanonicalTimeZoneID(uzone, zlen, canonical, 128, &system, &st);
        if (U_FAILURE(st) || !system) {
            free(uzone);
            uzone = NULL;
            st = U_ZERO_ERROR;
            UEnumeration *all = ucal_openTimeZones(&st);
            const char *known;
            int32_t klen;
            while (U_SUCCESS(st) && all != NULL && (known = uenum_next(all, &klen, &st)) != NULL) {
                if ((size_t)klen == nz && strncasecmp(known, zone, nz) == 0) {
                    uzone = utf16(known, (size_t)klen, &zlen);
                    break;
                }
            }
            if (all != NULL) uenum_close(all);
            st = U_ZERO_ERROR;
            if (uzone == NULL) return NULL;
        }
    }
    if (skeleton[0] == '!') {
        if (ns != 3 || !strchr("flms-", skeleton[1]) || !strchr("flms-", skeleton[2]) ||
            (skeleton[1] == '-' && skeleton[2] == '-')) {
            free(uzone);
            return NULL;
        }
        f = udat_open(style_of(skeleton[2]), style_of(skeleton[1]), id, uzone, zlen, NULL, 0, &st);
    } else {
        int32_t slen = 0;
        UChar *uskel = utf16(skeleton, ns, &slen);
        UDateTimePatternGenerator *g = uskel != NULL ? udatpg_open(id, &st) : NULL;
        UChar pattern[256];
        int32_t plen = 0;
        if (g != NULL && U_SUCCESS(st))
            plen = udatpg_getBestPatternWithOptions(g, uskel, slen, UDATPG_MATCH_HOUR_FIELD_LENGTH, pattern, 256, &st);
        if (g != NULL) udatpg_close(g);
        /* An hour cycle asked for (h, H, K or k in the skeleton) holds in the pattern too, as
           V8 makes it: the generator answers K and k with h and H. */
        UChar hour = 0;
        for (size_t i = 0; i < ns; i++)
            if (strchr("hHKk", skeleton[i]) != NULL) hour = (UChar)skeleton[i];
        if (hour != 0 && U_SUCCESS(st)) {
            int quoted = 0;
            for (int32_t i = 0; i < plen; i++) {
                if (pattern[i] == '\'') quoted = !quoted;
                else if (!quoted && (pattern[i] == 'h' || pattern[i] == 'H' || pattern[i] == 'K' || pattern[i] == 'k'))
                    pattern[i] = hour;
            }
        }
        free(uskel);
        if (uskel == NULL || U_FAILURE(st)) {
            free(uzone);
            return NULL;
        }
        f = udat_open(UDAT_PATTERN, UDAT_PATTERN, id, uzone, zlen, pattern, plen, &st);
    }
    free(uzone);
    if (U_FAILURE(st)) {
        if (f != NULL) udat_close(f);
        return NULL;
    }
    UDateFormat *old = cache_put(&dates, key, f);
    if (old != NULL) udat_close(old);
    return f;
}

static JSValue js_format_date(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    double ms;
    size_t nl, ns, nz;
    int oom_l, oom_s, oom_z;
    const char *tag = text_arg(ctx, argc, argv, 1, &nl, &oom_l);
    const char *skeleton = text_arg(ctx, argc, argv, 2, &ns, &oom_s);
    const char *zone = text_arg(ctx, argc, argv, 3, &nz, &oom_z);
    JSValue r = value_of_tag(TAG_EXCEPTION);
    int made = 0;
    char id[ULOC_FULLNAME_CAPACITY];
    if (number_arg(argc, argv, 0, &ms) && ms == ms && tag != NULL && skeleton != NULL &&
        zone != NULL && ns > 0 && ns < 64 && nz < 64 && icu_locale(tag, nl, id)) {
        pthread_mutex_lock(&lock);
        UDateFormat *f = date_format(id, skeleton, ns, zone, nz);
        if (f != NULL) {
            UErrorCode st = U_ZERO_ERROR;
            UChar buf[256];
            int32_t len = udat_format(f, ms, buf, 256, NULL, &st);
            if (U_SUCCESS(st) && len < 256) {
                /* As V8 does for the web's sake: the narrow no-break space CLDR now puts
                   before AM/PM (and the thin space of ranges) becomes a plain space. */
                for (int32_t i = 0; i < len; i++)
                    if (buf[i] == 0x202F || buf[i] == 0x2009) buf[i] = 0x20;
                r = string_of(ctx, buf, len);
                made = 1;
            }
        }
        pthread_mutex_unlock(&lock);
    }
    if (tag != NULL) E.FreeCString(ctx, tag);
    if (skeleton != NULL) E.FreeCString(ctx, skeleton);
    if (zone != NULL) E.FreeCString(ctx, zone);
    if (oom_l || oom_s || oom_z) {
        if (made) free_value(ctx, r);
        return value_of_tag(TAG_EXCEPTION);
    }
    return made ? r : E.NewStringLen(ctx, "", 0);
}

/* ------------------------------------------------------------------ case */

static JSValue js_change_case(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    size_t n, nl;
    int oom, oom_l;
    double upper;
    const char *s = text_arg(ctx, argc, argv, 0, &n, &oom);
    const char *tag = text_arg(ctx, argc, argv, 1, &nl, &oom_l);
    JSValue r = value_of_tag(TAG_EXCEPTION);
    int made = 0;
    char id[ULOC_FULLNAME_CAPACITY];
    if (s != NULL && tag != NULL && number_arg(argc, argv, 2, &upper) && icu_locale(tag, nl, id)) {
        int32_t ulen = 0;
        UChar *u = utf16(s, n, &ulen);
        if (u != NULL) {
            UErrorCode st = U_ZERO_ERROR;
            int32_t need = upper != 0 ? u_strToUpper(NULL, 0, u, ulen, id, &st)
                                      : u_strToLower(NULL, 0, u, ulen, id, &st);
            if (st == U_BUFFER_OVERFLOW_ERROR || U_SUCCESS(st)) {
                UChar *out = malloc(sizeof(UChar) * (size_t)(need + 1));
                st = U_ZERO_ERROR;
                if (out != NULL) {
                    need = upper != 0 ? u_strToUpper(out, need + 1, u, ulen, id, &st)
                                      : u_strToLower(out, need + 1, u, ulen, id, &st);
                    if (U_SUCCESS(st)) {
                        r = string_of(ctx, out, need);
                        made = 1;
                    }
                    free(out);
                }
            }
            free(u);
        }
    }
    if (s != NULL) E.FreeCString(ctx, s);
    if (tag != NULL) E.FreeCString(ctx, tag);
    if (oom || oom_l) {
        if (made) free_value(ctx, r);
        return value_of_tag(TAG_EXCEPTION);
    }
    return made ? r : E.NewStringLen(ctx, "", 0);
}

/* ------------------------------------------------------------------ Python side */

static const HostFunction FUNCTIONS[] = {
    {"collate", js_collate, 4},          {"formatNumber", js_format_number, 3},
    {"formatDate", js_format_date, 4},   {"changeCase", js_change_case, 3},
    {"resolveLocale", js_resolve_locale, 1},
};

DEFINE_INSTALL_AND_NAMES(FUNCTIONS)

static PyObject *icu_version(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    UVersionInfo v;
    char text[U_MAX_VERSION_STRING_LENGTH];
    u_getVersion(v);
    u_versionToString(v, text);
    return PyUnicode_FromString(text);
}

static PyMethodDef METHODS[] = {
    INSTALL_AND_NAMES_METHODS,
    {"icu_version", icu_version, METH_NOARGS, "The version of the ICU library in use."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef MODULE = {
    PyModuleDef_HEAD_INIT, "rulesim.runtime._intl",
    "Node's locale-sensitive built-ins on ICU (see modules/intl.js).", -1, METHODS,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__intl(void) { return PyModule_Create(&MODULE); }

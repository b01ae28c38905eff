/*
 * The JSON reader of rulesim/runtime/_tracker.c (included there: one compilation unit):
 * parseJson(text), JSON.parse(text) for the texts the host hands the prelude (a batch of
 * logins, one login, a host operation's answer).
 *
 * QuickJS reads JSON with its JavaScript tokenizer: every character of every string goes
 * through a string buffer one at a time, and a login's JSON costs more than the rules that
 * read it. This reader scans a string to its closing quote and makes the string in one call,
 * reads the engine's string where it is (8-bit or 16-bit, _tracker_parse_units.h) instead of
 * a UTF-8 copy once the prelude has checked the engine's layout, makes a short string value
 * once a text, and builds objects and arrays through the engine's public API exactly as
 * JSON.parse does (the same property definitions, in the same order; numbers converted as
 * the engine converts them), so the values are the same.
 *
 * It reads strict JSON (RFC 8259) only. Everything else answers undefined, never a value
 * JSON.parse would not give, and the prelude then calls JSON.parse, which reads the text or
 * throws its own SyntaxError: a text that is not strict JSON (QuickJS accepts a little more,
 * such as "1." or "-01"), an escape or a character that makes a lone surrogate, nesting
 * deeper than MAX_PARSE_DEPTH. Out of memory under the sandbox's limit propagates as from
 * any built-in.
 */
#ifndef RULESIM_TRACKER_PARSE_H
#define RULESIM_TRACKER_PARSE_H

#include <math.h>
#include <stdlib.h>

#include "_quickjs_internals.h"
#include "_tracker_json.h"   /* put_utf8 */

#define MAX_PARSE_DEPTH 200
#define PROP_C_W_E_FLAGS 7   /* JS_PROP_CONFIGURABLE | JS_PROP_WRITABLE | JS_PROP_ENUMERABLE */

typedef struct {
    JSContext *ctx;
    const unsigned char *p, *end;   /* the text at any width (_tracker_parse_units.h: its UNIT) */
    unsigned char *scratch;    /* a string with escapes, decoded (malloc, grown) */
    size_t scratch_cap;
    int depth;
    int unsupported;           /* the text is outside what this reader reads: JSON.parse's */
    int latin1;                /* 8-bit text: the engine's string itself (Latin-1), not UTF-8 */
    struct ShortString *seen;  /* short string values made so far (calloc'd on first use) */
    int share;                 /* whether to share short strings (a long text: see below) */
} Parse;

/* Short string values repeat (a country, a provider, a confidence, a role): each is made
   once a text and shared, as the engine shares any string value (strings are immutable). */
#define SEEN_SLOTS 512
#define SEEN_MAX_LEN 24
#define SHARE_FROM_LEN 4096   /* texts of fewer units make their strings (the table: 24 KB) */
struct ShortString {
    uint32_t len;
    unsigned char bytes[SEEN_MAX_LEN];
    JSValue value;   /* a reference held by the table (tag 0: empty slot) */
};

static JSValue short_string(Parse *P, const unsigned char *s, size_t len) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) h = (h ^ s[i]) * 16777619u;
    if (P->seen == NULL) {
        P->seen = calloc(SEEN_SLOTS, sizeof(struct ShortString));
        if (P->seen == NULL) return E.NewStringLen(P->ctx, (const char *)s, len);
    }
    struct ShortString *slot = &P->seen[h & (SEEN_SLOTS - 1)];
    if (slot->value.tag == TAG_STRING && slot->len == len && memcmp(slot->bytes, s, len) == 0)
        return dup_value(slot->value);
    JSValue v = E.NewStringLen(P->ctx, (const char *)s, len);
    if (v.tag != TAG_STRING) return v;
    if (slot->value.tag == TAG_STRING) free_value(P->ctx, slot->value);
    slot->len = (uint32_t)len;
    memcpy(slot->bytes, s, len);
    slot->value = dup_value(v);
    return v;
}

static void forget_short_strings(Parse *P) {
    if (P->seen == NULL) return;
    for (int i = 0; i < SEEN_SLOTS; i++)
        if (P->seen[i].value.tag == TAG_STRING) free_value(P->ctx, P->seen[i].value);
    free(P->seen);
}

/* JSValue of an exception with the reason: unsupported (JSON.parse decides) or not (the
   engine's exception is pending). */
static inline JSValue give_up(Parse *P) {
    P->unsupported = 1;
    return value_of_tag(TAG_EXCEPTION);
}

/* The number JS_NewFloat64 makes of d: an int when d is one (not -0), else a float64. */
static inline JSValue number_value(double d) {
    if (d >= -2147483648.0 && d <= 2147483647.0) {
        int32_t i = (int32_t)d;
        double back = (double)i;
        if (memcmp(&back, &d, sizeof d) == 0) return new_int(i);
    }
    return new_float(d);
}

static int scratch_reserve(Parse *P, size_t need) {
    if (need <= P->scratch_cap) return 0;
    size_t cap = P->scratch_cap ? P->scratch_cap : 256;
    while (cap < need) cap *= 2;
    unsigned char *nb = realloc(P->scratch, cap);
    if (nb == NULL) return -1;
    P->scratch = nb;
    P->scratch_cap = cap;
    return 0;
}

/* Whether UTF-8 bytes hold an encoded surrogate (ED A0-BF: the engine's UTF-8 of a lone
   surrogate of the text), which this reader leaves to JSON.parse. */
static inline int has_surrogate(const unsigned char *s, size_t n) {
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == 0xED && s[i + 1] >= 0xA0) return 1;
    return 0;
}

#define UNIT uint8_t
#define FN(name) name##_8
#include "_tracker_parse_units.h"
#undef UNIT
#undef FN
#define UNIT uint16_t
#define FN(name) name##_16
#include "_tracker_parse_units.h"
#undef UNIT
#undef FN

/* parseJson(text, inPlace): the value JSON.parse(text) gives, or undefined when this reader
   leaves the text to JSON.parse (see the top of this file). Not a string: undefined. With
   inPlace 1 (the prelude passes it once the tracker's layout check, which checks the engine's
   strings too, has passed: 30-tracking.js), the string is read where it is, 8-bit (Latin-1)
   or 16-bit; else through the engine's UTF-8 copy of it. */
static JSValue js_parse_json(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    if (argc < 1 || argv[0].tag != TAG_STRING) return undefined_value();
    const IString *str = (const IString *)argv[0].u.ptr;
    int in_place = argc >= 2 && argv[1].tag == TAG_INT && argv[1].u.int32 == 1;
    int wide = in_place && STR_WIDE(str);
    size_t len = 0;
    const char *text = NULL;
    Parse P;
    if (in_place) {
        len = STR_LEN(str);
        P.p = wide ? (const unsigned char *)str->u.str16 : str->u.str8;
        P.end = wide ? (const unsigned char *)(str->u.str16 + len) : str->u.str8 + len;
    } else {
        text = E.ToCStringLen2(ctx, &len, argv[0], 0);
        if (text == NULL) return value_of_tag(TAG_EXCEPTION);   /* out of memory: pending */
        P.p = (const unsigned char *)text;
        P.end = P.p + len;
    }
    P.ctx = ctx;
    P.latin1 = in_place && !wide;
    P.seen = NULL;
    P.share = len >= SHARE_FROM_LEN;
    P.scratch = NULL;
    P.scratch_cap = 0;
    P.depth = 0;
    P.unsupported = 0;
    JSValue v = wide ? parse_text_16(&P) : parse_text_8(&P);
    forget_short_strings(&P);
    free(P.scratch);
    if (text != NULL) E.FreeCString(ctx, text);
    if (v.tag == TAG_EXCEPTION && P.unsupported) return undefined_value();
    return v;
}

#endif

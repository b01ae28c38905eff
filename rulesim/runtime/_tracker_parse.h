/*
 * The JSON reader of rulesim/runtime/_tracker.c (included there: one compilation unit):
 * parseJson(text), JSON.parse(text) for the texts the host hands the prelude (a batch of
 * logins, one login, a host operation's answer).
 *
 * QuickJS reads JSON with its JavaScript tokenizer: every character of every string goes
 * through a string buffer one at a time, and a login's JSON costs more than the rules that
 * read it. This reader scans a string's bytes to its closing quote and makes the string in
 * one call, and builds objects and arrays through the engine's public API exactly as
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

#define MAX_PARSE_DEPTH 200
#define PROP_C_W_E_FLAGS 7   /* JS_PROP_CONFIGURABLE | JS_PROP_WRITABLE | JS_PROP_ENUMERABLE */

typedef struct {
    JSContext *ctx;
    const unsigned char *p, *end;
    unsigned char *scratch;    /* a string with escapes, decoded (malloc, grown) */
    size_t scratch_cap;
    int depth;
    int unsupported;           /* the text is outside what this reader reads: JSON.parse's */
    int latin1;                /* the text is the engine's 8-bit string itself, not UTF-8 */
    struct ShortString *seen;  /* short string values made so far (calloc'd on first use) */
} Parse;

/* Short string values repeat (a country, a provider, a confidence, a role): each is made
   once a text and shared, as the engine shares any string value (strings are immutable). */
#define SEEN_SLOTS 512
#define SEEN_MAX_LEN 24
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

static inline void skip_space(Parse *P) {
    const unsigned char *p = P->p, *end = P->end;
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    P->p = p;
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

/* A number at P->p, converted as the engine's js_atof converts a JSON number: an integer's
   digits accumulated in 64 bits (then scaled by the power of ten of the digits that did not
   fit), anything with a fraction or an exponent by strtod. */
static JSValue parse_number(Parse *P) {
    const unsigned char *s = P->p, *q = s, *end = P->end;
    int neg = 0, is_float = 0;
    if (*q == '-') {
        neg = 1;
        q++;
    }
    if (q >= end || *q < '0' || *q > '9') return give_up(P);
    const unsigned char *digits = q;
    if (*q == '0') {
        q++;
        if (q < end && *q >= '0' && *q <= '9') return give_up(P);   /* a leading zero */
    } else {
        while (q < end && *q >= '0' && *q <= '9') q++;
    }
    if (q < end && *q == '.') {
        q++;
        if (q >= end || *q < '0' || *q > '9') return give_up(P);
        while (q < end && *q >= '0' && *q <= '9') q++;
        is_float = 1;
    }
    if (q < end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < end && (*q == '+' || *q == '-')) q++;
        if (q >= end || *q < '0' || *q > '9') return give_up(P);
        while (q < end && *q >= '0' && *q <= '9') q++;
        is_float = 1;
    }
    P->p = q;
    if (!is_float) {
        const uint64_t n_max = ((uint64_t)-1 - 9) / 10;
        uint64_t n = 0;
        int int_exp = 0;
        const unsigned char *d = digits;
        while (d < q && *d == '0') d++;
        for (; d < q; d++) {
            if (n <= n_max) n = n * 10 + (uint64_t)(*d - '0');
            else int_exp++;
        }
        double v = (double)n;
        if (int_exp != 0) v *= pow(10, int_exp);
        return number_value(neg ? -v : v);
    }
    size_t len = (size_t)(q - s);
    char small[64];
    char *buf = len < sizeof small ? small : malloc(len + 1);
    if (buf == NULL) return give_up(P);
    memcpy(buf, s, len);
    buf[len] = '\0';
    double v = strtod(buf, NULL);
    if (buf != small) free(buf);
    return number_value(v);
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

static inline int hex4(const unsigned char *p, uint32_t *out) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
        else return 0;
    }
    *out = v;
    return 1;
}

static inline size_t put_utf8(unsigned char *o, uint32_t c) {
    if (c < 0x80) {
        o[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (unsigned char)(0xC0 | (c >> 6));
        o[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (c >> 12));
        o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (c >> 18));
    o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (c & 0x3F));
    return 4;
}

/* Whether UTF-8 bytes hold an encoded surrogate (ED A0-BF: the engine's UTF-8 of a lone
   surrogate of the text), which this reader leaves to JSON.parse. */
static inline int has_surrogate(const unsigned char *s, size_t n) {
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == 0xED && s[i + 1] >= 0xA0) return 1;
    return 0;
}

/* The string at P->p (its opening quote) as UTF-8 bytes: *out points into the text, or into
   the scratch buffer when it had escapes; *ascii says whether every byte is below 0x80.
   0, or -1 (unsupported, or no memory for the scratch buffer: P->unsupported either way). */
static int scan_string(Parse *P, const unsigned char **out, size_t *len, int *ascii) {
    const unsigned char *s = P->p + 1, *q = s, *end = P->end;
    unsigned high = 0;
    for (;;) {
        if (q >= end) goto unsupported;
        unsigned c = *q;
        if (c == '"') break;
        if (c == '\\') goto escaped;
        if (c < 0x20) goto unsupported;
        high |= c;
        q++;
    }
    if (!(high & 0x80) || (!P->latin1 && !has_surrogate(s, (size_t)(q - s)))) {
        *out = s;
        *len = (size_t)(q - s);
        *ascii = !(high & 0x80);
        P->p = q + 1;
        return 0;
    }
    if (!P->latin1) goto unsupported;
escaped:;
    /* Decode to the closing quote into the scratch buffer (at most twice the text: a
       Latin-1 character is two bytes of UTF-8, an escape no more than its own length). */
    if (scratch_reserve(P, 2 * (size_t)(end - s) + 4) < 0) goto unsupported;
    unsigned char *o = P->scratch;
    size_t n = 0;
    for (q = s;;) {
        if (q >= end) goto unsupported;
        unsigned c = *q;
        if (c == '"') break;
        if (c < 0x20) goto unsupported;
        if (c != '\\') {
            high |= c;
            if (c >= 0x80 && P->latin1) n += put_utf8(o + n, c);
            else o[n++] = (unsigned char)c;
            q++;
            continue;
        }
        if (q + 1 >= end) goto unsupported;
        unsigned e = q[1];
        q += 2;
        switch (e) {
        case '"': o[n++] = '"'; break;
        case '\\': o[n++] = '\\'; break;
        case '/': o[n++] = '/'; break;
        case 'b': o[n++] = '\b'; break;
        case 'f': o[n++] = '\f'; break;
        case 'n': o[n++] = '\n'; break;
        case 'r': o[n++] = '\r'; break;
        case 't': o[n++] = '\t'; break;
        case 'u': {
            uint32_t cp, lo;
            if (q + 4 > end || !hex4(q, &cp)) goto unsupported;
            q += 4;
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                /* Only a high surrogate followed by a low one makes a character here. */
                if (cp >= 0xDC00 || q + 6 > end || q[0] != '\\' || q[1] != 'u' || !hex4(q + 2, &lo) ||
                    lo < 0xDC00 || lo > 0xDFFF)
                    goto unsupported;
                q += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            if (cp >= 0x80) high |= 0x80;
            n += put_utf8(o + n, cp);
            break;
        }
        default:
            goto unsupported;
        }
    }
    if ((high & 0x80) && !P->latin1 && has_surrogate(o, n)) goto unsupported;
    *out = o;
    *len = n;
    *ascii = !(high & 0x80);
    P->p = q + 1;
    return 0;
unsupported:
    P->unsupported = 1;
    return -1;
}

static JSValue parse_value(Parse *P);

/* The key at P->p as an atom (0: failed, see P->unsupported). As JSON.parse's: an ASCII key
   through JS_NewAtomLen (the atom table's lookup, canonical array indexes as integer atoms),
   any other through a string (JS_NewAtomLen reads bytes as Latin-1 when it looks a key up). */
static uint32_t parse_key(Parse *P) {
    const unsigned char *s;
    size_t len;
    int ascii;
    if (scan_string(P, &s, &len, &ascii) < 0) return 0;
    if (ascii) return E.NewAtomLen(P->ctx, (const char *)s, len);
    JSValue str = E.NewStringLen(P->ctx, (const char *)s, len);
    if (str.tag == TAG_EXCEPTION) return 0;
    uint32_t atom = E.ValueToAtom(P->ctx, str);
    free_value(P->ctx, str);
    return atom;
}

static JSValue parse_object(Parse *P) {
    JSContext *ctx = P->ctx;
    JSValue obj = E.NewObject(ctx);
    if (obj.tag == TAG_EXCEPTION) return obj;
    P->p++;
    skip_space(P);
    if (P->p < P->end && *P->p == '}') {
        P->p++;
        return obj;
    }
    for (;;) {
        if (P->p >= P->end || *P->p != '"') goto unsupported;
        uint32_t atom = parse_key(P);
        if (atom == 0) goto fail;
        skip_space(P);
        if (P->p >= P->end || *P->p != ':') {
            E.FreeAtom(ctx, atom);
            goto unsupported;
        }
        P->p++;
        skip_space(P);
        JSValue v = parse_value(P);
        if (v.tag == TAG_EXCEPTION) {
            E.FreeAtom(ctx, atom);
            goto fail;
        }
        int ok = E.DefinePropertyValue(ctx, obj, atom, v, PROP_C_W_E_FLAGS);   /* takes v */
        E.FreeAtom(ctx, atom);
        if (ok < 0) goto fail;
        skip_space(P);
        if (P->p >= P->end) goto unsupported;
        if (*P->p == ',') {
            P->p++;
            skip_space(P);
            continue;
        }
        if (*P->p == '}') {
            P->p++;
            return obj;
        }
        goto unsupported;
    }
unsupported:
    P->unsupported = 1;
fail:
    free_value(ctx, obj);
    return value_of_tag(TAG_EXCEPTION);
}

static JSValue parse_array(Parse *P) {
    JSContext *ctx = P->ctx;
    JSValue arr = E.NewArray(ctx);
    if (arr.tag == TAG_EXCEPTION) return arr;
    P->p++;
    skip_space(P);
    if (P->p < P->end && *P->p == ']') {
        P->p++;
        return arr;
    }
    for (uint32_t i = 0;; i++) {
        JSValue v = parse_value(P);
        if (v.tag == TAG_EXCEPTION) goto fail;
        if (E.DefinePropertyValueUint32(ctx, arr, i, v, PROP_C_W_E_FLAGS) < 0) goto fail;
        skip_space(P);
        if (P->p >= P->end) goto unsupported;
        if (*P->p == ',') {
            P->p++;
            skip_space(P);
            continue;
        }
        if (*P->p == ']') {
            P->p++;
            return arr;
        }
        goto unsupported;
    }
unsupported:
    P->unsupported = 1;
fail:
    free_value(ctx, arr);
    return value_of_tag(TAG_EXCEPTION);
}

static inline int literal(Parse *P, const char *word, size_t n) {
    if ((size_t)(P->end - P->p) < n || memcmp(P->p, word, n) != 0) return 0;
    P->p += n;
    return 1;
}

static JSValue parse_value(Parse *P) {
    if (P->p >= P->end) return give_up(P);
    JSValue v;
    switch (*P->p) {
    case '{':
    case '[':
        if (++P->depth > MAX_PARSE_DEPTH) return give_up(P);
        v = *P->p == '{' ? parse_object(P) : parse_array(P);
        P->depth--;
        return v;
    case '"': {
        const unsigned char *s;
        size_t len;
        int ascii;
        if (scan_string(P, &s, &len, &ascii) < 0) return value_of_tag(TAG_EXCEPTION);
        if (len <= SEEN_MAX_LEN) return short_string(P, s, len);
        return E.NewStringLen(P->ctx, (const char *)s, len);
    }
    case 't':
        if (literal(P, "true", 4)) {
            v = value_of_tag(TAG_BOOL);
            v.u.int32 = 1;
            return v;
        }
        return give_up(P);
    case 'f':
        if (literal(P, "false", 5)) return value_of_tag(TAG_BOOL);
        return give_up(P);
    case 'n':
        if (literal(P, "null", 4)) return value_of_tag(TAG_NULL);
        return give_up(P);
    default:
        return parse_number(P);
    }
}

/* parseJson(text, inPlace): the value JSON.parse(text) gives, or undefined when this reader
   leaves the text to JSON.parse (see the top of this file). Not a string: undefined. With
   inPlace 1 (the prelude passes it once the tracker's layout check has passed: 30-tracking.js,
   which checks the engine's strings too), an 8-bit string is read where it is (Latin-1);
   any other through the engine's UTF-8 copy of it. */
static JSValue js_parse_json(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    if (argc < 1 || argv[0].tag != TAG_STRING) return undefined_value();
    const IString *str = (const IString *)argv[0].u.ptr;
    int in_place = argc >= 2 && argv[1].tag == TAG_INT && argv[1].u.int32 == 1 && !STR_WIDE(str);
    size_t len = 0;
    const char *text = NULL;
    if (in_place) len = STR_LEN(str);
    else {
        text = E.ToCStringLen2(ctx, &len, argv[0], 0);
        if (text == NULL) return value_of_tag(TAG_EXCEPTION);   /* out of memory: pending */
    }
    Parse P;
    P.ctx = ctx;
    P.p = in_place ? str->u.str8 : (const unsigned char *)text;
    P.end = P.p + len;
    P.latin1 = in_place;
    P.seen = NULL;
    P.scratch = NULL;
    P.scratch_cap = 0;
    P.depth = 0;
    P.unsupported = 0;
    skip_space(&P);
    JSValue v = parse_value(&P);
    if (v.tag != TAG_EXCEPTION) {
        skip_space(&P);
        if (P.p != P.end) {
            free_value(ctx, v);
            v = give_up(&P);
        }
    }
    forget_short_strings(&P);
    free(P.scratch);
    if (text != NULL) E.FreeCString(ctx, text);
    if (v.tag == TAG_EXCEPTION && P.unsupported) return undefined_value();
    return v;
}

#endif

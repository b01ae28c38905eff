/*
 * The JSON reader of _tracker_parse.h over one width of text, included there twice: UNIT is
 * uint8_t (UTF-8, or with P->latin1 an 8-bit engine string read in place) or uint16_t (a
 * 16-bit engine string read in place), and FN(name) names this width's functions. No include
 * guard, on purpose.
 */
#define AT(P) ((const UNIT *)(P)->p)
#define END(P) ((const UNIT *)(P)->end)
#define WIDE (sizeof(UNIT) == 2)

static inline void FN(skip_space)(Parse *P) {
    const UNIT *p = AT(P), *end = END(P);
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    P->p = (const unsigned char *)p;
}

/* A number at P->p, converted as the engine's js_atof converts a JSON number: an integer's
   digits accumulated in 64 bits (then scaled by the power of ten of the digits that did not
   fit), anything with a fraction or an exponent by strtod. */
static JSValue FN(parse_number)(Parse *P) {
    const UNIT *s = AT(P), *q = s, *end = END(P);
    int neg = 0, is_float = 0;
    if (*q == '-') {
        neg = 1;
        q++;
    }
    if (q >= end || *q < '0' || *q > '9') return give_up(P);
    const UNIT *digits = q;
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
    P->p = (const unsigned char *)q;
    if (!is_float) {
        const uint64_t n_max = ((uint64_t)-1 - 9) / 10;
        uint64_t n = 0;
        int int_exp = 0;
        const UNIT *d = digits;
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
    for (size_t i = 0; i < len; i++) buf[i] = (char)s[i];   /* ASCII: checked above */
    buf[len] = '\0';
    double v = strtod(buf, NULL);
    if (buf != small) free(buf);
    return number_value(v);
}

static inline int FN(hex4)(const UNIT *p, uint32_t *out) {
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

/* The string at P->p (its opening quote) as UTF-8 bytes: *out points into the text (8-bit
   text without escapes, and ASCII or UTF-8), or into the scratch buffer; *ascii says whether
   every byte is below 0x80. 0, or -1 (unsupported, or no memory for the scratch buffer:
   P->unsupported either way). */
static int FN(scan_string)(Parse *P, const unsigned char **out, size_t *len, int *ascii) {
    const UNIT *s = AT(P) + 1, *q = s, *end = END(P);
    unsigned high = 0;   /* every unit or'ed: a bit above 0x7F means not ASCII */
    for (;;) {
        if (q >= end) goto unsupported;
        unsigned c = *q;
        if (c == '"') break;
        if (c == '\\') goto decode;
        if (c < 0x20) goto unsupported;
        high |= c;
        q++;
    }
    if (!WIDE && (!(high & ~0x7Fu) || (!P->latin1 && !has_surrogate((const unsigned char *)s, (size_t)(q - s))))) {
        *out = (const unsigned char *)s;
        *len = (size_t)(q - s);
        *ascii = !(high & ~0x7Fu);
        P->p = (const unsigned char *)(q + 1);
        return 0;
    }
    if (!WIDE && !P->latin1) goto unsupported;   /* UTF-8 of a lone surrogate */
    if (WIDE && !(high & ~0x7Fu)) {   /* 16-bit text, ASCII, no escape: narrowed as it is */
        size_t m = (size_t)(q - s);
        if (scratch_reserve(P, m + 1) < 0) goto unsupported;
        for (size_t i = 0; i < m; i++) P->scratch[i] = (unsigned char)s[i];
        *out = P->scratch;
        *len = m;
        *ascii = 1;
        P->p = (const unsigned char *)(q + 1);
        return 0;
    }
decode:;
    /* Where the string ends (an escaped character skipped), then its characters decoded into
       the scratch buffer: at most 3 bytes a unit of text (an escape is shorter than its text). */
    const UNIT *stop = q;
    while (stop < end && *stop != '"') {
        if (*stop == '\\' && stop + 1 >= end) goto unsupported;
        stop += *stop == '\\' ? 2 : 1;
    }
    if (stop >= end) goto unsupported;
    if (scratch_reserve(P, 3 * (size_t)(stop - s) + 4) < 0) goto unsupported;
    unsigned char *o = P->scratch;
    size_t n = 0;
    for (q = s; q < stop;) {
        uint32_t c = *q;
        if (c < 0x20) goto unsupported;
        if (c != '\\') {
            high |= c;
            q++;
            if (c < 0x80) o[n++] = (unsigned char)c;
            else if (!WIDE && !P->latin1) o[n++] = (unsigned char)c;   /* UTF-8: as it is */
            else {
                if (c >= 0xD800 && c <= 0xDFFF) {   /* 16-bit text: a pair makes a character */
                    if (c >= 0xDC00 || q >= stop || (uint32_t)*q - 0xDC00u > 0x3FFu) goto unsupported;
                    c = 0x10000 + ((c - 0xD800) << 10) + ((uint32_t)*q - 0xDC00);
                    q++;
                }
                n += put_utf8(o + n, c);
            }
            continue;
        }
        if (q + 1 >= stop) goto unsupported;
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
            if (q + 4 > stop || !FN(hex4)(q, &cp)) goto unsupported;
            q += 4;
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                /* Only a high surrogate followed by a low one makes a character here. */
                if (cp >= 0xDC00 || q + 6 > stop || q[0] != '\\' || q[1] != 'u' || !FN(hex4)(q + 2, &lo) ||
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
    if ((high & ~0x7Fu) && !WIDE && !P->latin1 && has_surrogate(o, n)) goto unsupported;
    *out = o;
    *len = n;
    *ascii = !(high & ~0x7Fu);
    P->p = (const unsigned char *)(stop + 1);
    return 0;
unsupported:
    P->unsupported = 1;
    return -1;
}

static JSValue FN(parse_value)(Parse *P);

/* The key at P->p as an atom (0: failed, see P->unsupported). As JSON.parse's: an ASCII key
   through JS_NewAtomLen (the atom table's lookup, canonical array indexes as integer atoms),
   any other through a string (JS_NewAtomLen reads bytes as Latin-1 when it looks a key up). */
static uint32_t FN(parse_key)(Parse *P) {
    const unsigned char *s;
    size_t len;
    int ascii;
    if (FN(scan_string)(P, &s, &len, &ascii) < 0) return 0;
    if (ascii) return E.NewAtomLen(P->ctx, (const char *)s, len);
    JSValue str = E.NewStringLen(P->ctx, (const char *)s, len);
    if (str.tag == TAG_EXCEPTION) return 0;
    uint32_t atom = E.ValueToAtom(P->ctx, str);
    free_value(P->ctx, str);
    return atom;
}

/* At an object's or array's opening bracket: past it and the space after it; 1 when the
   closing bracket `close` follows at once (then past it too). */
static int FN(open_members)(Parse *P, unsigned close) {
    P->p += sizeof(UNIT);
    FN(skip_space)(P);
    if (AT(P) >= END(P) || *AT(P) != close) return 0;
    P->p += sizeof(UNIT);
    return 1;
}

/* After a member: past a ',' and the space after it (1: another member follows) or past the
   closing bracket `close` (0); -1 for anything else (not JSON). */
static int FN(next_member)(Parse *P, unsigned close) {
    FN(skip_space)(P);
    if (AT(P) >= END(P)) return -1;
    unsigned c = *AT(P);
    P->p += sizeof(UNIT);
    if (c == ',') {
        FN(skip_space)(P);
        return 1;
    }
    return c == close ? 0 : -1;
}

/* One "key": value member of an object, defined on obj: 0, or -1 (see P->unsupported). */
static int FN(parse_member)(Parse *P, JSValue obj) {
    if (AT(P) >= END(P) || *AT(P) != '"') {
        P->unsupported = 1;
        return -1;
    }
    uint32_t atom = FN(parse_key)(P);
    if (atom == 0) return -1;
    FN(skip_space)(P);
    int ok = 0;
    if (AT(P) < END(P) && *AT(P) == ':') {
        P->p += sizeof(UNIT);
        FN(skip_space)(P);
        JSValue v = FN(parse_value)(P);
        /* DefinePropertyValue takes v */
        ok = v.tag != TAG_EXCEPTION && E.DefinePropertyValue(P->ctx, obj, atom, v, PROP_C_W_E_FLAGS) >= 0;
    } else P->unsupported = 1;
    E.FreeAtom(P->ctx, atom);
    return ok ? 0 : -1;
}

/* An object or (is_array) an array at P->p; an exception when it fails (P->unsupported: not
   JSON this reader reads; else the engine's exception is pending). */
static JSValue FN(parse_members)(Parse *P, int is_array) {
    JSContext *ctx = P->ctx;
    unsigned close = is_array ? ']' : '}';
    JSValue container = is_array ? E.NewArray(ctx) : E.NewObject(ctx);
    if (container.tag == TAG_EXCEPTION || FN(open_members)(P, close)) return container;
    int more = 1;
    for (uint32_t i = 0; more == 1; i++) {
        if (is_array) {
            JSValue v = FN(parse_value)(P);
            if (v.tag == TAG_EXCEPTION || E.DefinePropertyValueUint32(ctx, container, i, v, PROP_C_W_E_FLAGS) < 0)
                break;
        } else if (FN(parse_member)(P, container) < 0) break;
        more = FN(next_member)(P, close);
        if (more < 0) P->unsupported = 1;
    }
    if (more == 0) return container;
    free_value(ctx, container);
    return value_of_tag(TAG_EXCEPTION);
}

static inline int FN(literal)(Parse *P, const char *word, size_t n) {
    const UNIT *p = AT(P);
    if ((size_t)(END(P) - p) < n) return 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)word[i]) return 0;
    P->p = (const unsigned char *)(p + n);
    return 1;
}

static JSValue FN(parse_value)(Parse *P) {
    if (AT(P) >= END(P)) return give_up(P);
    JSValue v;
    switch (*AT(P)) {
    case '{':
    case '[':
        if (++P->depth > MAX_PARSE_DEPTH) return give_up(P);
        v = FN(parse_members)(P, *AT(P) == '[');
        P->depth--;
        return v;
    case '"': {
        const unsigned char *s;
        size_t len;
        int ascii;
        if (FN(scan_string)(P, &s, &len, &ascii) < 0) return value_of_tag(TAG_EXCEPTION);
        if (P->share && len <= SEEN_MAX_LEN) return short_string(P, s, len);
        return E.NewStringLen(P->ctx, (const char *)s, len);
    }
    case 't':
        if (FN(literal)(P, "true", 4)) {
            v = value_of_tag(TAG_BOOL);
            v.u.int32 = 1;
            return v;
        }
        return give_up(P);
    case 'f':
        if (FN(literal)(P, "false", 5)) return value_of_tag(TAG_BOOL);
        return give_up(P);
    case 'n':
        if (FN(literal)(P, "null", 4)) return value_of_tag(TAG_NULL);
        return give_up(P);
    default:
        return FN(parse_number)(P);
    }
}

/* The whole text: its value, or an exception (P->unsupported: JSON.parse's). */
static JSValue FN(parse_text)(Parse *P) {
    FN(skip_space)(P);
    JSValue v = FN(parse_value)(P);
    if (v.tag == TAG_EXCEPTION) return v;
    FN(skip_space)(P);
    if (P->p == P->end) return v;
    free_value(P->ctx, v);
    return give_up(P);
}

#undef AT
#undef END
#undef WIDE

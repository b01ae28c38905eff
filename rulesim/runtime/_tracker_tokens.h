/*
 * The tokens of a login in rulesim/runtime/_tracker.c (included there: one compilation unit):
 * the JSON of the ID token and of the access token's custom claims, as the prelude's
 * loginOutputs (70-tokens.js) computes them, written from the raw user and context without
 * building the token objects in JavaScript.
 */
#ifndef RULESIM_TRACKER_TOKENS_H
#define RULESIM_TRACKER_TOKENS_H

#include "_quickjs_internals.h"

/* The ID token's standard claims, in the order the prelude writes them (profileClaims), with
   the user's property each one reads, and the scope that brings them (bits of the scope mask
   the prelude passes: 1 openid, 2 profile, 4 email, 8 phone). */
typedef struct {
    const char *claim, *source;
    int scope;
} StandardClaim;

static const StandardClaim STANDARD_CLAIMS[] = {
    {"sub", "user_id", 1},
    {"name", "name", 2}, {"family_name", "family_name", 2}, {"given_name", "given_name", 2},
    {"middle_name", "middle_name", 2}, {"nickname", "nickname", 2},
    {"preferred_username", "preferred_username", 2}, {"profile", "profile", 2},
    {"picture", "picture", 2}, {"website", "website", 2}, {"gender", "gender", 2},
    {"birthdate", "birthdate", 2}, {"zoneinfo", "zoneinfo", 2}, {"locale", "locale", 2},
    {"updated_at", "updated_at", 2},
    {"email", "email", 4}, {"email_verified", "email_verified", 4},
    {"phone_number", "phone_number", 8}, {"phone_number_verified", "phone_verified", 8},
};
#define N_STANDARD ((int)(sizeof STANDARD_CLAIMS / sizeof STANDARD_CLAIMS[0]))

/* The claim names Auth0 keeps for itself (70-tokens.js RESTRICTED). */
static const char *const RESTRICTED_CLAIMS[] = {
    "sub", "aud", "iss", "exp", "nbf", "iat", "jti", "azp", "nonce", "auth_time", "at_hash", "c_hash", "acr",
    "amr", "sid", "org_id", "org_name", "cnf", "act", "scope", "gty", "roles", "permissions", "groups",
    "client_id", "may_act",
};
#define N_RESTRICTED ((int)(sizeof RESTRICTED_CLAIMS / sizeof RESTRICTED_CLAIMS[0]))

/* The atoms the tokens read, made once for the context (kept for its life, as the parts'):
   each standard claim's name and source, then idToken, accessToken, primaryUser. */
enum { TA_CLAIM = 0, TA_SOURCE = N_STANDARD, TA_ID_TOKEN = 2 * N_STANDARD, TA_ACCESS_TOKEN, TA_PRIMARY, N_TOKEN_ATOMS };
_Static_assert(N_TOKEN_ATOMS <= MAX_TOKEN_ATOMS, "TokenAtoms (_tracker_snapshot.h) holds every atom");

static int token_atoms_ready(JSContext *ctx, TokenAtoms *ta) {
    if (ta->ready) return 1;
    for (int i = 0; i < N_STANDARD; i++) {
        ta->atoms[TA_CLAIM + i] = E.NewAtom(ctx, STANDARD_CLAIMS[i].claim);
        ta->atoms[TA_SOURCE + i] = E.NewAtom(ctx, STANDARD_CLAIMS[i].source);
    }
    ta->atoms[TA_ID_TOKEN] = E.NewAtom(ctx, "idToken");
    ta->atoms[TA_ACCESS_TOKEN] = E.NewAtom(ctx, "accessToken");
    ta->atoms[TA_PRIMARY] = E.NewAtom(ctx, "primaryUser");
    for (int i = 0; i < N_TOKEN_ATOMS; i++)
        if (ta->atoms[i] == 0) return 0;
    ta->ready = 1;
    return 1;
}

enum { GOT = 1, NONE = 0, ASK = -1 };

/* obj[atom] as JavaScript reads it, for a plain object whose prototype chain is plain data:
   GOT (*out borrowed), NONE (undefined: nowhere on the chain), ASK (an accessor or another
   kind of object on the way: the prelude reads it). */
static int get_data(Json *j, JSValue obj, JSAtom atom, JSValue *out) {
    if (!plain_object(j, obj)) return ASK;
    IObject *o = (IObject *)obj.u.ptr;
    for (int depth = 0; depth < 2; depth++) {
        IShape *sh = o->shape;
        for (int32_t i = 0; i < sh->prop_count; i++) {
            if (sh->prop[i].atom != atom) continue;
            if (SP_FLAGS(sh->prop[i]) & PROP_TMASK) return ASK;
            *out = o->prop[i];
            return out->tag == TAG_UNDEFINED ? NONE : GOT;
        }
        if (sh->proto == NULL) return NONE;
        o = (IObject *)sh->proto;
        if (o != (IObject *)j->object_proto) return ASK;
    }
    return NONE;
}

static inline uint32_t code_unit(const IString *p, uint32_t i) { return STR_WIDE(p) ? p->u.str16[i] : p->u.str8[i]; }

static inline uint32_t ascii_lower(uint32_t c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Whether p[at, at + n) is the ASCII text s, letters in either case. */
static int same_text_nocase(const IString *p, uint32_t at, const char *s, uint32_t n) {
    if (at + n > STR_LEN(p)) return 0;
    for (uint32_t i = 0; i < n; i++)
        if (ascii_lower(code_unit(p, at + i)) != (uint32_t)s[i]) return 0;
    return 1;
}

/* Why Auth0 drops claim k (70-tokens.js claimVerdict): "restricted", "reserved_namespace" or
   NULL (kept). The namespace test is FORBIDDEN_NS: http(s)://, a host that is auth0.com,
   webtask.io or webtask.run or ends with '.' and one of them, then '/' or the end; letters in
   either case. */
static const char *claim_verdict(const IString *p) {
    uint32_t n = STR_LEN(p);
    if (!STR_WIDE(p)) {
        for (int i = 0; i < N_RESTRICTED; i++) {
            size_t m = strlen(RESTRICTED_CLAIMS[i]);
            if (m == n && memcmp(p->u.str8, RESTRICTED_CLAIMS[i], m) == 0) return "restricted";
        }
    }
    uint32_t at;
    if (same_text_nocase(p, 0, "https://", 8)) at = 8;
    else if (same_text_nocase(p, 0, "http://", 7)) at = 7;
    else return NULL;
    uint32_t end = at;
    while (end < n && code_unit(p, end) != '/') end++;
    static const char *const DOMAINS[] = {"auth0.com", "webtask.io", "webtask.run"};
    for (int d = 0; d < 3; d++) {
        uint32_t m = (uint32_t)strlen(DOMAINS[d]);
        if (end - at < m || !same_text_nocase(p, end - m, DOMAINS[d], m)) continue;
        if (end - at == m || code_unit(p, end - m - 1) == '.') return "reserved_namespace";
    }
    return NULL;
}

/* Claim atom of a plain token object as filterClaims reads it: GOT (*out borrowed) for an
   own enumerable data property that is not undefined, NONE when Object.keys does not list it
   (or its value is undefined: *out unchanged), ASK for an accessor. */
static int own_claim(JSValue src, JSAtom atom, JSValue *out) {
    IShape *sh = ((IObject *)src.u.ptr)->shape;
    for (int32_t i = 0; i < sh->prop_count; i++) {
        if (sh->prop[i].atom != atom || !(SP_FLAGS(sh->prop[i]) & PROP_ENUMERABLE)) continue;
        if (SP_FLAGS(sh->prop[i]) & PROP_TMASK) return ASK;
        JSValue v = ((IObject *)src.u.ptr)->prop[i];
        if (v.tag == TAG_UNDEFINED) return NONE;
        *out = v;
        return GOT;
    }
    return NONE;
}

/* A claim dropped: [token, name, why], appended to the prelude's list at the end. */
#define MAX_DROPPED 64
typedef struct {
    int n;
    int token[MAX_DROPPED];
    JSAtom name[MAX_DROPPED];
    const char *why[MAX_DROPPED];
} Dropped;

/* Write `"key":` (with a comma unless first) for key atom (a string); -1 out of memory. */
static int write_key(Json *j, JSAtom atom, int first) {
    JSValue key = E.AtomToValue(j->ctx, atom);
    if (key.tag != TAG_STRING) {
        free_value(j->ctx, key);
        return -1;
    }
    int r = (!first && text_byte(&j->text, ',') < 0) || quote(&j->text, (const IString *)key.u.ptr) < 0 ||
            text_byte(&j->text, ':') < 0 ? -1 : 0;
    free_value(j->ctx, key);
    return r;
}

/* Write `"key":json(v)` unless JSON leaves v out; *first is cleared when written. */
static int write_claim(Json *j, JSAtom atom, JSValue v, int *first) {
    size_t mark = j->text.len;
    if (write_key(j, atom, *first) < 0) return JSON_FAIL;
    int r = json_value(j, v, 1);
    if (r == JSON_SKIP) {
        j->text.len = mark;
        return JSON_OK;
    }
    if (r == JSON_OK) *first = 0;
    return r;
}

/* The custom claims of a token object (filterClaims): its own enumerable string keys in
   order, the dropped ones recorded, undefined values left out; the keys in `written` (the
   standard claims, already written with the custom value when there is one) are not written
   again. JSON_OK, or the code to stop with. */
static int custom_claims(Json *j, JSValue src, int token, int is_access, Dropped *dropped, const JSAtom *written,
                         int n_written, int *first) {
    if (src.tag != TAG_OBJECT) return JSON_OK; /* (`!src || typeof src !== 'object'`) */
    if (!plain_object(j, src)) return JSON_ASK;
    IObject *o = (IObject *)src.u.ptr;
    IShape *sh = o->shape;
    for (int32_t i = 0; i < sh->prop_count; i++) {
        IShapeProp sp = sh->prop[i];
        if (sp.atom == 0) continue;
        if (sp.atom & ATOM_TAG_INT) return JSON_ASK; /* (Object.keys puts those first) */
        uint32_t flags = SP_FLAGS(sp);
        if (!(flags & PROP_ENUMERABLE)) continue;
        if (flags & PROP_TMASK) return JSON_ASK;
        JSValue key = E.AtomToValue(j->ctx, sp.atom);
        if (key.tag == TAG_EXCEPTION) return JSON_FAIL;
        if (key.tag != TAG_STRING) { /* a symbol: not a claim */
            free_value(j->ctx, key);
            continue;
        }
        const IString *name = (const IString *)key.u.ptr;
        int is_scope = is_access && !STR_WIDE(name) && STR_LEN(name) == 5 && memcmp(name->u.str8, "scope", 5) == 0;
        const char *why = is_scope ? NULL : claim_verdict(name);
        free_value(j->ctx, key);
        if (is_scope) continue;
        if (why != NULL) {
            if (dropped->n == MAX_DROPPED) return JSON_ASK;
            dropped->token[dropped->n] = token;
            dropped->name[dropped->n] = sp.atom;
            dropped->why[dropped->n++] = why;
            continue;
        }
        JSValue v = o->prop[i];
        if (v.tag == TAG_UNDEFINED) continue;   /* (a function: json_value asks) */
        int skip = 0;
        for (int w = 0; w < n_written && !skip; w++) skip = written[w] == sp.atom;
        if (skip) continue;
        int r = write_claim(j, sp.atom, v, first);
        if (r != JSON_OK) return r;
    }
    return JSON_OK;
}

/* obj[i] = v for a new value v, which may be the exception a failed allocation gave; -1 then
   (nothing is set) or when the set fails (it took v). */
static int set_new(JSContext *ctx, JSValue obj, uint32_t i, JSValue v) {
    if (v.tag == TAG_EXCEPTION) return -1;
    return E.SetPropertyUint32(ctx, obj, i, v) < 0 ? -1 : 0;
}

/* tokens(mem, hold, user, context, scopes, [Object.prototype, Array.prototype], out, dropped):
   the ID token's JSON in out[0] and the access token's custom claims' JSON in out[1], the
   dropped claims appended to `dropped` as [token, name, why]; 1, or 0 when the prelude must
   compute them itself (anything but plain data on the way: an accessor, a proxy, a function,
   a toJSON, an integer-like claim name, a number only the engine formats). `scopes`: 1
   openid, 2 profile, 4 email, 8 phone. Nothing is written unless the answer is 1. */
static JSValue js_tokens(JSContext *ctx, JSValue this_val, int argc, JSValue *argv) {
    (void)this_val;
    Tracker t;
    if (!tracker_of(ctx, argc, argv, &t) || argc < 8 || !t.s->layout_ok || argv[4].tag != TAG_INT ||
        argv[6].tag != TAG_OBJECT || argv[7].tag != TAG_OBJECT)
        return new_int(0);
    IObject *out = (IObject *)argv[6].u.ptr, *drop_list = (IObject *)argv[7].u.ptr;
    if (out->class_id != CLASS_ARRAY || !(out->flags & OBJ_FAST_ARRAY) || drop_list->class_id != CLASS_ARRAY ||
        !(drop_list->flags & OBJ_FAST_ARRAY))
        return new_int(0);
    TokenAtoms *ta = &t.s->token_atoms;
    if (!token_atoms_ready(ctx, ta)) return new_int(0);
    Json j;
    if (!json_begin(&j, ctx, argv[5])) return new_int(0);
    int scopes = argv[4].u.int32, r = JSON_OK;
    JSValue user = argv[2], context = argv[3];
    JSValue id_src = undefined_value(), at_src = undefined_value(), primary = undefined_value();
    if (get_data(&j, context, ta->atoms[TA_ID_TOKEN], &id_src) < 0 ||
        get_data(&j, context, ta->atoms[TA_ACCESS_TOKEN], &at_src) < 0 ||
        get_data(&j, context, ta->atoms[TA_PRIMARY], &primary) < 0)
        r = JSON_ASK;
    /* The ID token: the standard claims the scopes bring (a custom claim of the same name, kept,
       takes the standard one's place: JavaScript keeps a key where it was first set). */
    JSAtom written[N_STANDARD];
    int n_written = 0, first = 1;
    Dropped dropped;
    dropped.n = 0;
    if (r == JSON_OK && text_byte(&j.text, '{') < 0) r = JSON_FAIL;
    for (int c = 0; c < N_STANDARD && r == JSON_OK; c++) {
        if (!(scopes & STANDARD_CLAIMS[c].scope)) continue;
        JSValue v = undefined_value();
        int got;
        if (c == 0 && primary.tag == TAG_STRING && STR_LEN((const IString *)primary.u.ptr) > 0) {
            v = primary; /* account linking: the token is the primary user's */
            got = GOT;
        } else got = get_data(&j, user, ta->atoms[TA_SOURCE + c], &v);
        if (got == ASK) {
            r = JSON_ASK;
            break;
        }
        if (got == NONE) continue;
        if (c > 0 && plain_object(&j, id_src)) {
            /* A custom claim of this name the token keeps overrides the value (not `sub`: it is
               restricted). */
            int cgot = own_claim(id_src, ta->atoms[TA_CLAIM + c], &v);
            if (cgot == ASK) {
                r = JSON_ASK;
                break;
            }
        }
        written[n_written++] = ta->atoms[TA_CLAIM + c];
        r = write_claim(&j, ta->atoms[TA_CLAIM + c], v, &first);
    }
    if (r == JSON_OK) r = custom_claims(&j, id_src, 0, 0, &dropped, written, n_written, &first);
    if (r == JSON_OK && text_byte(&j.text, '}') < 0) r = JSON_FAIL;
    JSValue id_json = undefined_value(), at_json = undefined_value();
    if (r == JSON_OK) {
        id_json = E.NewStringLen(ctx, j.text.buf, j.text.len);
        if (id_json.tag == TAG_EXCEPTION) r = JSON_FAIL;
    }
    /* The access token's custom claims (its `scope` is the scopes' business). */
    first = 1;
    j.text.len = 0;
    if (r == JSON_OK && text_byte(&j.text, '{') < 0) r = JSON_FAIL;
    if (r == JSON_OK) r = custom_claims(&j, at_src, 1, 1, &dropped, NULL, 0, &first);
    if (r == JSON_OK && text_byte(&j.text, '}') < 0) r = JSON_FAIL;
    if (r == JSON_OK) {
        at_json = E.NewStringLen(ctx, j.text.buf, j.text.len);
        if (at_json.tag == TAG_EXCEPTION) r = JSON_FAIL;
    }
    json_end(&j);
    if (r != JSON_OK) {
        free_value(ctx, id_json);
        free_value(ctx, at_json);
        return r == JSON_FAIL ? E.ThrowOutOfMemory(ctx) : new_int(0);
    }
    if (E.SetPropertyUint32(ctx, argv[6], 0, id_json) < 0) { /* (each set takes its value, also when it fails) */
        free_value(ctx, at_json);
        return value_of_tag(TAG_EXCEPTION);
    }
    if (E.SetPropertyUint32(ctx, argv[6], 1, at_json) < 0) return value_of_tag(TAG_EXCEPTION);
    uint32_t at = drop_list->u.array.count;
    for (int d = 0; d < dropped.n; d++) {
        JSValue row = E.NewArray(ctx);
        if (row.tag == TAG_EXCEPTION) return row;
        const char *token = dropped.token[d] ? "access_token" : "id_token";
        if (set_new(ctx, row, 0, E.NewStringLen(ctx, token, strlen(token))) < 0 ||
            set_new(ctx, row, 1, E.AtomToValue(ctx, dropped.name[d])) < 0 ||
            set_new(ctx, row, 2, E.NewStringLen(ctx, dropped.why[d], strlen(dropped.why[d]))) < 0) {
            free_value(ctx, row);
            return value_of_tag(TAG_EXCEPTION);
        }
        if (E.SetPropertyUint32(ctx, argv[7], at++, row) < 0) return value_of_tag(TAG_EXCEPTION);
    }
    return new_int(1);
}

#endif

/*
 * struct.c - Arrakis' own binary packing library for the Lua 5.1 scripting
 * engine.
 *
 * An independent implementation reproducing the observable behaviour of the
 * `struct` library that Redis 7.0 exposes to EVAL scripts:
 *
 *   struct.pack(fmt, v1, v2, ...)  -> binary string
 *   struct.unpack(fmt, s [, pos])  -> v1, v2, ..., next_pos
 *   struct.size(fmt)               -> byte size of a fixed-size format
 *
 * Format options:
 *   ' '  ignored            '>' big endian        '<' little endian
 *   '![n]' max alignment n (power of two, default the native maximum)
 *   'x'  one padding byte
 *   'b'/'B' signed/unsigned char      'h'/'H' short
 *   'l'/'L' long            'T' size_t
 *   'i[n]'/'I[n]' int of n bytes (default sizeof(int), at most 32)
 *   'f' float               'd' double
 *   's' zero-terminated string
 *   'c[n]' n raw bytes; 'c0' (or 'c' with an explicit 0) means "the whole
 *        string" when packing and "length given by the previous number"
 *        when unpacking
 * Integers are carried in 64 bits: wider fields get zero (pack) or lose
 * their upper bytes (unpack), exactly like Redis's build on x86-64.
 *
 * Only the public Lua 5.1 C API is used and no global mutable state exists.
 */

#include <ctype.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#define ST_MAX_INT_SIZE 32

enum { ST_LITTLE = 0, ST_BIG = 1 };

/* Largest natural alignment of the platform's scalar types. */
struct st_align_probe {
    char c;
    union { double d; void *p; lua_Number n; long l; } u;
};
#define ST_MAX_ALIGN ((int)offsetof(struct st_align_probe, u))

typedef struct {
    int endian;
    int align;
} st_state;

static int st_native_endian(void) {
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    return first ? ST_LITTLE : ST_BIG;
}

static void st_init(st_state *st) {
    st->endian = st_native_endian();
    st->align = 1;
}

/* Read an optional decimal count at *fmt; dflt when there is none. */
static int st_count(lua_State *L, const char **fmt, int dflt) {
    int v = 0;
    if (!isdigit((unsigned char)**fmt)) return dflt;
    while (isdigit((unsigned char)**fmt)) {
        int digit = **fmt - '0';
        if (v > INT_MAX / 10 || v * 10 > INT_MAX - digit)
            luaL_error(L, "integral size overflow");
        v = v * 10 + digit;
        (*fmt)++;
    }
    return v;
}

/* Byte size of option opt (consuming its count, if any); 0 for options
 * that occupy no fixed room. */
static size_t st_opt_size(lua_State *L, int opt, const char **fmt) {
    switch (opt) {
    case 'b': case 'B': return sizeof(char);
    case 'h': case 'H': return sizeof(short);
    case 'l': case 'L': return sizeof(long);
    case 'T': return sizeof(size_t);
    case 'f': return sizeof(float);
    case 'd': return sizeof(double);
    case 'x': return 1;
    case 'c': return (size_t)st_count(L, fmt, 1);
    case 'i': case 'I': {
        int n = st_count(L, fmt, (int)sizeof(int));
        if (n > ST_MAX_INT_SIZE)
            luaL_error(L, "integral size %d is larger than limit of %d",
                       n, ST_MAX_INT_SIZE);
        return (size_t)n;
    }
    default: return 0;
    }
}

/* Padding needed before an item of `size` bytes placed at offset pos. */
static size_t st_padding(size_t pos, const st_state *st, int opt,
                         size_t size) {
    if (size == 0 || opt == 'c') return 0;
    if (size > (size_t)st->align) size = (size_t)st->align;
    return (size - (pos & (size - 1))) & (size - 1);
}

/* Options that change state rather than produce data. */
static void st_control(lua_State *L, int opt, const char **fmt,
                       st_state *st) {
    switch (opt) {
    case ' ':
        return;
    case '>':
        st->endian = ST_BIG;
        return;
    case '<':
        st->endian = ST_LITTLE;
        return;
    case '!': {
        int a = st_count(L, fmt, ST_MAX_ALIGN);
        if (a == 0 || (a & (a - 1)) != 0) /* Redis 7.0 accepts 0 and then pads forever */
            luaL_error(L, "alignment %d is not a power of 2", a);
        st->align = a;
        return;
    }
    default:
        luaL_argerror(L, 1,
                      lua_pushfstring(L, "invalid format option '%c'", opt));
    }
}

/* Put bytes into the requested order: data is produced/consumed in native
 * order, so reverse it when the requested order differs. */
static void st_reorder(unsigned char *p, size_t n, int endian) {
    size_t i;
    if (endian == st_native_endian()) return;
    for (i = 0; i < n / 2; i++) {
        unsigned char t = p[i];
        p[i] = p[n - 1 - i];
        p[n - 1 - i] = t;
    }
}

/* Convert a Lua number to the 64-bit pattern the reference build produces
 * on x86-64: negatives go through int64 (saturating to INT64_MIN), others
 * through uint64; values >= 2^64 become 0 and NaN becomes 2^63. */
static uint64_t st_to_u64(lua_Number n) {
    const lua_Number two63 = 9223372036854775808.0;
    if (n != n) return (uint64_t)1 << 63;
    if (n < 0) {
        if (n < -two63) return (uint64_t)1 << 63;
        return (uint64_t)(int64_t)n;
    }
    if (n < two63) return (uint64_t)(int64_t)n;
    if (n - two63 < two63)
        return (uint64_t)(int64_t)(n - two63) ^ ((uint64_t)1 << 63);
    return 0;
}

static void st_put_int(lua_State *L, luaL_Buffer *b, int arg, int endian,
                       size_t size) {
    uint64_t v = st_to_u64(luaL_checknumber(L, arg));
    unsigned char bytes[ST_MAX_INT_SIZE];
    size_t i;
    /* bytes beyond the 8th come out as zero: v is exhausted by then */
    for (i = 0; i < size; i++) {
        size_t at = (endian == ST_LITTLE) ? i : size - 1 - i;
        bytes[at] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
    luaL_addlstring(b, (const char *)bytes, size);
}

static lua_Number st_get_int(const unsigned char *p, int endian, int is_signed,
                             size_t size) {
    uint64_t v = 0;
    size_t i;
    for (i = 0; i < size; i++) {
        size_t at = (endian == ST_BIG) ? i : size - 1 - i;
        v = (v << 8) | p[at];
    }
    if (!is_signed) return (lua_Number)v;
    {
        /* The sign bit position is taken modulo 64, as the reference build
         * does on x86-64 for fields wider than 8 bytes. */
        unsigned shift = (unsigned)((size * 8 - 1) & 63);
        uint64_t mask = ~(uint64_t)0 << shift;
        int64_t s;
        if (v & mask) v |= mask;
        memcpy(&s, &v, sizeof(s));
        return (lua_Number)s;
    }
}

static int st_pack(lua_State *L) {
    const char *fmt = luaL_checkstring(L, 1);
    int arg = 2;
    size_t total = 0;
    st_state st;
    luaL_Buffer b;

    st_init(&st);
    lua_pushnil(L);               /* keep the buffer above the arguments */
    luaL_buffinit(L, &b);
    while (*fmt != '\0') {
        int opt = (unsigned char)*fmt++;
        size_t size = st_opt_size(L, opt, &fmt);
        size_t pad = st_padding(total, &st, opt, size);
        total += pad;
        while (pad-- > 0) luaL_addchar(&b, '\0');
        switch (opt) {
        case 'b': case 'B': case 'h': case 'H': case 'l': case 'L':
        case 'T': case 'i': case 'I':
            st_put_int(L, &b, arg++, st.endian, size);
            break;
        case 'x':
            luaL_addchar(&b, '\0');
            break;
        case 'f': {
            float f = (float)luaL_checknumber(L, arg++);
            unsigned char bytes[sizeof(float)];
            memcpy(bytes, &f, sizeof(f));
            st_reorder(bytes, sizeof(bytes), st.endian);
            luaL_addlstring(&b, (const char *)bytes, sizeof(bytes));
            break;
        }
        case 'd': {
            double d = (double)luaL_checknumber(L, arg++);
            unsigned char bytes[sizeof(double)];
            memcpy(bytes, &d, sizeof(d));
            st_reorder(bytes, sizeof(bytes), st.endian);
            luaL_addlstring(&b, (const char *)bytes, sizeof(bytes));
            break;
        }
        case 'c': case 's': {
            size_t len;
            const char *s = luaL_checklstring(L, arg++, &len);
            if (size == 0) size = len;
            /* the reference reports the argument after the string */
            luaL_argcheck(L, len >= size, arg, "string too short");
            luaL_addlstring(&b, s, size);
            if (opt == 's') {
                luaL_addchar(&b, '\0');
                size++;
            }
            break;
        }
        default:
            st_control(L, opt, &fmt, &st);
            break;
        }
        total += size;
    }
    luaL_pushresult(&b);
    return 1;
}

static int st_unpack(lua_State *L) {
    const char *fmt = luaL_checkstring(L, 1);
    size_t ld;
    const unsigned char *data =
        (const unsigned char *)luaL_checklstring(L, 2, &ld);
    size_t pos = (size_t)luaL_optinteger(L, 3, 1);
    int n = 0;
    st_state st;

    luaL_argcheck(L, pos > 0, 3, "offset must be 1 or greater");
    pos--;
    st_init(&st);
    while (*fmt != '\0') {
        int opt = (unsigned char)*fmt++;
        size_t size = st_opt_size(L, opt, &fmt);
        pos += st_padding(pos, &st, opt, size);
        luaL_argcheck(L, size <= ld && pos <= ld - size, 2,
                      "data string too short");
        luaL_checkstack(L, 2, "too many results");
        switch (opt) {
        case 'b': case 'B': case 'h': case 'H': case 'l': case 'L':
        case 'T': case 'i': case 'I':
            lua_pushnumber(L, st_get_int(data + pos, st.endian,
                                         islower(opt), size));
            n++;
            break;
        case 'x':
            break;
        case 'f': {
            unsigned char bytes[sizeof(float)];
            float f;
            memcpy(bytes, data + pos, sizeof(bytes));
            st_reorder(bytes, sizeof(bytes), st.endian);
            memcpy(&f, bytes, sizeof(f));
            lua_pushnumber(L, (lua_Number)f);
            n++;
            break;
        }
        case 'd': {
            unsigned char bytes[sizeof(double)];
            double d;
            memcpy(bytes, data + pos, sizeof(bytes));
            st_reorder(bytes, sizeof(bytes), st.endian);
            memcpy(&d, bytes, sizeof(d));
            lua_pushnumber(L, (lua_Number)d);
            n++;
            break;
        }
        case 'c':
            if (size == 0) {
                if (n == 0 || !lua_isnumber(L, -1))
                    luaL_error(L, "format 'c0' needs a previous size");
                size = (size_t)st_to_u64(lua_tonumber(L, -1));
                lua_pop(L, 1);
                n--;
                luaL_argcheck(L, size <= ld && pos <= ld - size, 2,
                              "data string too short");
            }
            lua_pushlstring(L, (const char *)data + pos, size);
            n++;
            break;
        case 's': {
            const unsigned char *end =
                (const unsigned char *)memchr(data + pos, '\0', ld - pos);
            if (end == NULL)
                luaL_error(L, "unfinished string in data");
            size = (size_t)(end - (data + pos)) + 1;
            lua_pushlstring(L, (const char *)data + pos, size - 1);
            n++;
            break;
        }
        default:
            st_control(L, opt, &fmt, &st);
            break;
        }
        pos += size;
    }
    lua_pushinteger(L, (lua_Integer)(pos + 1));
    return n + 1;
}

static int st_size(lua_State *L) {
    const char *fmt = luaL_checkstring(L, 1);
    size_t pos = 0;
    st_state st;

    st_init(&st);
    while (*fmt != '\0') {
        int opt = (unsigned char)*fmt++;
        size_t size = st_opt_size(L, opt, &fmt);
        pos += st_padding(pos, &st, opt, size);
        if (opt == 's')
            luaL_argerror(L, 1, "option 's' has no fixed size");
        else if (opt == 'c' && size == 0)
            luaL_argerror(L, 1, "option 'c0' has no fixed size");
        if (!isalnum(opt))
            st_control(L, opt, &fmt, &st);
        pos += size;
    }
    lua_pushinteger(L, (lua_Integer)pos);
    return 1;
}

int luaopen_struct(lua_State *L) {
    lua_newtable(L);
    lua_pushcfunction(L, st_pack);
    lua_setfield(L, -2, "pack");
    lua_pushcfunction(L, st_unpack);
    lua_setfield(L, -2, "unpack");
    lua_pushcfunction(L, st_size);
    lua_setfield(L, -2, "size");
    lua_setglobal(L, "struct");
    return 0;
}

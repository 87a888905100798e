/*
 * cmsgpack.c - Arrakis' own MessagePack codec for the Lua 5.1 scripting
 * engine.
 *
 * This is an independent implementation that reproduces, byte for byte,
 * the observable behaviour of the `cmsgpack` library that Redis 7.0 exposes
 * to EVAL scripts ("lua-cmsgpack 0.4.0"):
 *
 *   cmsgpack.pack(v1, v2, ...)            -> concatenated encodings
 *   cmsgpack.unpack(s)                    -> every value in s
 *   cmsgpack.unpack_one(s [, offset])     -> next_offset, value
 *   cmsgpack.unpack_limit(s, n [, offset])-> next_offset, up to n values
 *
 * next_offset is -1 once the whole input has been consumed.
 *
 * Encoding rules (as observed on Redis 7.0):
 *   - nil and any non-serialisable type (function, userdata, thread) -> nil
 *   - numbers that are exactly representable as int64 use the smallest
 *     MessagePack integer form; other numbers use float32 when the value
 *     survives a round trip through float, float64 otherwise
 *   - strings use fixstr / str8 / str16 / str32
 *   - a table whose keys are exactly 1..n is an array, anything else a map;
 *     the empty table is an empty array
 *   - tables nested 16 levels deep are encoded as nil
 * Decoding accepts nil, booleans, all int/uint widths (uint64 is read as a
 * signed 64-bit value, so 0xcf ff..ff gives -1, like Redis), float32/64,
 * fixstr/str8/16/32 and array/map 16/32; anything else (bin, ext, 0xc1)
 * is "Bad data format in input.".  Lua stack checks happen at the same
 * points and with the same messages as Redis's, so over-deep or over-long
 * input fails identically (e.g. arrays nested 4000 deep).
 *
 * Only the public Lua 5.1 C API is used and no global mutable state exists.
 */

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>

#include "lua.h"
#include "lauxlib.h"

#define MP_MAX_NESTING 16

/* ------------------------------------------------------------------------
 * Output buffer: a plain growable byte array owned by one pack() call.
 * It lives inside a userdata so that a Lua error raised while encoding
 * cannot leak it (the garbage collector reclaims it).
 * --------------------------------------------------------------------- */

typedef struct {
    unsigned char *data;
    size_t len;
    size_t cap;
} mp_out;

static int mp_out_gc(lua_State *L) {
    mp_out *o = (mp_out *)lua_touserdata(L, 1);
    free(o->data);
    o->data = NULL;
    o->len = o->cap = 0;
    return 0;
}

static void mp_out_reserve(lua_State *L, mp_out *o, size_t extra) {
    size_t need, ncap;
    unsigned char *nd;
    if (o->cap - o->len >= extra) return;
    need = o->len + extra;
    ncap = o->cap ? o->cap : 64;
    while (ncap < need) ncap *= 2;
    nd = (unsigned char *)realloc(o->data, ncap);
    if (nd == NULL) luaL_error(L, "not enough memory");
    o->data = nd;
    o->cap = ncap;
}

static void mp_out_put(lua_State *L, mp_out *o, const void *p, size_t n) {
    mp_out_reserve(L, o, n);
    memcpy(o->data + o->len, p, n);
    o->len += n;
}

/* Write the tag byte followed by the low `width` bytes of v, big endian. */
static void mp_put_tagged(lua_State *L, mp_out *o, unsigned char tag,
                          uint64_t v, int width) {
    unsigned char tmp[9];
    int i;
    tmp[0] = tag;
    for (i = width; i >= 1; i--) {
        tmp[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
    mp_out_put(L, o, tmp, (size_t)width + 1);
}

/* ------------------------------------------------------------------------
 * Encoder
 * --------------------------------------------------------------------- */

static void mp_write_int(lua_State *L, mp_out *o, int64_t v) {
    unsigned char b;
    if (v >= 0) {
        if (v < 128) {
            b = (unsigned char)v;
            mp_out_put(L, o, &b, 1);
        } else if (v < 0x100) {
            mp_put_tagged(L, o, 0xcc, (uint64_t)v, 1);
        } else if (v < 0x10000) {
            mp_put_tagged(L, o, 0xcd, (uint64_t)v, 2);
        } else if (v < 0x100000000LL) {
            mp_put_tagged(L, o, 0xce, (uint64_t)v, 4);
        } else {
            mp_put_tagged(L, o, 0xcf, (uint64_t)v, 8);
        }
    } else {
        if (v >= -32) {
            b = (unsigned char)(0xe0 | (v & 0x1f));
            mp_out_put(L, o, &b, 1);
        } else if (v >= -128) {
            mp_put_tagged(L, o, 0xd0, (uint64_t)v, 1);
        } else if (v >= -32768) {
            mp_put_tagged(L, o, 0xd1, (uint64_t)v, 2);
        } else if (v >= -2147483648LL) {
            mp_put_tagged(L, o, 0xd2, (uint64_t)v, 4);
        } else {
            mp_put_tagged(L, o, 0xd3, (uint64_t)v, 8);
        }
    }
}

static void mp_write_number(lua_State *L, mp_out *o, lua_Number n) {
    /* Integral values in [-2^63, 2^63) go out as integers (-0 becomes 0). */
    if (n >= -9223372036854775808.0 && n < 9223372036854775808.0 &&
        (lua_Number)(int64_t)n == n) {
        mp_write_int(L, o, (int64_t)n);
        return;
    }
    /* Only values within float's range (or infinite) may take the float32
     * form; converting anything else to float would be undefined. */
    if (isinf(n) || (n >= -FLT_MAX && n <= FLT_MAX)) {
        float f = (float)n;
        if ((lua_Number)f == n) {
            uint32_t bits;
            memcpy(&bits, &f, sizeof(bits));
            mp_put_tagged(L, o, 0xca, bits, 4);
            return;
        }
    }
    {
        double d = (double)n;
        uint64_t bits;
        memcpy(&bits, &d, sizeof(bits));
        mp_put_tagged(L, o, 0xcb, bits, 8);
    }
}

static void mp_write_string(lua_State *L, mp_out *o, int idx) {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    if (len < 32) {
        unsigned char b = (unsigned char)(0xa0 | len);
        mp_out_put(L, o, &b, 1);
    } else if (len < 0x100) {
        mp_put_tagged(L, o, 0xd9, len, 1);
    } else if (len < 0x10000) {
        mp_put_tagged(L, o, 0xda, len, 2);
    } else {
        mp_put_tagged(L, o, 0xdb, len, 4);
    }
    mp_out_put(L, o, s, len);
}

static void mp_write_value(lua_State *L, mp_out *o, int idx, int depth);

/* Does the table at idx have exactly the keys 1..n (n >= 0)?  Such a table
 * (including the empty one) is encoded as an array, anything else as a map.
 * Keys must be numbers that are positive integers representable as int. */
static int mp_is_sequence(lua_State *L, int idx) {
    size_t count = 0;
    int highest = 0;
    luaL_checkstack(L, 2, "in function table_is_an_array");
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        lua_Number k;
        lua_pop(L, 1);                      /* drop value, keep key */
        if (lua_type(L, -1) != LUA_TNUMBER) {
            lua_pop(L, 1);
            return 0;
        }
        k = lua_tonumber(L, -1);
        if (!(k > 0 && k < 2147483648.0) || (lua_Number)(int)k != k) {
            lua_pop(L, 1);
            return 0;
        }
        if ((int)k > highest) highest = (int)k;
        count++;
    }
    return (size_t)highest == count;
}

static void mp_write_table(lua_State *L, mp_out *o, int idx, int depth) {
    if (mp_is_sequence(L, idx)) {
        size_t n = lua_objlen(L, idx), i;
        if (n < 16) {
            unsigned char b = (unsigned char)(0x90 | n);
            mp_out_put(L, o, &b, 1);
        } else if (n < 0x10000) {
            mp_put_tagged(L, o, 0xdc, n, 2);
        } else {
            mp_put_tagged(L, o, 0xdd, n, 4);
        }
        luaL_checkstack(L, 1, "in function mp_encode_lua_table_as_array");
        for (i = 1; i <= n; i++) {
            lua_rawgeti(L, idx, (int)i);
            mp_write_value(L, o, lua_gettop(L), depth + 1);
            lua_pop(L, 1);
        }
    } else {
        size_t n = 0;
        luaL_checkstack(L, 3, "in function mp_encode_lua_table_as_map");
        lua_pushnil(L);
        while (lua_next(L, idx) != 0) {
            lua_pop(L, 1);
            n++;
        }
        if (n < 16) {
            unsigned char b = (unsigned char)(0x80 | n);
            mp_out_put(L, o, &b, 1);
        } else if (n < 0x10000) {
            mp_put_tagged(L, o, 0xde, n, 2);
        } else {
            mp_put_tagged(L, o, 0xdf, n, 4);
        }
        lua_pushnil(L);
        while (lua_next(L, idx) != 0) {
            int top = lua_gettop(L);
            mp_write_value(L, o, top - 1, depth + 1);
            mp_write_value(L, o, top, depth + 1);
            lua_pop(L, 1);
        }
    }
}

static void mp_write_value(lua_State *L, mp_out *o, int idx, int depth) {
    unsigned char b;
    switch (lua_type(L, idx)) {
    case LUA_TBOOLEAN:
        b = lua_toboolean(L, idx) ? 0xc3 : 0xc2;
        mp_out_put(L, o, &b, 1);
        break;
    case LUA_TNUMBER:
        mp_write_number(L, o, lua_tonumber(L, idx));
        break;
    case LUA_TSTRING:
        mp_write_string(L, o, idx);
        break;
    case LUA_TTABLE:
        if (depth < MP_MAX_NESTING) {
            mp_write_table(L, o, idx, depth);
            break;
        }
        /* too deep: fall through and emit nil */
        /* FALLTHROUGH */
    default:
        b = 0xc0;
        mp_out_put(L, o, &b, 1);
        break;
    }
}

static int mp_pack(lua_State *L) {
    int nargs = lua_gettop(L), i;
    mp_out *o;
    if (nargs == 0)
        return luaL_argerror(L, 0, "MessagePack pack needs input.");
    if (!lua_checkstack(L, nargs))
        return luaL_argerror(L, 0, "Too many arguments for MessagePack pack.");
    o = (mp_out *)lua_newuserdata(L, sizeof(mp_out));
    o->data = NULL;
    o->len = o->cap = 0;
    lua_newtable(L);
    lua_pushcfunction(L, mp_out_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    for (i = 1; i <= nargs; i++)
        mp_write_value(L, o, i, 0);
    lua_pushlstring(L, o->len ? (const char *)o->data : "", o->len);
    free(o->data);   /* the __gc hook would do it later; do it now */
    o->data = NULL;
    o->len = o->cap = 0;
    return 1;
}

/* ------------------------------------------------------------------------
 * Decoder
 * --------------------------------------------------------------------- */

enum { MP_OK = 0, MP_ERR_EOF = 1, MP_ERR_FORMAT = 2 };

typedef struct {
    const unsigned char *p;
    size_t left;
    int err;
} mp_in;

static uint64_t mp_be(const unsigned char *p, int width) {
    uint64_t v = 0;
    int i;
    for (i = 0; i < width; i++) v = (v << 8) | p[i];
    return v;
}

static int mp_have(mp_in *in, size_t n) {
    if (in->left < n) {
        in->err = MP_ERR_EOF;
        return 0;
    }
    return 1;
}

static void mp_skip(mp_in *in, size_t n) {
    in->p += n;
    in->left -= n;
}

static void mp_read_value(lua_State *L, mp_in *in);

static void mp_read_string(lua_State *L, mp_in *in, int hdr) {
    size_t len;
    if (!mp_have(in, (size_t)hdr + 1)) return;
    len = (size_t)mp_be(in->p + 1, hdr);
    if (!mp_have(in, (size_t)hdr + 1 + len)) return;
    lua_pushlstring(L, (const char *)in->p + 1 + hdr, len);
    mp_skip(in, (size_t)hdr + 1 + len);
}

/* Arrays are filled by pushing the index, then the element, then storing
 * the pair: two stack slots per nesting level.  The stack checks below
 * reproduce the reference's depth limits and messages exactly. */
static void mp_read_array(lua_State *L, mp_in *in, size_t n) {
    lua_Number i = 1;
    lua_newtable(L);
    luaL_checkstack(L, 1, "in function mp_decode_to_lua_array");
    while (n-- > 0) {
        lua_pushnumber(L, i);
        i += 1;
        mp_read_value(L, in);
        if (in->err) return;
        lua_settable(L, -3);
    }
}

static void mp_read_map(lua_State *L, mp_in *in, size_t n) {
    lua_newtable(L);
    while (n-- > 0) {
        mp_read_value(L, in);
        if (in->err) return;
        mp_read_value(L, in);
        if (in->err) return;
        lua_rawset(L, -3);
    }
}

static void mp_read_value(lua_State *L, mp_in *in) {
    unsigned char t;
    luaL_checkstack(L, 1, "too many return values at once; "
                          "use unpack_one or unpack_limit instead.");
    if (!mp_have(in, 1)) return;
    t = in->p[0];
    if (t < 0x80) {                       /* positive fixint */
        lua_pushnumber(L, (lua_Number)t);
        mp_skip(in, 1);
    } else if (t >= 0xe0) {               /* negative fixint */
        lua_pushnumber(L, (lua_Number)((int)t - 256));
        mp_skip(in, 1);
    } else if (t <= 0x8f) {               /* fixmap */
        mp_skip(in, 1);
        mp_read_map(L, in, t & 0x0f);
    } else if (t <= 0x9f) {               /* fixarray */
        mp_skip(in, 1);
        mp_read_array(L, in, t & 0x0f);
    } else if (t <= 0xbf) {               /* fixstr */
        size_t len = t & 0x1f;
        if (!mp_have(in, 1 + len)) return;
        lua_pushlstring(L, (const char *)in->p + 1, len);
        mp_skip(in, 1 + len);
    } else {
        switch (t) {
        case 0xc0: lua_pushnil(L); mp_skip(in, 1); break;
        case 0xc2: lua_pushboolean(L, 0); mp_skip(in, 1); break;
        case 0xc3: lua_pushboolean(L, 1); mp_skip(in, 1); break;
        case 0xca: {
            uint32_t bits;
            float f;
            if (!mp_have(in, 5)) return;
            bits = (uint32_t)mp_be(in->p + 1, 4);
            memcpy(&f, &bits, sizeof(f));
            lua_pushnumber(L, (lua_Number)f);
            mp_skip(in, 5);
            break;
        }
        case 0xcb: {
            uint64_t bits;
            double d;
            if (!mp_have(in, 9)) return;
            bits = mp_be(in->p + 1, 8);
            memcpy(&d, &bits, sizeof(d));
            lua_pushnumber(L, (lua_Number)d);
            mp_skip(in, 9);
            break;
        }
        case 0xcc: case 0xcd: case 0xce: case 0xcf: {
            int w = 1 << (t - 0xcc);
            if (!mp_have(in, (size_t)w + 1)) return;
            if (w == 8) {
                /* uint64 is handed to Lua as a signed 64-bit integer,
                 * as Redis does (0xcf ff..ff decodes to -1) */
                uint64_t u = mp_be(in->p + 1, w);
                int64_t v;
                memcpy(&v, &u, sizeof(v));
                lua_pushnumber(L, (lua_Number)v);
            } else {
                lua_pushnumber(L, (lua_Number)mp_be(in->p + 1, w));
            }
            mp_skip(in, (size_t)w + 1);
            break;
        }
        case 0xd0: case 0xd1: case 0xd2: case 0xd3: {
            int w = 1 << (t - 0xd0);
            uint64_t u;
            int64_t v;
            if (!mp_have(in, (size_t)w + 1)) return;
            u = mp_be(in->p + 1, w);
            if (w < 8 && (u >> (w * 8 - 1)) & 1)
                u |= ~(uint64_t)0 << (w * 8);   /* sign extend */
            memcpy(&v, &u, sizeof(v));
            lua_pushnumber(L, (lua_Number)v);
            mp_skip(in, (size_t)w + 1);
            break;
        }
        case 0xd9: mp_read_string(L, in, 1); break;
        case 0xda: mp_read_string(L, in, 2); break;
        case 0xdb: mp_read_string(L, in, 4); break;
        case 0xdc: case 0xdd: case 0xde: case 0xdf: {
            int w = (t & 1) ? 4 : 2;
            size_t n;
            if (!mp_have(in, (size_t)w + 1)) return;
            n = (size_t)mp_be(in->p + 1, w);
            mp_skip(in, (size_t)w + 1);
            if (t <= 0xdd) mp_read_array(L, in, n);
            else mp_read_map(L, in, n);
            break;
        }
        default:
            in->err = MP_ERR_FORMAT;
            break;
        }
    }
}

/* The reference formats its 64-bit offset/limit/length with "%d", which
 * shows their low 32 bits as a signed int. */
static int mp_low32(lua_Integer v) {
    uint32_t u = (uint32_t)((uint64_t)v & 0xffffffffu);
    int32_t r;
    memcpy(&r, &u, sizeof(r));
    return (int)r;
}

/* Shared driver.  limit == 0 && offset == 0 means "decode everything and
 * return only the values"; otherwise the next offset is returned first. */
static int mp_unpack_common(lua_State *L, lua_Integer limit,
                            lua_Integer offset) {
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    int all = (limit == 0 && offset == 0);
    lua_Integer count;
    mp_in in;

    if (offset < 0 || limit < 0)
        return luaL_error(L,
            "Invalid request to unpack with offset of %d and limit of %d.",
            mp_low32(offset), mp_low32((lua_Integer)len));
    if ((size_t)offset > len)
        return luaL_error(L, "Start offset %d greater than input length %d.",
                          mp_low32(offset), mp_low32((lua_Integer)len));
    if (all) limit = INT_MAX;

    in.p = (const unsigned char *)s + offset;
    in.left = len - (size_t)offset;
    in.err = MP_OK;

    for (count = 0; in.left > 0 && count < limit; count++) {
        mp_read_value(L, &in);
        if (in.err == MP_ERR_EOF)
            return luaL_error(L, "Missing bytes in input.");
        if (in.err == MP_ERR_FORMAT)
            return luaL_error(L, "Bad data format in input.");
    }

    if (!all) {
        luaL_checkstack(L, 1, "in function mp_unpack_full");
        lua_pushinteger(L, in.left == 0 ? -1 : (lua_Integer)(len - in.left));
        lua_insert(L, 2);
        count++;
    }
    return (int)count;
}

static int mp_unpack(lua_State *L) {
    return mp_unpack_common(L, 0, 0);
}

static int mp_unpack_one(lua_State *L) {
    lua_Integer offset = luaL_optinteger(L, 2, 0);
    lua_settop(L, 1);
    return mp_unpack_common(L, 1, offset);
}

static int mp_unpack_limit(lua_State *L) {
    lua_Integer limit = luaL_checkinteger(L, 2);
    lua_Integer offset = luaL_optinteger(L, 3, 0);
    lua_settop(L, 1);
    return mp_unpack_common(L, limit, offset);
}

/* ------------------------------------------------------------------------
 * Registration
 * --------------------------------------------------------------------- */

int luaopen_cmsgpack(lua_State *L) {
    static const struct {
        const char *name;
        lua_CFunction fn;
    } funcs[] = {
        {"pack", mp_pack},
        {"unpack", mp_unpack},
        {"unpack_one", mp_unpack_one},
        {"unpack_limit", mp_unpack_limit},
    };
    size_t i;
    lua_newtable(L);
    for (i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++) {
        lua_pushcfunction(L, funcs[i].fn);
        lua_setfield(L, -2, funcs[i].name);
    }
    lua_pushliteral(L, "Copyright (C) 2012, Salvatore Sanfilippo");
    lua_setfield(L, -2, "_COPYRIGHT");
    lua_pushliteral(L, "MessagePack C implementation for Lua");
    lua_setfield(L, -2, "_DESCRIPTION");
    lua_pushliteral(L, "cmsgpack");
    lua_setfield(L, -2, "_NAME");
    lua_pushliteral(L, "lua-cmsgpack 0.4.0");
    lua_setfield(L, -2, "_VERSION");
    lua_setglobal(L, "cmsgpack");
    return 0;
}

/*
 * The only C code between Arrakis and Debian's Lua 5.1 (liblua5.1-0).
 *
 * Lua reports errors with longjmp. A longjmp must never cross a managed (.NET) frame: the runtime
 * skips `finally` blocks and can abort under GC. So every place where Lua may raise on behalf of
 * C# lives here, in C:
 *   - C# callbacks return a result count, or -1 to say "the error value is on top of the stack";
 *     the trampoline below then raises it, after the managed frame has returned.
 *   - The instruction-count hook asks C# whether to stop the script and raises the error here.
 *   - The bundled libraries Redis has and Debian does not package with Redis's API (math.random
 *     with Redis's rand48 sequence) are C functions here too.
 * Everything else is plain Lua API called from C# through P/Invoke, limited to calls that never
 * raise (rawget/rawset, push*, to*, pcall).
 */
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include <stdlib.h>

/* Each state's allocator: counts what Lua holds and refuses to grow past `limit` while a script
 * runs in protected mode (`armed`). Never refused while C# code runs (a callback, or C# pushing
 * values before a call): there a failed allocation would raise, and a longjmp over managed frames
 * is undefined. */
typedef struct arr_memory {
    size_t used;
    size_t limit; /* 0: none */
    int armed;
} arr_memory;

static void *arr_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    arr_memory *m = (arr_memory *)ud;
    if (nsize == 0) {
        free(ptr);
        m->used -= osize;
        return NULL;
    }
    if (m->armed && m->limit != 0 && nsize > osize && m->used + (nsize - osize) > m->limit) return NULL;
    void *p = realloc(ptr, nsize);
    if (p != NULL) m->used = m->used - osize + nsize;
    return p;
}

static arr_memory *arr_memory_of(lua_State *L)
{
    void *ud;
    lua_getallocf(L, &ud);
    return (arr_memory *)ud;
}

void arr_close(lua_State *L);

typedef int (*arr_callback)(lua_State *L, int id);
typedef int (*arr_hook_callback)(lua_State *L);

static arr_callback g_callback;
static arr_hook_callback g_hook;

/* Calls C# callback number `id` (the closure's upvalue); raises what it left on the stack on -1. */
static int arr_trampoline(lua_State *L)
{
    int id = (int)lua_tointeger(L, lua_upvalueindex(1));
    arr_memory *m = arr_memory_of(L);
    int armed = m->armed;
    m->armed = 0;
    int n = g_callback(L, id);
    m->armed = armed;
    if (n < 0) return lua_error(L);
    return n;
}

void arr_init(arr_callback callback, arr_hook_callback hook)
{
    g_callback = callback;
    g_hook = hook;
}

/* Pushes a Lua function that calls C# callback `id`. */
void arr_push_callback(lua_State *L, int id)
{
    lua_pushinteger(L, id);
    lua_pushcclosure(L, arr_trampoline, 1);
}

static void arr_count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    arr_memory *m = arr_memory_of(L);
    int armed = m->armed;
    m->armed = 0;
    int stop = g_hook(L);
    m->armed = armed;
    if (stop) lua_error(L); /* C# pushed the error value */
}

/* Every `count` instructions, asks C# whether to stop (count <= 0 removes the hook). */
void arr_set_hook(lua_State *L, int count)
{
    if (count > 0) lua_sethook(L, arr_count_hook, LUA_MASKCOUNT, count);
    else lua_sethook(L, NULL, 0, 0);
}

/* ---- math.random and math.randomseed as Redis 7.0 has them (rand48, one sequence per process) ---- */

static uint64_t g_rand48 = 0x1234ABCD330EULL;

static int32_t arr_lrand48(void)
{
    g_rand48 = (0x5DEECE66DULL * g_rand48 + 0xB) & 0xFFFFFFFFFFFFULL;
    return (int32_t)(g_rand48 >> 17);
}

static int arr_math_random(lua_State *L)
{
    lua_Number r = (lua_Number)(arr_lrand48() % INT32_MAX) / (lua_Number)INT32_MAX;
    switch (lua_gettop(L)) {
    case 0:
        lua_pushnumber(L, r);
        break;
    case 1: {
        int u = luaL_checkint(L, 1);
        luaL_argcheck(L, 1 <= u, 1, "interval is empty");
        lua_pushnumber(L, floor(r * u) + 1);
        break;
    }
    case 2: {
        int l = luaL_checkint(L, 1);
        int u = luaL_checkint(L, 2);
        luaL_argcheck(L, l <= u, 2, "interval is empty");
        lua_pushnumber(L, floor(r * (u - l + 1)) + l);
        break;
    }
    default:
        return luaL_error(L, "wrong number of arguments");
    }
    return 1;
}

static int arr_math_randomseed(lua_State *L)
{
    int32_t seed = (int32_t)luaL_checkint(L, 1);
    g_rand48 = ((uint64_t)(uint32_t)seed << 16) | 0x330E;
    return 0;
}

/* Opens a library function `luaopen_name` exported by the shared object at `path` (Debian's cjson.so,
 * bit.so). Returns 0, or -1 when it could not be loaded (message in `error`, at most `size` bytes). */
static int arr_open_shared(lua_State *L, const char *path, const char *symbol, const char *global, char *error, int size)
{
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        snprintf(error, size, "%s", dlerror());
        return -1;
    }
    lua_CFunction open = (lua_CFunction)dlsym(lib, symbol);
    if (open == NULL) {
        snprintf(error, size, "%s has no %s", path, symbol);
        return -1;
    }
    lua_pushcfunction(L, open);
    if (lua_pcall(L, 0, 1, 0) != 0) {
        snprintf(error, size, "%s: %s", symbol, lua_tostring(L, -1));
        lua_pop(L, 1);
        return -1;
    }
    /* Some modules only return their table (cjson 2.1); Redis has them as globals. */
    if (lua_istable(L, -1)) lua_setglobal(L, global);
    else lua_pop(L, 1);
    return 0;
}

/* Redis 7.0's pcall: an error that is a table with an `err` string (what redis.call raises) is
 * returned as that string, so scripts see the message, not the table. */
static int arr_pcall(lua_State *L)
{
    int argc = lua_gettop(L);
    if (argc == 0) {
        /* Redis's wrapper then calls its own placeholder `true`: the error is Lua's, returned. */
        lua_pushboolean(L, 0);
        lua_pushliteral(L, "attempt to call a boolean value");
        return 2;
    }
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    if (lua_pcall(L, argc - 1, LUA_MULTRET, 0) != 0) {
        lua_remove(L, 1);
        if (lua_istable(L, -1)) {
            lua_pushstring(L, "err");
            lua_rawget(L, -2);
            if (lua_isstring(L, -1)) lua_replace(L, -2);
            else lua_pop(L, 1);
        }
        lua_pushboolean(L, 0);
        lua_insert(L, 1);
    }
    return lua_gettop(L);
}

int luaopen_cmsgpack(lua_State *L);
int luaopen_struct(lua_State *L);

static int arr_open_own(lua_State *L)
{
    luaopen_cmsgpack(L);
    luaopen_struct(L);
    lua_pushcfunction(L, arr_pcall);
    lua_setglobal(L, "pcall");
    lua_getglobal(L, "math");
    lua_pushcfunction(L, arr_math_random);
    lua_setfield(L, -2, "random");
    lua_pushcfunction(L, arr_math_randomseed);
    lua_setfield(L, -2, "randomseed");
    lua_pop(L, 1);
    return 0;
}

/* A new state with the libraries Redis 7.0 loads: base, table, string, math, debug (hidden from
 * scripts later), cjson and bit from Debian's packages, cmsgpack and struct (ours), and Redis's
 * math.random. Returns NULL with a message in `error` when something is missing. */
lua_State *arr_new_state(const char *cjson_path, const char *bit_path, char *error, int size)
{
    /* .NET loaded liblua with local symbols; Debian's Lua modules expect the interpreter's symbols
     * to be global (package.loadlib would fail with "undefined symbol: lua_checkstack"). */
    if (dlopen("liblua5.1.so.0", RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD) == NULL
        && dlopen("liblua5.1.so.0", RTLD_NOW | RTLD_GLOBAL) == NULL) {
        snprintf(error, size, "liblua5.1.so.0: %s", dlerror());
        return NULL;
    }
    arr_memory *memory = calloc(1, sizeof(arr_memory));
    lua_State *L = memory == NULL ? NULL : lua_newstate(arr_alloc, memory);
    if (L == NULL) {
        free(memory);
        snprintf(error, size, "out of memory creating a Lua state");
        return NULL;
    }
    static const luaL_Reg libs[] = {
        {"", luaopen_base}, {LUA_TABLIBNAME, luaopen_table}, {LUA_STRLIBNAME, luaopen_string},
        {LUA_MATHLIBNAME, luaopen_math}, {LUA_DBLIBNAME, luaopen_debug}, {NULL, NULL}};
    for (const luaL_Reg *lib = libs; lib->func != NULL; lib++) {
        lua_pushcfunction(L, lib->func);
        lua_pushstring(L, lib->name);
        if (lua_pcall(L, 1, 0, 0) != 0) {
            snprintf(error, size, "opening %s: %s", lib->name, lua_tostring(L, -1));
            arr_close(L);
            return NULL;
        }
    }
    if (arr_open_shared(L, cjson_path, "luaopen_cjson", "cjson", error, size) != 0
        || arr_open_shared(L, bit_path, "luaopen_bit", "bit", error, size) != 0) {
        arr_close(L);
        return NULL;
    }
    if (lua_cpcall(L, arr_open_own, NULL) != 0) {
        snprintf(error, size, "opening cmsgpack/struct: %s", lua_tostring(L, -1));
        arr_close(L);
        return NULL;
    }
    return L;
}

/* Bytes Lua holds (used_memory_lua). */
long long arr_used_memory(lua_State *L)
{
    return (long long)arr_memory_of(L)->used;
}

/* Caps what scripts may make Lua hold (0: no cap). */
void arr_set_memory_limit(lua_State *L, long long bytes)
{
    arr_memory_of(L)->limit = bytes > 0 ? (size_t)bytes : 0;
}

/* lua_pcall with the memory cap armed: a script that allocates past it gets LUA_ERRMEM. */
int arr_protected_call(lua_State *L, int nargs, int nresults, int errfunc)
{
    arr_memory *m = arr_memory_of(L);
    int armed = m->armed;
    m->armed = 1;
    int status = lua_pcall(L, nargs, nresults, errfunc);
    m->armed = armed;
    return status;
}

/* Closes the state and frees its allocator's bookkeeping. */
void arr_close(lua_State *L)
{
    arr_memory *m = arr_memory_of(L);
    lua_close(L);
    free(m);
}

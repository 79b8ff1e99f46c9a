/* transform_derive.c: step "derive NAME = EXPR", a field computed from
 * the record's fields by a Lua 5.4 expression in a sandbox.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "transform_step.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "sym_err.h"
#include "sym_log.h"

#define S_MEMORY_BYTES (1024 * 1024) /* per expression's Lua state */
#define S_HOOK_EVERY 1000            /* instructions between hook calls */
#define S_HOOK_CALLS 1000            /* so 1e6 instructions per record */
#define S_MAX_EXPR 4096
#define S_WARN_INTERVAL_MS 10000
#define S_CHUNK_NAME "derive"

/* What an expression may call. Left out: io, os, package, debug,
 * coroutine, load, require, print, collectgarbage; pcall and error so a
 * stopped runaway cannot be caught; metatables; and the string pattern
 * functions, whose backtracking runs in C where the instruction limit
 * cannot stop it. */
static const char *const s_base_names[] = {
    "assert", "ipairs", "next",     "pairs",    "rawequal", "rawget",
    "rawlen", "select", "tonumber", "tostring", "type",     NULL};
static const char *const s_string_drop[] = {"find", "match", "gmatch",
                                            "gsub", "dump",  NULL};

typedef struct {
    transform_name_t out;       /* NAME */
    lua_State *lua;             /* this expression's own state */
    int fn_ref;                 /* the compiled expression, in the registry */
    int env_ref;                /* its globals: the record's fields */
    size_t mem_used;            /* bytes the state holds */
    int hook_calls_left;        /* of the current evaluation */
    uint64_t errors;            /* evaluations that failed */
    sym_log_limit_t warn_limit; /* their WARN lines */
    int lineno;                 /* for the WARN line */
} s_derive_t;

/* Lua's allocator with a cap: past S_MEMORY_BYTES Lua raises "not enough
 * memory", which fails the evaluation, not the process. */
static void *
s_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    s_derive_t *self = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        self->mem_used -= old;
        return NULL;
    }
    if (nsize > old && self->mem_used + (nsize - old) > S_MEMORY_BYTES) {
        return NULL;
    }
    void *grown = realloc(ptr, nsize);
    if (grown) {
        self->mem_used = self->mem_used - old + nsize;
    }
    return grown;
}

static void
s_hook(lua_State *lua, lua_Debug *ar)
{
    (void) ar;
    void *ud = NULL;
    lua_getallocf(lua, &ud);
    s_derive_t *self = ud;
    if (--self->hook_calls_left <= 0) {
        luaL_error(lua, "instruction limit reached");
    }
}

static void
s_destroy(transform_step_t *step)
{
    s_derive_t *self = step->state;
    if (self) {
        if (self->lua) {
            lua_close(self->lua);
        }
        transform_name_clear(&self->out);
        free(self);
        step->state = NULL;
    }
}

/* Open a library under name into the table on top, without the names of
 * drop (may be NULL). */
static void
s_add_library(lua_State *lua, const char *name, lua_CFunction open,
              const char *const *drop)
{
    luaL_requiref(lua, name, open, 0);
    for (size_t i = 0; drop && drop[i]; i++) {
        lua_pushnil(lua);
        lua_setfield(lua, -2, drop[i]);
    }
    lua_setfield(lua, -2, name);
}

/* Protected: leave on the stack the globals table of the expression,
 * empty, whose missing names fall back to the allowed library. */
static int
s_open_sandbox(lua_State *lua)
{
    luaL_requiref(lua, LUA_GNAME, luaopen_base, 1);
    lua_pop(lua, 1);
    lua_newtable(lua); /* the environment */
    lua_newtable(lua); /* its metatable */
    lua_newtable(lua); /* the library */
    for (size_t i = 0; s_base_names[i]; i++) {
        lua_getglobal(lua, s_base_names[i]);
        lua_setfield(lua, -2, s_base_names[i]);
    }
    s_add_library(lua, LUA_MATHLIBNAME, luaopen_math, NULL);
    s_add_library(lua, LUA_STRLIBNAME, luaopen_string, s_string_drop);
    s_add_library(lua, LUA_TABLIBNAME, luaopen_table, NULL);
    s_add_library(lua, LUA_UTF8LIBNAME, luaopen_utf8, NULL);
    lua_setfield(lua, -2, "__index");
    lua_setmetatable(lua, -2);
    return 1;
}

/* Join argv[first..argc-1] with blanks into "return EXPR". */
static int
s_join(int argc, const char *const *argv, int first, char *buf, size_t size)
{
    size_t used = (size_t) snprintf(buf, size, "return");
    for (int i = first; i < argc; i++) {
        int len = snprintf(buf + used, size - used, " %s", argv[i]);
        if (len < 0 || (size_t) len >= size - used) {
            return SYM_EINVAL;
        }
        used += (size_t) len;
    }
    return SYM_OK;
}

/* Compile the expression into self->fn_ref, with the sandbox as _ENV. */
static int
s_compile(s_derive_t *self, const char *chunk, char *err, size_t err_size)
{
    lua_State *lua = self->lua;
    lua_pushcfunction(lua, s_open_sandbox);
    if (lua_pcall(lua, 0, 1, 0) != LUA_OK) {
        snprintf(err, err_size, "cannot set up Lua: %s", lua_tostring(lua, -1));
        return SYM_ENOMEM;
    }
    self->env_ref = luaL_ref(lua, LUA_REGISTRYINDEX);
    if (luaL_loadbufferx(lua, chunk, strlen(chunk), "=" S_CHUNK_NAME, "t") !=
        LUA_OK) {
        const char *message = lua_tostring(lua, -1);
        const char *prefix = S_CHUNK_NAME ":1: ";
        if (message && strncmp(message, prefix, strlen(prefix)) == 0) {
            message += strlen(prefix);
        }
        snprintf(err, err_size, "expression: %s",
                 message ? message : "out of memory");
        return SYM_EINVAL;
    }
    lua_rawgeti(lua, LUA_REGISTRYINDEX, self->env_ref);
    lua_setupvalue(lua, -2, 1);
    self->fn_ref = luaL_ref(lua, LUA_REGISTRYINDEX);
    lua_sethook(lua, s_hook, LUA_MASKCOUNT, S_HOOK_EVERY);
    return SYM_OK;
}

static int
s_parse(transform_step_t *step, int argc, const char *const *argv, char *err,
        size_t err_size)
{
    if (argc < 4 || strcmp(argv[2], "=") != 0 || argv[1][0] == '\0') {
        snprintf(err, err_size, "expected %s", step->ops->usage);
        return SYM_EINVAL;
    }
    s_derive_t *self = calloc(1, sizeof *self);
    step->state = self;
    if (self == NULL ||
        transform_name_set(&self->out, argv[1], strlen(argv[1])) != SYM_OK ||
        (self->lua = lua_newstate(s_alloc, self)) == NULL) {
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    self->lineno = step->lineno;
    self->warn_limit.interval_ms = S_WARN_INTERVAL_MS;
    char chunk[S_MAX_EXPR];
    if (s_join(argc, argv, 3, chunk, sizeof chunk) != SYM_OK) {
        snprintf(err, err_size, "expression longer than %d bytes",
                 S_MAX_EXPR - 8);
        return SYM_EINVAL;
    }
    return s_compile(self, chunk, err, err_size);
}

static void
s_push_value(lua_State *lua, const sym_val_t *val)
{
    switch (val->type) {
    case SYM_VAL_BOOL:
        lua_pushboolean(lua, val->as.b);
        break;
    case SYM_VAL_INT:
        lua_pushinteger(lua, (lua_Integer) val->as.i);
        break;
    case SYM_VAL_UINT:
        lua_pushnumber(lua, (lua_Number) val->as.u);
        break;
    case SYM_VAL_FLOAT:
        lua_pushnumber(lua, (lua_Number) val->as.f);
        break;
    case SYM_VAL_STR:
    case SYM_VAL_BIN:
        lua_pushlstring(lua, val->as.s.ptr, val->as.s.len);
        break;
    case SYM_VAL_NIL:
        lua_pushnil(lua);
        break;
    }
}

/* Protected: empty the environment, fill it with the record's fields and
 * run the expression; leaves its result. The environment's table keeps
 * its slots from one record to the next, so a record with the usual
 * fields allocates nothing but its text values. */
static int
s_evaluate(lua_State *lua)
{
    const s_derive_t *self = lua_touserdata(lua, 1);
    const sym_rec_t *rec = lua_touserdata(lua, 2);
    lua_rawgeti(lua, LUA_REGISTRYINDEX, self->env_ref);
    int env = lua_gettop(lua);
    lua_pushnil(lua);
    while (lua_next(lua, env) != 0) {
        lua_pop(lua, 1);
        lua_pushvalue(lua, -1);
        lua_pushnil(lua);
        lua_rawset(lua, env);
    }
    for (uint32_t i = 0; i < rec->field_count; i++) {
        const sym_field_t *field = &rec->fields[i];
        lua_pushlstring(lua, field->name.ptr, field->name.len);
        s_push_value(lua, &field->val);
        lua_rawset(lua, env);
    }
    lua_rawgeti(lua, LUA_REGISTRYINDEX, self->fn_ref);
    lua_call(lua, 0, 1);
    return 1;
}

/* Write the result on top of the stack to the record. Returns SYM_OK,
 * SYM_ENOTFOUND for nil, or SYM_EINVAL for a type a field cannot hold. */
static int
s_store(const s_derive_t *self, lua_State *lua, sym_rec_t *rec)
{
    sym_val_t val = {.type = SYM_VAL_NIL};
    switch (lua_type(lua, -1)) {
    case LUA_TNIL:
        return SYM_ENOTFOUND;
    case LUA_TBOOLEAN:
        val = (sym_val_t){.type = SYM_VAL_BOOL, .as.b = lua_toboolean(lua, -1)};
        break;
    case LUA_TNUMBER:
        val = lua_isinteger(lua, -1)
                  ? (sym_val_t){.type = SYM_VAL_INT,
                                .as.i = (int64_t) lua_tointeger(lua, -1)}
                  : (sym_val_t){.type = SYM_VAL_FLOAT,
                                .as.f = (double) lua_tonumber(lua, -1)};
        break;
    case LUA_TSTRING: {
        size_t len = 0;
        const char *text = lua_tolstring(lua, -1, &len);
        return sym_rec_set_str(rec, self->out.text, text, len) == SYM_OK
                   ? SYM_OK
                   : SYM_ETOOBIG;
    }
    default:
        return SYM_EINVAL;
    }
    return sym_rec_set(rec, self->out.text, self->out.len, val) == SYM_OK
               ? SYM_OK
               : SYM_ETOOBIG;
}

static void
s_warn(s_derive_t *self, const char *reason)
{
    uint64_t repeats = 0;
    self->errors++;
    if (sym_log_limit_pass(&self->warn_limit, &repeats)) {
        sym_log_warn("derive",
                     "expression failed line=%d field=%s err=\"%s\" "
                     "errors=%" PRIu64 " repeats=%" PRIu64,
                     self->lineno, self->out.text, reason, self->errors,
                     repeats);
    }
}

static int
s_apply(transform_step_t *step, transform_ctx_t *ctx, sym_rec_t *rec,
        transform_verdict_t *verdict)
{
    (void) ctx;
    s_derive_t *self = step->state;
    lua_State *lua = self->lua;
    *verdict = TRANSFORM_KEEP;
    self->hook_calls_left = S_HOOK_CALLS;
    lua_pushcfunction(lua, s_evaluate);
    lua_pushlightuserdata(lua, self);
    lua_pushlightuserdata(lua, rec);
    int rc = lua_pcall(lua, 2, 1, 0) == LUA_OK ? SYM_OK : SYM_EINVAL;
    if (rc == SYM_OK) {
        rc = s_store(self, lua, rec);
        if (rc == SYM_EINVAL) {
            s_warn(self, "result is not a number, boolean or text");
        }
    } else {
        const char *reason = lua_tostring(lua, -1);
        s_warn(self, reason ? reason : "error object is not text");
    }
    lua_settop(lua, 0);
    if (rc != SYM_OK) {
        step->skipped++;
    }
    return SYM_OK;
}

const transform_step_ops_t transform_derive_ops = {
    .name = "derive",
    .usage = "NAME = EXPR (a Lua 5.4 expression over the record's fields)",
    .parse = s_parse,
    .apply = s_apply,
    .destroy = s_destroy,
};

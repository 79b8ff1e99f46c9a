/* top_cluster.c: the nodes of a cluster file and where their stats
 * records can be received.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "top_cluster.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <czmq.h>

#include "sym_err.h"

#define S_MAX_WORDS 512
#define S_INSTALLED_CONF "/usr/share/symphony/Makefile.inc"

typedef struct {
    const char *label;        /* the cluster file as given, for errors */
    char dir[PATH_MAX];       /* CLUSTER_DIR */
    char run_dir[PATH_MAX];   /* RUN_DIR */
    zhash_t *conf;            /* KEY = value lines of Makefile.inc */
    top_state_t *state;       /* where nodes are listed */
    sym_strlist_t *endpoints; /* where top attaches */
    size_t without_stats;     /* nodes with no --stats-pub */
    int line_no;              /* line being read */
    char *err;                /* the caller's error buffer */
    size_t err_size;
} s_ctx_t;

/* An absolute form of path, relative to the current folder. */
static void
s_absolute(const char *path, char *out, size_t size)
{
    char cwd[PATH_MAX] = ".";
    if (path[0] == '/' || getcwd(cwd, sizeof cwd) == NULL) {
        snprintf(out, size, "%s", path);
    } else {
        int n = snprintf(out, size, "%s/%s", cwd, path);
        if (n < 0 || (size_t) n >= size) {
            snprintf(out, size, "%s", path); /* too long to anchor */
        }
    }
}

/* Store KEY = value (also KEY := value, KEY ?= value); '#' starts a
 * comment. Other lines are not settings and are skipped. */
static void
s_conf_line(zhash_t *conf, char *line)
{
    line[strcspn(line, "#\r\n")] = '\0';
    char *eq = strchr(line, '=');
    if (eq == NULL) {
        return;
    }
    char *key_end = eq;
    if (key_end > line && (key_end[-1] == ':' || key_end[-1] == '?')) {
        key_end--;
    }
    while (key_end > line && isspace((unsigned char) key_end[-1])) {
        key_end--;
    }
    *key_end = '\0';
    char *key = line + strspn(line, " \t");
    char *value = eq + 1 + strspn(eq + 1, " \t");
    size_t len = strlen(value);
    while (len > 0 && isspace((unsigned char) value[len - 1])) {
        value[--len] = '\0';
    }
    if (*key != '\0' && strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                    "abcdefghijklmnopqrstuvwxyz"
                                    "0123456789_") == strlen(key)) {
        zhash_update(conf, key, value);
    }
}

/* The Makefile.inc to read, or NULL when there is none. */
static const char *
s_conf_path(const s_ctx_t *ctx, char *buf, size_t size)
{
    const char *given = getenv("SYMPHONY_CONF");
    if (given && *given) {
        return given;
    }
    snprintf(buf, size, "%s/../Makefile.inc", ctx->dir);
    if (access(buf, R_OK) == 0) {
        return buf;
    }
    snprintf(buf, size, "%s/Makefile.inc", ctx->dir);
    if (access(buf, R_OK) == 0) {
        return buf;
    }
    return access(S_INSTALLED_CONF, R_OK) == 0 ? S_INSTALLED_CONF : NULL;
}

static int
s_conf_load(s_ctx_t *ctx)
{
    char buf[PATH_MAX + 32];
    const char *path = s_conf_path(ctx, buf, sizeof buf);
    if (path == NULL) {
        return SYM_OK;
    }
    FILE *file = fopen(path, "r");
    if (file == NULL) {
        snprintf(ctx->err, ctx->err_size, "cannot read %s: %s", path,
                 strerror(errno));
        return SYM_EIO;
    }
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, file) >= 0) {
        s_conf_line(ctx->conf, line);
    }
    free(line);
    fclose(file);
    return SYM_OK;
}

/* The value of ${name}: run facts, then the environment, then
 * Makefile.inc. NULL when undefined. */
static const char *
s_lookup(const s_ctx_t *ctx, const char *name)
{
    if (strcmp(name, "RUN_DIR") == 0) {
        return ctx->run_dir;
    }
    if (strcmp(name, "CLUSTER_DIR") == 0) {
        return ctx->dir;
    }
    const char *value = getenv(name);
    return value ? value : zhash_lookup(ctx->conf, name);
}

/* Replace every ${NAME} of word into out. Values are not scanned again. */
static int
s_expand(const s_ctx_t *ctx, const char *word, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    while (*word) {
        const char *start = strstr(word, "${");
        size_t plain = start ? (size_t) (start - word) : strlen(word);
        used += (size_t) snprintf(out + used, size - used, "%.*s", (int) plain,
                                  word);
        if (start == NULL || used >= size) {
            break;
        }
        const char *end = strchr(start, '}');
        char name[128];
        if (end == NULL || end - start - 2 >= (long) sizeof name) {
            snprintf(ctx->err, ctx->err_size, "%s:%d: malformed ${ in '%s'",
                     ctx->label, ctx->line_no, start);
            return SYM_EINVAL;
        }
        snprintf(name, sizeof name, "%.*s", (int) (end - start - 2), start + 2);
        const char *value = s_lookup(ctx, name);
        if (value == NULL) {
            snprintf(ctx->err, ctx->err_size,
                     "%s:%d: undefined variable ${%s}: set it in the "
                     "environment or in Makefile.inc (SYMPHONY_CONF)",
                     ctx->label, ctx->line_no, name);
            return SYM_EINVAL;
        }
        used += (size_t) snprintf(out + used, size - used, "%s", value);
        word = end + 1;
    }
    return used < size ? SYM_OK : SYM_ETOOBIG;
}

/* Split line into words in place: whitespace separates, double quotes
 * keep spaces (with \" and \\ inside), '#' at a word's start ends the
 * line. Returns the number of words, or -1 for an open quote. */
static int
s_split(char *line, char **words, int max)
{
    int count = 0;
    char *in = line;
    while (count < max) {
        in += strspn(in, " \t\r\n");
        if (*in == '\0' || *in == '#') {
            return count;
        }
        char *out = in;
        words[count++] = out;
        bool is_quoted = false;
        while (*in && (is_quoted || !isspace((unsigned char) *in))) {
            if (*in == '"') {
                is_quoted = !is_quoted;
                in++;
            } else if (is_quoted && *in == '\\' &&
                       (in[1] == '"' || in[1] == '\\')) {
                *out++ = in[1];
                in += 2;
            } else {
                *out++ = *in++;
            }
        }
        if (is_quoted) {
            return -1;
        }
        bool is_end = *in == '\0';
        *out = '\0';
        in += is_end ? 0 : 1;
    }
    return count;
}

/* The value of option --name among the words, or NULL. */
static const char *
s_option(char **words, int count, const char *name)
{
    size_t len = strlen(name);
    for (int i = 0; i < count; i++) {
        const char *word = words[i];
        if (strncmp(word, "--", 2) != 0 || strncmp(word + 2, name, len)) {
            continue;
        }
        if (word[2 + len] == '=') {
            return word + 3 + len;
        }
        if (word[2 + len] == '\0' && i + 1 < count) {
            return words[i + 1];
        }
    }
    return NULL;
}

/* The node kind of a binary: its file name without "symphony-". */
static void
s_kind(const char *binary, char *out, size_t size)
{
    const char *base = strrchr(binary, '/');
    base = base ? base + 1 : binary;
    if (strncmp(base, "symphony-", 9) == 0) {
        base += 9;
    }
    snprintf(out, size, "%s", base);
}

/* A node setting such as restart=always: [a-z_]+ then '='. */
static bool
s_is_setting(const char *word)
{
    size_t len = strspn(word, "abcdefghijklmnopqrstuvwxyz_");
    return len > 0 && word[len] == '=';
}

/* One node: words are NAME [key=value...] BINARY ARGUMENTS. */
static int
s_node(s_ctx_t *ctx, char **words, int count)
{
    int first = 1;
    while (first < count && s_is_setting(words[first])) {
        first++;
    }
    if (first >= count) {
        snprintf(ctx->err, ctx->err_size, "%s:%d: node '%s' names no binary",
                 ctx->label, ctx->line_no, words[0]);
        return SYM_EINVAL;
    }
    const char *stats_pub = s_option(words + first, count - first, "stats-pub");
    if (stats_pub == NULL) {
        ctx->without_stats++;
        return SYM_OK;
    }
    char kind[64];
    char name[256];
    char endpoints[1024];
    s_kind(words[first], kind, sizeof kind);
    const char *given = s_option(words + first, count - first, "name");
    int rc = s_expand(ctx, given ? given : kind, name, sizeof name);
    if (rc == SYM_OK) {
        rc = s_expand(ctx, stats_pub, endpoints, sizeof endpoints);
    }
    if (rc == SYM_OK) {
        rc = top_state_expect(ctx->state, kind, name);
    }
    return rc == SYM_OK ? top_cluster_attach(endpoints, ctx->endpoints) : rc;
}

static int
s_read_lines(s_ctx_t *ctx, FILE *file)
{
    char *line = NULL;
    size_t cap = 0;
    int rc = SYM_OK;
    while (rc == SYM_OK && getline(&line, &cap, file) >= 0) {
        ctx->line_no++;
        char *words[S_MAX_WORDS];
        int count = s_split(line, words, S_MAX_WORDS);
        if (count < 0) {
            snprintf(ctx->err, ctx->err_size,
                     "%s:%d: unterminated double quote", ctx->label,
                     ctx->line_no);
            rc = SYM_EINVAL;
        } else if (count > 0) {
            rc = s_node(ctx, words, count);
        }
    }
    free(line);
    return rc;
}

/* RUN_DIR as the supervisor picks it. */
static void
s_run_dir(s_ctx_t *ctx, const char *path, const char *given)
{
    const char *env = getenv("SYMPHONY_RUN_DIR");
    char fallback[PATH_MAX];
    if (given == NULL && env && *env) {
        given = env;
    }
    if (given == NULL) {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        const char *dot = strrchr(base, '.');
        int len = dot && dot != base ? (int) (dot - base) : (int) strlen(base);
        snprintf(fallback, sizeof fallback, "run/%.*s", len, base);
        given = fallback;
    }
    s_absolute(given, ctx->run_dir, sizeof ctx->run_dir);
}

int
top_cluster_load(const char *path, const char *run_dir, top_state_t *state,
                 sym_strlist_t *endpoints, size_t *without_stats, char *err,
                 size_t err_size)
{
    s_ctx_t ctx = {.label = path,
                   .state = state,
                   .endpoints = endpoints,
                   .err = err,
                   .err_size = err_size};
    FILE *file = fopen(path, "r");
    if (file == NULL) {
        snprintf(err, err_size, "cannot read cluster file %s: %s", path,
                 strerror(errno));
        return SYM_EINVAL; /* a setting to fix, as a bad option is */
    }
    char absolute[PATH_MAX];
    s_absolute(path, absolute, sizeof absolute);
    char *slash = strrchr(absolute, '/');
    snprintf(ctx.dir, sizeof ctx.dir, "%.*s", (int) (slash - absolute),
             absolute);
    s_run_dir(&ctx, path, run_dir);
    ctx.conf = zhash_new();
    int rc = ctx.conf ? SYM_OK : SYM_ENOMEM;
    if (rc == SYM_OK) {
        zhash_autofree(ctx.conf);
        rc = s_conf_load(&ctx);
    }
    if (rc == SYM_OK) {
        rc = s_read_lines(&ctx, file);
    }
    zhash_destroy(&ctx.conf);
    fclose(file);
    *without_stats = ctx.without_stats;
    return rc;
}

/* One endpoint of a PUB, turned into what a SUB attaches to. */
static void
s_flip(const char *endpoint, char *out, size_t size)
{
    bool is_bound = *endpoint != '>';
    if (*endpoint == '@' || *endpoint == '>') {
        endpoint++;
    }
    if (!is_bound) {
        snprintf(out, size, "@%s", endpoint);
        return;
    }
    static const char *const wildcards[] = {"tcp://*:", "tcp://0.0.0.0:"};
    for (size_t i = 0; i < 2; i++) {
        size_t len = strlen(wildcards[i]);
        if (strncmp(endpoint, wildcards[i], len) == 0) {
            snprintf(out, size, ">tcp://127.0.0.1:%s", endpoint + len);
            return;
        }
    }
    snprintf(out, size, ">%s", endpoint);
}

int
top_cluster_attach(const char *stats_pub, sym_strlist_t *endpoints)
{
    char *copy = strdup(stats_pub);
    if (copy == NULL) {
        return SYM_ENOMEM;
    }
    int rc = SYM_OK;
    char *save = NULL;
    for (char *one = strtok_r(copy, ",", &save); one && rc == SYM_OK;
         one = strtok_r(NULL, ",", &save)) {
        char flipped[1024];
        s_flip(one, flipped, sizeof flipped);
        bool is_known = false;
        for (size_t i = 0; i < endpoints->count && !is_known; i++) {
            is_known = strcmp(endpoints->items[i], flipped) == 0;
        }
        if (!is_known) {
            rc = sym_strlist_append(endpoints, flipped);
        }
    }
    free(copy);
    return rc;
}

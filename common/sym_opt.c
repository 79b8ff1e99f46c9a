/* sym_opt.c: declarative option tables for argv and config files.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_opt.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sym_conf.h"
#include "sym_err.h"

int
sym_strlist_append(sym_strlist_t *list, const char *value)
{
    char *copy = strdup(value);
    char **items = realloc(list->items, (list->count + 1) * sizeof *items);
    if (copy == NULL || items == NULL) {
        free(copy);
        if (items) {
            list->items = items;
        }
        return SYM_ENOMEM;
    }
    items[list->count++] = copy;
    list->items = items;
    return SYM_OK;
}

void
sym_strlist_clear(sym_strlist_t *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i]);
    }
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

static const sym_opt_t *
s_find(const sym_opt_t *table, const char *name, size_t name_len)
{
    for (const sym_opt_t *opt = table; opt->name; opt++) {
        if (strlen(opt->name) == name_len &&
            strncmp(opt->name, name, name_len) == 0) {
            return opt;
        }
    }
    return NULL;
}

static int
s_parse_bool(const char *text, bool *out)
{
    if (strcasecmp(text, "true") == 0 || strcasecmp(text, "yes") == 0 ||
        strcmp(text, "1") == 0 || strcasecmp(text, "on") == 0) {
        *out = true;
        return SYM_OK;
    }
    if (strcasecmp(text, "false") == 0 || strcasecmp(text, "no") == 0 ||
        strcmp(text, "0") == 0 || strcasecmp(text, "off") == 0) {
        *out = false;
        return SYM_OK;
    }
    return SYM_EINVAL;
}

/* Store text as the option's value in cfg. Returns SYM_OK, or SYM_EINVAL
 * with "expected ..." in reason. */
static int
s_store(const sym_opt_t *opt, void *cfg, const char *text, const char **reason)
{
    char *field = (char *) cfg + opt->offset;
    char *end = NULL;
    errno = 0;
    switch (opt->type) {
    case SYM_OPT_STR: {
        char *copy = strdup(text);
        if (copy == NULL) {
            *reason = "out of memory";
            return SYM_ENOMEM;
        }
        free(*(char **) field);
        *(char **) field = copy;
        return SYM_OK;
    }
    case SYM_OPT_INT: {
        /* Base 10 only: with base 0 a port or HWM written "0100" would
         * silently read as octal 64. */
        long long value = strtoll(text, &end, 10);
        if (errno != 0 || end == text || *end != '\0') {
            *reason = "expected an integer";
            return SYM_EINVAL;
        }
        *(int64_t *) field = value;
        return SYM_OK;
    }
    case SYM_OPT_DOUBLE: {
        double value = strtod(text, &end);
        if (errno != 0 || end == text || *end != '\0' || !isfinite(value)) {
            *reason = "expected a number";
            return SYM_EINVAL;
        }
        *(double *) field = value;
        return SYM_OK;
    }
    case SYM_OPT_BOOL:
        if (s_parse_bool(text, (bool *) field) != SYM_OK) {
            *reason = "expected true or false";
            return SYM_EINVAL;
        }
        return SYM_OK;
    case SYM_OPT_LIST:
        if (sym_strlist_append((sym_strlist_t *) field, text) != SYM_OK) {
            *reason = "out of memory";
            return SYM_ENOMEM;
        }
        return SYM_OK;
    }
    *reason = "unknown option type";
    return SYM_EINVAL;
}

static int
s_apply_defaults(const sym_opt_t *table, void *cfg, char *err, size_t err_size)
{
    for (const sym_opt_t *opt = table; opt->name; opt++) {
        const char *reason = NULL;
        if (opt->default_value &&
            s_store(opt, cfg, opt->default_value, &reason) != SYM_OK) {
            snprintf(err, err_size, "default of --%s: %s", opt->name, reason);
            return SYM_EINVAL;
        }
    }
    return SYM_OK;
}

/* Lists given in a config file are replaced, not extended, by the same
 * option on the command line; this remembers which were cleared. */
typedef struct {
    const sym_opt_t *cleared[64];
    size_t count;
} s_cleared_t;

static void
s_clear_list_once(const sym_opt_t *opt, void *cfg, s_cleared_t *cleared)
{
    if (opt->type != SYM_OPT_LIST) {
        return;
    }
    for (size_t i = 0; i < cleared->count; i++) {
        if (cleared->cleared[i] == opt) {
            return;
        }
    }
    if (cleared->count < 64) {
        cleared->cleared[cleared->count++] = opt;
    }
    sym_strlist_clear((sym_strlist_t *) ((char *) cfg + opt->offset));
}

static int
s_apply_file(const sym_opt_t *table, void *cfg, const char *path, char *err,
             size_t err_size)
{
    sym_conf_t *conf = sym_conf_load(path, err, err_size);
    if (conf == NULL) {
        return SYM_EINVAL;
    }
    s_cleared_t cleared = {.count = 0};
    int rc = SYM_OK;
    for (size_t i = 0; i < sym_conf_size(conf) && rc == SYM_OK; i++) {
        const sym_conf_line_t *line = sym_conf_line(conf, i);
        int first_value = 1;
        if (line->argc > 1 && strcmp(line->argv[1], "=") == 0) {
            first_value = 2;
        }
        const sym_opt_t *opt =
            s_find(table, line->argv[0], strlen(line->argv[0]));
        const char *reason = NULL;
        if (opt == NULL || strcmp(opt->name, "config") == 0) {
            reason = "unknown option";
            rc = SYM_EINVAL;
        } else if (line->argc != first_value + 1) {
            reason = "expected 'option value' (quote a value with spaces)";
            rc = SYM_EINVAL;
        } else {
            s_clear_list_once(opt, cfg, &cleared);
            rc = s_store(opt, cfg, line->argv[first_value], &reason);
        }
        if (rc != SYM_OK) {
            snprintf(err, err_size, "%s:%d: %s '%s'", path, line->lineno,
                     reason, line->argv[0]);
        }
    }
    sym_conf_destroy(&conf);
    return rc;
}

/* Find --config in argv before anything else is parsed. */
static const char *
s_config_path(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            return argv[i + 1];
        }
        if (strncmp(argv[i], "--config=", 9) == 0) {
            return argv[i] + 9;
        }
    }
    return NULL;
}

static int
s_apply_argv(const sym_opt_t *table, void *cfg, int argc, char **argv,
             char *err, size_t err_size)
{
    s_cleared_t cleared = {.count = 0};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            snprintf(err, err_size, "unexpected argument '%s'", arg);
            return SYM_EINVAL;
        }
        const char *name = arg + 2;
        const char *equals = strchr(name, '=');
        size_t name_len = equals ? (size_t) (equals - name) : strlen(name);
        const sym_opt_t *opt = s_find(table, name, name_len);
        if (opt == NULL) {
            snprintf(err, err_size, "unknown option '--%.*s' (see --help)",
                     (int) name_len, name);
            return SYM_EINVAL;
        }

        const char *value = equals ? equals + 1 : NULL;
        if (value == NULL && opt->type == SYM_OPT_BOOL) {
            value = "true";
        } else if (value == NULL) {
            if (i + 1 >= argc) {
                snprintf(err, err_size, "option '--%s' needs a value",
                         opt->name);
                return SYM_EINVAL;
            }
            value = argv[++i];
        }
        s_clear_list_once(opt, cfg, &cleared);
        const char *reason = NULL;
        if (s_store(opt, cfg, value, &reason) != SYM_OK) {
            snprintf(err, err_size, "option '--%s': %s, got '%s'", opt->name,
                     reason, value);
            return SYM_EINVAL;
        }
    }
    return SYM_OK;
}

int
sym_opt_parse(const sym_opt_t *table, void *cfg, int argc, char **argv,
              char *err, size_t err_size)
{
    int rc = s_apply_defaults(table, cfg, err, err_size);
    const char *path = s_config_path(argc, argv);
    if (rc == SYM_OK && path != NULL) {
        rc = s_apply_file(table, cfg, path, err, err_size);
    }
    if (rc == SYM_OK) {
        rc = s_apply_argv(table, cfg, argc, argv, err, err_size);
    }
    return rc;
}

void
sym_opt_free(const sym_opt_t *table, void *cfg)
{
    for (const sym_opt_t *opt = table; opt->name; opt++) {
        char *field = (char *) cfg + opt->offset;
        if (opt->type == SYM_OPT_STR) {
            free(*(char **) field);
            *(char **) field = NULL;
        } else if (opt->type == SYM_OPT_LIST) {
            sym_strlist_clear((sym_strlist_t *) field);
        }
    }
}

void
sym_opt_print_help(const sym_opt_t *table, const char *program,
                   const char *summary, FILE *out)
{
    fprintf(out, "Usage: %s [--option value]...\n%s\n\nOptions:\n", program,
            summary);
    for (const sym_opt_t *opt = table; opt->name; opt++) {
        const char *value = opt->type == SYM_OPT_BOOL     ? ""
                            : opt->type == SYM_OPT_INT    ? " N"
                            : opt->type == SYM_OPT_DOUBLE ? " X"
                                                          : " TEXT";
        char left[64];
        snprintf(left, sizeof left, "--%s%s", opt->name, value);
        fprintf(out, "  %-26s %s", left, opt->help);
        if (opt->type == SYM_OPT_LIST) {
            fprintf(out, " (repeatable)");
        }
        if (opt->default_value) {
            fprintf(out, " [default: %s]", opt->default_value);
        }
        fprintf(out, "\n");
    }
}

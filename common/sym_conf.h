/* sym_conf.h: line-based configuration files split into words.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_CONF_H
#define SYM_CONF_H

#include <stddef.h>

/* Words are separated by blanks; double quotes group words and take the
 * escapes \" \\ \n \t; '#' outside quotes starts a comment. Blank and
 * comment-only lines are skipped. */

#define SYM_CONF_MAX_WORDS 64
#define SYM_CONF_MAX_LINE 4096

typedef struct sym_conf_t sym_conf_t;

typedef struct {
    int lineno;                     /* 1-based line in the file */
    int argc;                       /* words on this line */
    char *argv[SYM_CONF_MAX_WORDS]; /* the words, NUL-terminated */
} sym_conf_line_t;

/* Read and split a whole file. Returns the object or NULL; on failure
 * writes "FILE:LINE: what was expected" or the system error into err. */
sym_conf_t *sym_conf_load(const char *path, char *err, size_t err_size);

/* The same for text in memory; name stands for the file in messages. */
sym_conf_t *sym_conf_parse(const char *name, const char *text, char *err,
                           size_t err_size);

/* Free the object and null the caller's pointer. Safe on NULL. */
void sym_conf_destroy(sym_conf_t **self_p);

/* The file name given at load time, for messages. */
const char *sym_conf_name(const sym_conf_t *self);

/* Number of non-empty lines, and the line at index i (0-based). */
size_t sym_conf_size(const sym_conf_t *self);
const sym_conf_line_t *sym_conf_line(const sym_conf_t *self, size_t i);

/* Split a key=value word in place: returns the value (after '=') and cuts
 * the word at '='; returns NULL when the word has no '='. */
char *sym_conf_split_kv(char *word);

#endif

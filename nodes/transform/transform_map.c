/* transform_map.c: maps from raw values to names, for enum and limitset.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "transform_step.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"

/* Append one "K:NAME" entry of len bytes. */
static int
s_add(transform_map_t *map, const char *text, size_t len, const char *what,
      char *err, size_t err_size)
{
    const char *colon = memchr(text, ':', len);
    if (colon == NULL || colon == text || colon + 1 == text + len) {
        snprintf(err, err_size, "expected KEY:NAME in %s, got '%.*s'", what,
                 (int) len, text);
        return SYM_EINVAL;
    }
    transform_map_entry_t *items =
        realloc(map->items, (map->count + 1) * sizeof *items);
    if (items == NULL) {
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    map->items = items;
    transform_map_entry_t *entry = &items[map->count];
    *entry = (transform_map_entry_t){0};
    size_t key_len = (size_t) (colon - text);
    if (transform_name_set(&entry->key, text, key_len) != SYM_OK ||
        transform_name_set(&entry->name, colon + 1, len - key_len - 1) !=
            SYM_OK) {
        transform_name_clear(&entry->key);
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    entry->is_number = transform_parse_double(entry->key.text, &entry->number);
    map->count++;
    return SYM_OK;
}

int
transform_map_parse(transform_map_t *map, const char *text, const char *what,
                    char *err, size_t err_size)
{
    const char *cursor = text;
    while (true) {
        const char *comma = strchr(cursor, ',');
        size_t len = comma ? (size_t) (comma - cursor) : strlen(cursor);
        int rc = s_add(map, cursor, len, what, err, err_size);
        if (rc != SYM_OK || comma == NULL) {
            return rc;
        }
        cursor = comma + 1;
    }
}

void
transform_map_clear(transform_map_t *map)
{
    for (size_t i = 0; i < map->count; i++) {
        transform_name_clear(&map->items[i].key);
        transform_name_clear(&map->items[i].name);
    }
    free(map->items);
    map->items = NULL;
    map->count = 0;
}

const transform_name_t *
transform_map_find(const transform_map_t *map, const sym_val_t *val)
{
    double number = 0;
    bool is_number = transform_val_number(val, &number);
    bool is_text = val->type == SYM_VAL_STR;
    for (size_t i = 0; i < map->count; i++) {
        const transform_map_entry_t *entry = &map->items[i];
        if (is_number && entry->is_number && entry->number == number) {
            return &entry->name;
        }
        if (is_text && entry->key.len == val->as.s.len &&
            memcmp(entry->key.text, val->as.s.ptr, val->as.s.len) == 0) {
            return &entry->name;
        }
    }
    return NULL;
}

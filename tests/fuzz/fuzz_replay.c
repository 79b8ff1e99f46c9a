/* fuzz_replay.c: run a fuzz target over every file of the directories
 * given, so corpora and past crashes are regression tests in any build.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional in a target, as with libFuzzer: its one-time set-up. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int
s_replay_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        return -1;
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    rewind(file);
    uint8_t *data = malloc(size > 0 ? (size_t) size : 1);
    size_t got = size > 0 ? fread(data, 1, (size_t) size, file) : 0;
    fclose(file);
    if (got != (size_t) size) {
        free(data);
        return -1;
    }
    LLVMFuzzerTestOneInput(data, got);
    free(data);
    return 0;
}

/* Returns the number of files replayed, or -1. */
static int
s_replay_dir(const char *dir)
{
    DIR *handle = opendir(dir);
    if (handle == NULL) {
        return 0; /* no crashes yet is the normal case */
    }
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(handle)) != NULL && count >= 0) {
        if (entry->d_name[0] == '.' || strcmp(entry->d_name, "README") == 0) {
            continue;
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
        count = s_replay_file(path) == 0 ? count + 1 : -1;
    }
    closedir(handle);
    return count;
}

int
main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize != NULL) {
        LLVMFuzzerInitialize(&argc, &argv);
    }
    int total = 0;
    for (int i = 1; i < argc; i++) {
        int count = s_replay_dir(argv[i]);
        if (count < 0) {
            return 1;
        }
        total += count;
    }
    printf("replayed %d inputs\n", total);
    /* An empty corpus would make this test pass without testing. */
    return total > 0 ? 0 : 1;
}

/* sink_file.c: a text file written one batch at a time, for text outputs.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sink_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sym_err.h"
#include "sym_time.h"

/* First size of the batch buffer; it doubles as needed and is kept. */
#define S_FIRST_CAP 65536

static void
s_describe(sink_file_t *self)
{
    struct stat info;
    self->is_regular = fstat(self->fd, &info) == 0 && S_ISREG(info.st_mode);
    off_t end = self->is_regular ? lseek(self->fd, 0, SEEK_END) : 0;
    self->batch_start = end < 0 ? 0 : end;
}

int
sink_file_open(sink_file_t *self, const char *path, char *err, size_t err_size)
{
    *self = (sink_file_t){.fd = -1};
    self->path = strdup(path);
    if (self->path == NULL) {
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, err_size, "%s", strerror(errno));
        free(self->path);
        self->path = NULL;
        return SYM_EIO;
    }
    self->fd = fd;
    self->owns_fd = true;
    self->opened_ms = sym_time_mono_ms();
    s_describe(self);
    return SYM_OK;
}

void
sink_file_set_rotation(sink_file_t *self, int64_t bytes, int64_t ms)
{
    self->rotate_bytes = bytes;
    self->rotate_ms = ms;
}

int
sink_file_set_prologue(sink_file_t *self, const char *data, size_t len)
{
    char *copy = malloc(len ? len : 1);
    if (copy == NULL) {
        return SYM_ENOMEM;
    }
    memcpy(copy, data, len);
    free(self->prologue);
    self->prologue = copy;
    self->prologue_len = len;
    return SYM_OK;
}

void
sink_file_attach(sink_file_t *self, int fd)
{
    *self = (sink_file_t){.fd = fd};
    s_describe(self);
}

void
sink_file_close(sink_file_t *self)
{
    if (self->owns_fd && self->fd >= 0) {
        close(self->fd);
    }
    self->fd = -1;
    free(self->buf);
    self->buf = NULL;
    free(self->path);
    self->path = NULL;
    free(self->prologue);
    self->prologue = NULL;
    self->len = 0;
    self->cap = 0;
}

char *
sink_file_reserve(sink_file_t *self, size_t len)
{
    if (self->buf && self->cap - self->len >= len) {
        return self->buf + self->len;
    }
    size_t cap = self->cap ? self->cap : S_FIRST_CAP;
    while (cap - self->len < len) {
        cap *= 2;
    }
    char *buf = realloc(self->buf, cap);
    if (buf == NULL) {
        return NULL;
    }
    self->buf = buf;
    self->cap = cap;
    return self->buf + self->len;
}

void
sink_file_advance(sink_file_t *self, size_t len)
{
    self->len += len;
}

int
sink_file_append(sink_file_t *self, const char *data, size_t len)
{
    char *dest = sink_file_reserve(self, len);
    if (dest == NULL) {
        return SYM_ENOMEM;
    }
    memcpy(dest, data, len);
    self->len += len;
    return SYM_OK;
}

size_t
sink_file_pending(const sink_file_t *self)
{
    return self->len;
}

/* Write all of data, or leave the reason in err. */
static int
s_write_all(int fd, const char *data, size_t len, char *err, size_t err_size)
{
    size_t done = 0;
    while (done < len) {
        ssize_t wrote = write(fd, data + done, len - done);
        if (wrote < 0 && errno == EINTR) {
            continue;
        }
        if (wrote <= 0) {
            snprintf(err, err_size, "write: %s",
                     wrote < 0 ? strerror(errno) : "nothing written");
            return SYM_EIO;
        }
        done += (size_t) wrote;
    }
    return SYM_OK;
}

static bool
s_should_rotate(const sink_file_t *self)
{
    if (!self->is_regular || !self->owns_fd || self->batch_start == 0) {
        return false;
    }
    int64_t size = (int64_t) self->batch_start + (int64_t) self->len;
    if (self->rotate_bytes > 0 && size > self->rotate_bytes) {
        return true;
    }
    return self->rotate_ms > 0 &&
           sym_time_mono_ms() - self->opened_ms >= self->rotate_ms;
}

/* One more than the highest N of the PATH.N files present. */
static uint64_t
s_first_suffix(const char *path)
{
    char *dir_copy = strdup(path);
    char *base_copy = strdup(path);
    uint64_t highest = 0;
    DIR *dir = dir_copy && base_copy ? opendir(dirname(dir_copy)) : NULL;
    const char *base = dir ? basename(base_copy) : "";
    size_t base_len = strlen(base);
    for (struct dirent *e = dir ? readdir(dir) : NULL; e; e = readdir(dir)) {
        const char *name = e->d_name;
        if (strncmp(name, base, base_len) != 0 || name[base_len] != '.') {
            continue;
        }
        char *end = NULL;
        uint64_t n = strtoull(name + base_len + 1, &end, 10);
        if (end != name + base_len + 1 && *end == '\0' && n > highest) {
            highest = n;
        }
    }
    if (dir) {
        closedir(dir);
    }
    free(dir_copy);
    free(base_copy);
    return highest + 1;
}

/* Rename the file to PATH.N and start a new PATH. */
static int
s_rotate(sink_file_t *self, char *err, size_t err_size)
{
    if (self->next_suffix == 0) {
        self->next_suffix = s_first_suffix(self->path);
    }
    char target[4096];
    snprintf(target, sizeof target, "%s.%" PRIu64, self->path,
             self->next_suffix);
    if (rename(self->path, target) != 0) {
        snprintf(err, err_size, "rotate to %s: %s", target, strerror(errno));
        return SYM_EIO;
    }
    self->next_suffix++;
    close(self->fd);
    self->fd =
        open(self->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (self->fd < 0) {
        snprintf(err, err_size, "open after rotation: %s", strerror(errno));
        return SYM_EIO;
    }
    self->opened_ms = sym_time_mono_ms();
    s_describe(self);
    if (self->prologue_len == 0) {
        return SYM_OK;
    }
    return s_write_all(self->fd, self->prologue, self->prologue_len, err,
                       err_size);
}

int
sink_file_flush(sink_file_t *self, char *err, size_t err_size)
{
    if (self->len == 0) {
        return SYM_OK;
    }
    int rc = SYM_OK;
    if (s_should_rotate(self)) {
        rc = s_rotate(self, err, err_size);
    }
    if (self->fd < 0) {
        self->len = 0;
        return rc;
    }
    if (rc == SYM_OK) {
        self->batch_start =
            self->is_regular ? lseek(self->fd, 0, SEEK_END) : self->batch_start;
        rc = s_write_all(self->fd, self->buf, self->len, err, err_size);
    }
    if (rc != SYM_OK) {
        if (self->is_regular && ftruncate(self->fd, self->batch_start) != 0) {
            size_t used = strlen(err);
            snprintf(err + used, err_size - used,
                     "; part of the batch stays: %s", strerror(errno));
        }
        self->len = 0;
        return SYM_EIO;
    }
    self->last_start = self->batch_start;
    /* With O_APPEND the offset is the end, whoever else appended. */
    off_t end = self->is_regular ? lseek(self->fd, 0, SEEK_CUR) : 0;
    self->batch_start = end < 0 ? self->batch_start + (off_t) self->len : end;
    self->len = 0;
    return SYM_OK;
}

void
sink_file_undo(sink_file_t *self)
{
    if (self->is_regular && self->fd >= 0 &&
        ftruncate(self->fd, self->last_start) == 0) {
        self->batch_start = self->last_start;
    }
}

void
sink_file_discard(sink_file_t *self)
{
    self->len = 0;
}

/* sink_file.c: a text file written one batch at a time, for text outputs.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sink_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sym_err.h"

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
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, err_size, "%s", strerror(errno));
        return SYM_EIO;
    }
    self->fd = fd;
    self->owns_fd = true;
    s_describe(self);
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

int
sink_file_flush(sink_file_t *self, char *err, size_t err_size)
{
    size_t done = 0;
    while (done < self->len) {
        ssize_t wrote = write(self->fd, self->buf + done, self->len - done);
        if (wrote < 0 && errno == EINTR) {
            continue;
        }
        if (wrote <= 0) {
            snprintf(err, err_size, "write: %s",
                     wrote < 0 ? strerror(errno) : "nothing written");
            if (self->is_regular &&
                ftruncate(self->fd, self->batch_start) != 0) {
                size_t used = strlen(err);
                snprintf(err + used, err_size - used,
                         "; part of the batch stays: %s", strerror(errno));
            }
            self->len = 0;
            return SYM_EIO;
        }
        done += (size_t) wrote;
    }
    /* With O_APPEND the offset is the end, whoever else appended. */
    off_t end = self->is_regular ? lseek(self->fd, 0, SEEK_CUR) : 0;
    self->batch_start = end < 0 ? self->batch_start + (off_t) self->len : end;
    self->len = 0;
    return SYM_OK;
}

void
sink_file_discard(sink_file_t *self)
{
    self->len = 0;
}

/* sink_libpq.h: the libpq functions of the postgres output, opened on
 * first use.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SINK_LIBPQ_H
#define SINK_LIBPQ_H

#include <stddef.h>

#include <libpq-fe.h>

/* Linked, libpq with OpenSSL and LDAP behind it would add about 2 MB to
 * the resident size of every sink, most of which never write to
 * PostgreSQL; so it is opened when the first postgres output opens. */
typedef struct {
    __typeof__(PQclear) *PQclear;
    __typeof__(PQconnectdb) *PQconnectdb;
    __typeof__(PQerrorMessage) *PQerrorMessage;
    __typeof__(PQexec) *PQexec;
    __typeof__(PQexecParams) *PQexecParams;
    __typeof__(PQfinish) *PQfinish;
    __typeof__(PQgetResult) *PQgetResult;
    __typeof__(PQgetvalue) *PQgetvalue;
    __typeof__(PQntuples) *PQntuples;
    __typeof__(PQputCopyData) *PQputCopyData;
    __typeof__(PQputCopyEnd) *PQputCopyEnd;
    __typeof__(PQreset) *PQreset;
    __typeof__(PQresultErrorField) *PQresultErrorField;
    __typeof__(PQresultStatus) *PQresultStatus;
    __typeof__(PQsetNoticeProcessor) *PQsetNoticeProcessor;
    __typeof__(PQsetnonblocking) *PQsetnonblocking;
    __typeof__(PQstatus) *PQstatus;
} sink_libpq_t;

/* Open libpq, once per process. Returns its functions, or NULL with the
 * reason in err. */
const sink_libpq_t *sink_libpq_open(char *err, size_t err_size);

#endif

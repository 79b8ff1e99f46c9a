/* sink_libpq.c: the libpq functions of the postgres output, opened on
 * first use.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sink_libpq.h"

#include <stdbool.h>

#include "sym_dl.h"
#include "sym_err.h"

static sink_libpq_t s_libpq;

const sink_libpq_t *
sink_libpq_open(char *err, size_t err_size)
{
    static bool s_is_open;
    if (s_is_open) {
        return &s_libpq;
    }
    const sym_dl_fn_t fns[] = {
        SYM_DL_FN(s_libpq, PQclear),
        SYM_DL_FN(s_libpq, PQconnectdb),
        SYM_DL_FN(s_libpq, PQerrorMessage),
        SYM_DL_FN(s_libpq, PQexec),
        SYM_DL_FN(s_libpq, PQexecParams),
        SYM_DL_FN(s_libpq, PQfinish),
        SYM_DL_FN(s_libpq, PQgetResult),
        SYM_DL_FN(s_libpq, PQgetvalue),
        SYM_DL_FN(s_libpq, PQntuples),
        SYM_DL_FN(s_libpq, PQputCopyData),
        SYM_DL_FN(s_libpq, PQputCopyEnd),
        SYM_DL_FN(s_libpq, PQreset),
        SYM_DL_FN(s_libpq, PQresultErrorField),
        SYM_DL_FN(s_libpq, PQresultStatus),
        SYM_DL_FN(s_libpq, PQsetNoticeProcessor),
        SYM_DL_FN(s_libpq, PQsetnonblocking),
        SYM_DL_FN(s_libpq, PQstatus),
    };
    if (sym_dl_open(SYM_PQ_SONAME, fns, sizeof fns / sizeof fns[0], err,
                    err_size) != SYM_OK) {
        return NULL;
    }
    s_is_open = true;
    return &s_libpq;
}

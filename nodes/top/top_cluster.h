/* top_cluster.h: the nodes of a cluster file and where their stats
 * records can be received.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef TOP_CLUSTER_H
#define TOP_CLUSTER_H

#include <stddef.h>

#include "sym_opt.h"
#include "top_state.h"

/* Read the cluster file at path, in the format symphony-cluster reads
 * (NAME [key=value...] BINARY ARGUMENTS, double quotes, '#' comments).
 * Every node with --stats-pub is listed in state under its kind (the
 * binary's name without "symphony-") and its --name (default: the kind),
 * and endpoints gets, once each, what top attaches to: a connect ('>')
 * for each endpoint the node binds (a wildcard host becomes 127.0.0.1),
 * a bind ('@') for each it connects to. *without_stats counts the nodes
 * that publish no stats.
 *
 * ${VAR} in those options is expanded as the supervisor does: RUN_DIR
 * (run_dir if not NULL, else $SYMPHONY_RUN_DIR, else run/<cluster name>
 * under the current folder) and CLUSTER_DIR, then the environment, then
 * the KEY = value lines of Makefile.inc ($SYMPHONY_CONF, else the one in
 * the cluster file's parent folder, else beside the cluster file, else
 * /usr/share/symphony/Makefile.inc).
 *
 * Returns SYM_OK; SYM_EIO when a file cannot be read; SYM_EINVAL for a
 * malformed line or an undefined variable (err names FILE:LINE); or
 * SYM_ENOMEM / SYM_ETOOBIG. */
int top_cluster_load(const char *path, const char *run_dir, top_state_t *state,
                     sym_strlist_t *endpoints, size_t *without_stats, char *err,
                     size_t err_size);

/* What a subscriber attaches to, to hear a PUB given by the endpoint
 * list of a node's --stats-pub: appended to endpoints unless present.
 * Returns SYM_OK or SYM_ENOMEM. */
int top_cluster_attach(const char *stats_pub, sym_strlist_t *endpoints);

#endif

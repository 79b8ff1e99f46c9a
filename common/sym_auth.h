/* sym_auth.h: CURVE keys, the ZAP allow-lists and refused handshakes.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_AUTH_H
#define SYM_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <czmq.h>

#include "sym_opt.h"

#define SYM_AUTH_KEY_TEXT 41 /* a Z85 key: 40 characters and a NUL */
#define SYM_AUTH_PATH_MAX 1024

/* What a node's security options load into, checked once at start. A
 * binding socket is a CURVE server when is_curve; a connecting one is a
 * CURVE client of server_key. */
typedef struct {
    bool is_curve;                      /* encrypt and authenticate */
    char public_key[SYM_AUTH_KEY_TEXT]; /* this node's key pair, Z85 */
    char secret_key[SYM_AUTH_KEY_TEXT];
    char server_key[SYM_AUTH_KEY_TEXT]; /* the servers' public key */
    char allow_dir[SYM_AUTH_PATH_MAX];  /* client certs; "" for none */
    bool is_allow_any;                  /* --curve-allow '*' */
    char allow_ip[SYM_AUTH_PATH_MAX];   /* comma list; "" for any */
} sym_auth_t;

/* The security and input-limit options every node has. */
typedef struct {
    int64_t max_msg_bytes;  /* one inbound message, all frames */
    int64_t max_fields;     /* fields per record */
    int64_t max_str_bytes;  /* one string value or field name */
    int64_t max_depth;      /* nesting of maps, the envelope is 1 */
    char *curve_secret;     /* this node's secret certificate file */
    char *curve_server_key; /* the servers' public cert file, or Z85 */
    char *curve_allow;      /* folder of allowed client certs, or '*' */
    sym_strlist_t allow_ip; /* peers' addresses allowed to connect */
} sym_auth_opts_t;

#define SYM_OPT_LIMITS(type, field)                                            \
    {"max-msg-bytes", SYM_OPT_INT, "1114112",                                  \
     "largest inbound message in bytes; larger ones are refused",              \
     offsetof(type, field.max_msg_bytes)},                                     \
        {"max-fields", SYM_OPT_INT, "256",                                     \
         "most fields in a record (1-256); more sets the record aside",        \
         offsetof(type, field.max_fields)},                                    \
        {"max-str-bytes", SYM_OPT_INT, "65536",                                \
         "longest string value or name in a record",                           \
         offsetof(type, field.max_str_bytes)},                                 \
    {                                                                          \
        "max-depth", SYM_OPT_INT, "2",                                         \
            "deepest nesting of maps in a record (the envelope is 1)",         \
            offsetof(type, field.max_depth)                                    \
    }

#define SYM_OPT_CURVE(type, field)                                             \
    {"curve-secret", SYM_OPT_STR, NULL,                                        \
     "CURVE: this node's secret certificate (symphony-keygen; mode 0600)",     \
     offsetof(type, field.curve_secret)},                                      \
        {"curve-server-key", SYM_OPT_STR, NULL,                                \
         "CURVE: public certificate file or Z85 key of the servers "           \
         "connected to",                                                       \
         offsetof(type, field.curve_server_key)},                              \
        {"curve-allow", SYM_OPT_STR, NULL,                                     \
         "CURVE: folder of client public certificates allowed to connect "     \
         "to bound sockets, or '*' for any key",                               \
         offsetof(type, field.curve_allow)},                                   \
    {                                                                          \
        "allow-ip", SYM_OPT_LIST, NULL,                                        \
            "peer address allowed to connect to bound sockets",                \
            offsetof(type, field.allow_ip)                                     \
    }

/* Check the options (the limits unless max_msg_bytes is 0, for a node
 * without SYM_OPT_LIMITS) and load the keys they name into auth. Secret key
 * files readable by group or others, certificate files or folders
 * writable by them, and files that do not hold a valid key pair are
 * refused. Returns SYM_OK, or SYM_EINVAL with a message naming the file
 * and what was expected in err. */
int sym_auth_load(const sym_auth_opts_t *opts, sym_auth_t *auth, char *err,
                  size_t err_size);

/* Secure sock as a CURVE server (is_bind) or client, and put bound
 * sockets under the process's ZAP handler, started on first use. Watches
 * the socket for refused handshakes. Returns SYM_OK or SYM_EIO. */
int sym_auth_apply(const sym_auth_t *auth, zsock_t *sock, bool is_bind,
                   char *err, size_t err_size);

/* True when sym_auth_apply watches sock for refused handshakes: libzmq
 * allows one monitor per socket, so nothing else may attach one. */
bool sym_auth_watches(zsock_t *sock);

/* Handshakes refused so far in this process (bad key, unknown client,
 * address not allowed, or a peer speaking another protocol). */
uint64_t sym_auth_refused(void);

/* Write a key pair as czmq certificate files: path (public) and
 * path_secret (mode 0600). Returns SYM_OK or SYM_EIO. */
int sym_auth_keygen(const char *path, const char *name, char *err,
                    size_t err_size);

#endif

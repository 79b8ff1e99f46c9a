/* sym_auth.c: CURVE keys, the ZAP allow-lists and refused handshakes.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_auth.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sym_err.h"
#include "sym_log.h"

#define S_NO_KEY "0000000000000000000000000000000000000000"
#define S_EVENTS                                                               \
    (ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |   \
     ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)

static zactor_t *s_zap;     /* czmq's ZAP handler, one per process */
static zactor_t *s_watcher; /* reads socket monitor events */
static atomic_uint_least64_t s_refused;
static atomic_uint s_watch_seq;

static int
s_check_mode(const char *path, mode_t loose, bool want_dir, char *err,
             size_t err_size)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, err_size, "%s: %s", path, strerror(errno));
        return SYM_EINVAL;
    }
    if (want_dir != S_ISDIR(st.st_mode)) {
        snprintf(err, err_size, "%s: expected a %s", path,
                 want_dir ? "folder" : "regular file");
        return SYM_EINVAL;
    }
    if (st.st_mode & loose) {
        snprintf(err, err_size,
                 "%s: mode %03o is too open: expected no %saccess for "
                 "group and others (chmod %s)",
                 path, (unsigned) (st.st_mode & 0777),
                 loose == 077 ? "" : "write ", loose == 077 ? "600" : "go-w");
        return SYM_EINVAL;
    }
    return SYM_OK;
}

static bool
s_is_z85_key(const char *text)
{
    uint8_t raw[32];
    return text != NULL && strlen(text) == 40 &&
           zmq_z85_decode(raw, text) != NULL;
}

/* The secret file czmq writes is "<cert>_secret"; accept either name. */
static int
s_load_pair(const char *path, sym_auth_t *auth, char *err, size_t err_size)
{
    char secret_path[SYM_AUTH_PATH_MAX];
    size_t len = strlen(path);
    const char *suffix = "_secret";
    bool is_secret = len > 7 && strcmp(path + len - 7, suffix) == 0;
    snprintf(secret_path, sizeof secret_path, "%s%s", path,
             is_secret ? "" : suffix);
    int rc = s_check_mode(secret_path, 077, false, err, err_size);
    if (rc != SYM_OK) {
        return rc;
    }
    zcert_t *cert = zcert_load(secret_path);
    const char *pub = cert ? zcert_public_txt(cert) : NULL;
    const char *sec = cert ? zcert_secret_txt(cert) : NULL;
    char derived[SYM_AUTH_KEY_TEXT] = "";
    if (!s_is_z85_key(pub) || !s_is_z85_key(sec) ||
        strcmp(sec, S_NO_KEY) == 0 || zmq_curve_public(derived, sec) != 0 ||
        strcmp(derived, pub) != 0) {
        snprintf(err, err_size,
                 "%s: expected a czmq secret certificate with matching "
                 "public-key and secret-key (make one with symphony-keygen)",
                 secret_path);
        rc = SYM_EINVAL;
    } else {
        snprintf(auth->public_key, sizeof auth->public_key, "%s", pub);
        snprintf(auth->secret_key, sizeof auth->secret_key, "%s", sec);
    }
    zcert_destroy(&cert);
    return rc;
}

static int
s_load_server_key(const char *text, sym_auth_t *auth, char *err,
                  size_t err_size)
{
    /* A path of 40 characters can be valid Z85 too ("/tmp/...cert"), so
     * a file that exists wins over reading the text as a key. */
    if (access(text, F_OK) != 0 && s_is_z85_key(text)) {
        snprintf(auth->server_key, sizeof auth->server_key, "%s", text);
        return SYM_OK;
    }
    int rc = s_check_mode(text, 022, false, err, err_size);
    if (rc != SYM_OK) {
        return rc;
    }
    zcert_t *cert = zcert_load(text);
    const char *pub = cert ? zcert_public_txt(cert) : NULL;
    if (!s_is_z85_key(pub) || strcmp(pub, S_NO_KEY) == 0) {
        snprintf(err, err_size,
                 "%s: expected a czmq certificate with a public-key, or a "
                 "40-character Z85 key",
                 text);
        rc = SYM_EINVAL;
    } else {
        snprintf(auth->server_key, sizeof auth->server_key, "%s", pub);
    }
    zcert_destroy(&cert);
    return rc;
}

static int
s_check_limits(const sym_auth_opts_t *opts, char *err, size_t err_size)
{
    const struct {
        const char *name;
        int64_t value, low, high;
    } rows[] = {
        {"max-msg-bytes", opts->max_msg_bytes, 64, INT32_MAX},
        {"max-fields", opts->max_fields, 1, 256},
        {"max-str-bytes", opts->max_str_bytes, 1, 16 * 1024 * 1024},
        {"max-depth", opts->max_depth, 1, 16},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (rows[i].value < rows[i].low || rows[i].value > rows[i].high) {
            snprintf(err, err_size,
                     "option '--%s': expected %lld to %lld, got %lld",
                     rows[i].name, (long long) rows[i].low,
                     (long long) rows[i].high, (long long) rows[i].value);
            return SYM_EINVAL;
        }
    }
    return SYM_OK;
}

static int
s_load_allow(const sym_auth_opts_t *opts, sym_auth_t *auth, char *err,
             size_t err_size)
{
    for (size_t i = 0; i < opts->allow_ip.count; i++) {
        size_t used = strlen(auth->allow_ip);
        snprintf(auth->allow_ip + used, sizeof auth->allow_ip - used, "%s%s",
                 used ? "," : "", opts->allow_ip.items[i]);
    }
    if (opts->curve_allow == NULL) {
        return SYM_OK;
    }
    if (strcmp(opts->curve_allow, "*") == 0) {
        auth->is_allow_any = true;
        return SYM_OK;
    }
    snprintf(auth->allow_dir, sizeof auth->allow_dir, "%s", opts->curve_allow);
    return s_check_mode(opts->curve_allow, 022, true, err, err_size);
}

int
sym_auth_load(const sym_auth_opts_t *opts, sym_auth_t *auth, char *err,
              size_t err_size)
{
    memset(auth, 0, sizeof *auth);
    /* A node that receives no records has no limit options. */
    int rc =
        opts->max_msg_bytes == 0 ? SYM_OK : s_check_limits(opts, err, err_size);
    if (rc == SYM_OK) {
        rc = s_load_allow(opts, auth, err, err_size);
    }
    if (rc != SYM_OK || opts->curve_secret == NULL) {
        if (rc == SYM_OK &&
            (opts->curve_server_key != NULL || opts->curve_allow != NULL)) {
            snprintf(err, err_size,
                     "options '--curve-server-key' and "
                     "'--curve-allow' need '--curve-secret'");
            rc = SYM_EINVAL;
        }
        return rc;
    }
    auth->is_curve = true;
    rc = s_load_pair(opts->curve_secret, auth, err, err_size);
    if (rc == SYM_OK && opts->curve_server_key != NULL) {
        rc = s_load_server_key(opts->curve_server_key, auth, err, err_size);
    }
    return rc;
}

static void
s_log_refused(const char *address, uint16_t event, uint64_t repeats)
{
    sym_log_warn("auth",
                 "handshake refused endpoint=%s reason=%s refused_total=%llu "
                 "repeats=%llu",
                 address ? address : "?",
                 event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH       ? "auth"
                 : event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL ? "protocol"
                                                                : "no-detail",
                 (unsigned long long) atomic_load(&s_refused),
                 (unsigned long long) repeats);
}

/* Monitor events come as [event:u16 value:u32][address]. */
static void
s_watch_event(zsock_t *monitor, sym_log_limit_t *limit, uint16_t *last)
{
    zmsg_t *msg = zmsg_recv(monitor);
    zframe_t *head = msg ? zmsg_first(msg) : NULL;
    if (head == NULL || zframe_size(head) < 6) {
        zmsg_destroy(&msg);
        return;
    }
    uint16_t event;
    memcpy(&event, zframe_data(head), sizeof event);
    char *address = zframe_strdup(zmsg_next(msg));
    if (event & S_EVENTS) {
        atomic_fetch_add(&s_refused, 1);
        *last = event;
        uint64_t repeats = 0;
        if (sym_log_limit_pass(limit, &repeats)) {
            s_log_refused(address, event, repeats);
        }
    }
    free(address);
    zmsg_destroy(&msg);
}

/* Refusals held back by the rate limit are told once it allows, so the
 * last ones of a burst are never lost from the log. */
static void
s_flush_refused(sym_log_limit_t *limit, uint16_t last)
{
    if (limit->suppressed == 0) {
        return;
    }
    limit->suppressed--; /* pass counts one more event */
    uint64_t repeats = 0;
    if (sym_log_limit_pass(limit, &repeats)) {
        s_log_refused(NULL, last, repeats);
    } else {
        limit->suppressed++;
    }
}

/* The watcher: connects to each socket monitor it is told of and counts
 * refused handshakes. It logs itself because nobody waits on it for a
 * return code; the log is rate-limited so a peer retrying a wrong key
 * cannot flood it. */
static void
s_watcher_actor(zsock_t *pipe, void *args)
{
    (void) args;
    zpoller_t *poller = zpoller_new(pipe, NULL);
    zlist_t *monitors = zlist_new();
    sym_log_limit_t limit = {.interval_ms = 1000};
    uint16_t last = 0;
    zsock_signal(pipe, 0);
    while (true) {
        zsock_t *which = zpoller_wait(poller, 500);
        if (which == pipe) {
            char *command = NULL;
            char *endpoint = NULL;
            zstr_recvx(pipe, &command, &endpoint, NULL);
            bool is_term = command == NULL || streq(command, "$TERM");
            zsock_t *monitor =
                is_term || endpoint == NULL ? NULL : zsock_new_pair(endpoint);
            if (monitor) {
                zpoller_add(poller, monitor);
                zlist_append(monitors, monitor);
            }
            zstr_free(&command);
            zstr_free(&endpoint);
            if (is_term) {
                break;
            }
        } else if (which != NULL) {
            s_watch_event(which, &limit, &last);
        } else if (zpoller_terminated(poller)) {
            break;
        } else {
            s_flush_refused(&limit, last);
        }
    }
    for (zsock_t *m = zlist_first(monitors); m; m = zlist_next(monitors)) {
        zsock_destroy(&m);
    }
    zlist_destroy(&monitors);
    zpoller_destroy(&poller);
}

static void
s_stop(void)
{
    zactor_destroy(&s_watcher);
    zactor_destroy(&s_zap);
}

/* One ZAP handler and one watcher per process, set up by the first
 * secured socket; every node in a process shares one auth. */
static int
s_start(const sym_auth_t *auth)
{
    if (s_watcher != NULL) {
        return SYM_OK;
    }
    zsys_init();
    s_watcher = zactor_new(s_watcher_actor, NULL);
    s_zap = zactor_new(zauth, NULL);
    if (s_watcher == NULL || s_zap == NULL) {
        s_stop();
        return SYM_EIO;
    }
    atexit(s_stop);
    if (auth->allow_ip[0] != '\0') {
        char *copy = strdup(auth->allow_ip);
        zmsg_t *msg = zmsg_new();
        zmsg_addstr(msg, "ALLOW");
        char *save = NULL;
        for (char *ip = strtok_r(copy, ",", &save); ip;
             ip = strtok_r(NULL, ",", &save)) {
            zmsg_addstr(msg, ip);
        }
        free(copy);
        zmsg_send(&msg, s_zap);
        zsock_wait(s_zap);
    }
    if (auth->is_curve && (auth->is_allow_any || auth->allow_dir[0] != '\0')) {
        zstr_sendx(s_zap, "CURVE",
                   auth->is_allow_any ? CURVE_ALLOW_ANY : auth->allow_dir,
                   NULL);
        zsock_wait(s_zap);
    }
    return SYM_OK;
}

/* Sockets whose one libzmq monitor this module holds. */
#define S_WATCHED_MAX 64
static void *s_watched[S_WATCHED_MAX];
static atomic_uint s_watched_count;

bool
sym_auth_watches(zsock_t *sock)
{
    void *handle = zsock_resolve(sock);
    unsigned count = atomic_load(&s_watched_count);
    for (unsigned i = 0; i < count && i < S_WATCHED_MAX; i++) {
        if (s_watched[i] == handle) {
            return true;
        }
    }
    return false;
}

static int
s_watch(zsock_t *sock)
{
    unsigned slot = atomic_load(&s_watched_count);
    if (slot < S_WATCHED_MAX) {
        s_watched[slot] = zsock_resolve(sock);
        atomic_store(&s_watched_count, slot + 1);
    }
    char endpoint[64];
    snprintf(endpoint, sizeof endpoint, "inproc://sym-auth-monitor-%u",
             atomic_fetch_add(&s_watch_seq, 1));
    if (zmq_socket_monitor(zsock_resolve(sock), endpoint, S_EVENTS) != 0) {
        return SYM_EIO;
    }
    zstr_sendx(s_watcher, "WATCH", endpoint, NULL);
    return SYM_OK;
}

static int
s_set_curve(const sym_auth_t *auth, zsock_t *sock, bool is_bind, char *err,
            size_t err_size)
{
    if (is_bind && auth->allow_dir[0] == '\0' && !auth->is_allow_any) {
        snprintf(err, err_size,
                 "a bound socket with '--curve-secret' needs "
                 "'--curve-allow' (a folder, or '*')");
        return SYM_EINVAL;
    }
    if (!is_bind && auth->server_key[0] == '\0') {
        snprintf(err, err_size,
                 "a connecting socket with '--curve-secret' "
                 "needs '--curve-server-key'");
        return SYM_EINVAL;
    }
    zsock_set_curve_publickey(sock, auth->public_key);
    zsock_set_curve_secretkey(sock, auth->secret_key);
    if (is_bind) {
        zsock_set_curve_server(sock, 1);
    } else {
        zsock_set_curve_serverkey(sock, auth->server_key);
    }
    return SYM_OK;
}

int
sym_auth_apply(const sym_auth_t *auth, zsock_t *sock, bool is_bind, char *err,
               size_t err_size)
{
    bool has_zap = is_bind && (auth->is_curve || auth->allow_ip[0] != '\0');
    if (!auth->is_curve && !has_zap) {
        return SYM_OK;
    }
    if (s_start(auth) != SYM_OK) {
        snprintf(err, err_size, "cannot start the ZAP handler");
        return SYM_EIO;
    }
    if (auth->is_curve) {
        int rc = s_set_curve(auth, sock, is_bind, err, err_size);
        if (rc != SYM_OK) {
            return rc;
        }
    }
    if (has_zap) {
        zsock_set_zap_domain(sock, "symphony");
    }
    if (s_watch(sock) != SYM_OK) {
        snprintf(err, err_size, "cannot monitor the socket: %s",
                 zmq_strerror(zmq_errno()));
        return SYM_EIO;
    }
    return SYM_OK;
}

uint64_t
sym_auth_refused(void)
{
    return atomic_load(&s_refused);
}

int
sym_auth_keygen(const char *path, const char *name, char *err, size_t err_size)
{
    char secret_path[SYM_AUTH_PATH_MAX];
    snprintf(secret_path, sizeof secret_path, "%s_secret", path);
    struct stat st;
    if (stat(path, &st) == 0 || stat(secret_path, &st) == 0) {
        snprintf(err, err_size, "%s: exists; not overwriting a key", path);
        return SYM_EIO;
    }
    zcert_t *cert = zcert_new();
    if (cert == NULL) {
        snprintf(err, err_size, "cannot make a key pair");
        return SYM_EIO;
    }
    zcert_set_meta(cert, "name", "%s", name);
    zcert_set_meta(cert, "created-by", "symphony-keygen");
    /* The secret file is never readable by others, not even briefly. */
    mode_t old = umask(077);
    int rc = zcert_save(cert, path);
    umask(old);
    zcert_destroy(&cert);
    if (rc != 0 || chmod(path, 0644) != 0 || chmod(secret_path, 0600) != 0) {
        snprintf(err, err_size, "%s: cannot write: %s", path, strerror(errno));
        return SYM_EIO;
    }
    return SYM_OK;
}

/* sym_sig.c: SIGINT and SIGTERM ask a node to stop in order.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_sig.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>

#include <czmq.h>

#include "sym_err.h"

static volatile sig_atomic_t s_stop_requested = 0;
static pthread_t s_main_thread; /* the thread that runs the node */

/* The kernel may run the handler on any thread that does not block the
 * signal, such as a czmq actor's; the main thread must see it too, or a
 * blocking send there would never return EINTR. */
static void
s_on_signal(int signo)
{
    s_stop_requested = 1;
    if (!pthread_equal(pthread_self(), s_main_thread)) {
        pthread_kill(s_main_thread, signo);
    }
}

int
sym_sig_install(void)
{
    /* czmq installs its own handler on first use unless told not to. */
    zsys_handler_set(NULL);
    s_main_thread = pthread_self();

    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = s_on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; /* no SA_RESTART: blocking calls return EINTR */
    if (sigaction(SIGINT, &action, NULL) != 0 ||
        sigaction(SIGTERM, &action, NULL) != 0) {
        return SYM_EIO;
    }
    signal(SIGPIPE, SIG_IGN);
    return SYM_OK;
}

bool
sym_sig_stopping(void)
{
    return s_stop_requested != 0;
}

void
sym_sig_request_stop(void)
{
    s_stop_requested = 1;
}

void
sym_sig_reset(void)
{
    s_stop_requested = 0;
}

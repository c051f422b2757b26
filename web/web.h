/*
 * web: the libmicrohttpd server, the JSON API under /api/v1, sessions and
 * roles, the panel's static files compiled into the binary and the public
 * listener page.  This is the module's one public header.
 *
 * Threads: libmicrohttpd's internal thread pool.  The server has its own
 * SQLite connection per thread; it never touches audio.  It reads the
 * engine's snapshots and sends it commands through the playout_* thread-safe
 * calls.
 */
#ifndef SIARAN_WEB_H
#define SIARAN_WEB_H

#include "common/common.h"
#include "encoder/encoder.h"
#include "playout/playout.h"

struct archive;
struct input_live;

struct web;
struct alerts;
struct scheduler;

/* What the server may look at.  All pointers are borrowed and must outlive
 * the server. playout may be NULL (then now-playing is empty). */
struct web_context {
        const struct config *config;
        struct playout *playout;
        struct sink **sinks; /* the Icecast outputs, for status */
        size_t n_sinks;
        struct alerts *alerts;   /* emergency alerts; may be NULL (no alert routes) */
        struct archive *archive; /* NULL when the station keeps no archive */
        struct input_live *live; /* presenters' input; NULL when there is none */
        /* the engine's source: its published timeline state (may be NULL) */
        struct scheduler *scheduler;
};

/* Starts listening on config->web_listen.  NULL with a reason in err. */
struct web *web_start(const struct web_context *context, char *err, size_t err_size);

/* Stops the server and frees it. web_stop(NULL) is a no-op. */
void web_stop(struct web *web);

/* Creates a panel account in config's database (for `siaran user add`):
 * name of 1-64 letters, digits or . _ - @; role admin, operator or staff;
 * password of at least 8 characters, stored as an argon2id hash.  Returns 0,
 * -2 on bad input or -1 on another failure (a taken name, the database), with
 * a one-line reason in err.  Any thread. */
int web_user_add(const struct config *config, const char *name, const char *role,
                 const char *password, char *err, size_t err_size);

/* Changes the account named name (for `siaran user passwd|disable|enable`):
 * disabled 1 or 0 (or -1: unchanged), a new password when not NULL (at least
 * 8 characters).  Disabling or a new password ends the user's sessions.
 * Returns 0, -2 on bad input or an unknown name, -1 on another failure, with
 * a one-line reason in err.  Any thread. */
int web_user_set(const struct config *config, const char *name, int disabled,
                 const char *password, char *err, size_t err_size);

/* Checks a panel account's login for another door than the panel (the live
 * input): the same argon2id check and the same throttling per client and
 * account as the panel's login (a throttled attempt is refused).  Returns
 * 1 with the role name in role, 0 for a wrong or throttled login, -1 on a
 * database failure.  Any thread; opens config's database for the call. */
int web_account_check(const struct config *config, const char *name, const char *password,
                      const char *address, char *role, size_t role_size);

#endif

/* Accounts and sessions: argon2id password hashes, session cookies whose
 * value is never stored (only its hash), CSRF tokens and login throttling. */
#define LOG_MODULE "web"
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scheduler/scheduler.h"
#include "web/web_private.h"

#define COOKIE_NAME "siaran_session"
#define PASSWORD_MIN 8 /* bytes */
/* Per client (the real one, behind a trusted proxy): failures allowed within
 * the window; the next attempt waits until the window has passed. */
#define CLIENT_WINDOW 300 /* seconds */
#define CLIENT_FAILURES 5
/* Per account: failures (in the same window) before each attempt waits 1 s,
 * then 2, 4, ... at most ACCOUNT_DELAY_MAX seconds after the latest one. */
#define ACCOUNT_FREE_FAILURES 5
#define ACCOUNT_DELAY_MAX 30

static void to_hex(const unsigned char *bytes, size_t n, char *hex)
{
        sodium_bin2hex(hex, n * 2 + 1, bytes, n);
}

static void hash_token(const char *token, char out[65])
{
        unsigned char digest[32];
        crypto_generichash(digest, sizeof digest, (const unsigned char *)token,
                           strlen(token), NULL, 0);
        to_hex(digest, sizeof digest, out);
}

static bool valid_user_name(const char *name)
{
        size_t len = strlen(name);
        if (len == 0 || len > 64)
                return false;
        for (size_t i = 0; i < len; i++) {
                char c = name[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
                      c == '@'))
                        return false;
        }
        return true;
}

/* Inserts a user.  Returns the id, -1 when hashing failed, -2 on bad input,
 * -3 when the name is taken (reason in err for each), -4 on a database error
 * (SQLite's error stays on db). */
static int64_t insert_user(sqlite3 *db, const char *name, const char *role,
                           const char *password, char *err, size_t err_size)
{
        char hash[crypto_pwhash_STRBYTES];
        sqlite3_stmt *stmt = NULL;
        int64_t rc = -1;
        if (!name || !valid_user_name(name)) {
                snprintf(err, err_size,
                         "the user name must be 1-64 letters, digits or . _ - @");
                return -2;
        }
        if (!web_role_parse(role)) {
                snprintf(err, err_size, "the role must be admin, operator or staff");
                return -2;
        }
        if (!password || strlen(password) < PASSWORD_MIN) {
                snprintf(err, err_size, "the password must have at least %d characters",
                         PASSWORD_MIN);
                return -2;
        }
        if (crypto_pwhash_str(hash, password, strlen(password),
                              crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
                snprintf(err, err_size, "out of memory while hashing the password");
                return -1;
        }
        if (sqlite3_prepare_v2(
                db,
                "INSERT INTO users (name, role, password_hash, created_at) "
                "VALUES (?1, ?2, ?3, ?4)",
                -1, &stmt, NULL) != SQLITE_OK)
                goto db_error;
        sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, role, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 3, hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 4, time_now_ms() / 1000);
        int step = sqlite3_step(stmt);
        if (step == SQLITE_CONSTRAINT) {
                snprintf(err, err_size, "a user named %s already exists", name);
                rc = -3;
                goto out;
        }
        if (step != SQLITE_DONE)
                goto db_error;
        rc = sqlite3_last_insert_rowid(db);
        log_info("user %s (%s) created", name, role);
        goto out;
db_error:
        snprintf(err, err_size, "database: %s", sqlite3_errmsg(db));
        rc = -4;
out:
        sqlite3_finalize(stmt);
        sodium_memzero(hash, sizeof hash);
        return rc;
}

/* Ends the user's sessions, all but the one whose token hash is keep (may be
 * NULL).  Returns how many, or -1. */
static int end_sessions(sqlite3 *db, int64_t user_id, const char *keep)
{
        sqlite3_stmt *stmt = NULL;
        int n = -1;
        if (sqlite3_prepare_v2(db,
                               "DELETE FROM sessions WHERE user_id = ?1 AND "
                               "token_hash != coalesce(?2, '')",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(stmt, 1, user_id);
        if (keep)
                sqlite3_bind_text(stmt, 2, keep, -1, SQLITE_STATIC);
        if (sqlite3_step(stmt) == SQLITE_DONE)
                n = sqlite3_changes(db);
out:
        sqlite3_finalize(stmt);
        return n;
}

/* Changes an account: disabled (when disabled >= 0) and the password (when
 * not NULL).  Either ends the user's sessions, all but keep (the caller's own;
 * may be NULL).  Returns 0, -2 on bad input, -3 when there is no such user
 * (reason in err), or -4 on a database error (on db). */
static int update_user(sqlite3 *db, int64_t id, int disabled, const char *password,
                       const char *keep, char *err, size_t err_size)
{
        char hash[crypto_pwhash_STRBYTES] = "";
        sqlite3_stmt *stmt = NULL;
        int rc = -4;
        if (password && strlen(password) < PASSWORD_MIN) {
                snprintf(err, err_size, "the password must have at least %d characters",
                         PASSWORD_MIN);
                return -2;
        }
        if (password && crypto_pwhash_str(hash, password, strlen(password),
                                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
                snprintf(err, err_size, "out of memory while hashing the password");
                return -2;
        }
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
                goto out;
        if (sqlite3_prepare_v2(
                db,
                "UPDATE users SET disabled = coalesce(?2, disabled), "
                "password_hash = coalesce(?3, password_hash) WHERE id = ?1",
                -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(stmt, 1, id);
        if (disabled >= 0)
                sqlite3_bind_int(stmt, 2, disabled);
        if (password)
                sqlite3_bind_text(stmt, 3, hash, -1, SQLITE_STATIC);
        if (sqlite3_step(stmt) != SQLITE_DONE)
                goto out;
        if (sqlite3_changes(db) == 0) {
                snprintf(err, err_size, "no user %lld", (long long)id);
                rc = -3;
                goto out;
        }
        if ((disabled == 1 || password) && end_sessions(db, id, keep) < 0)
                goto out;
        if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
                goto out;
        rc = 0;
out:
        sqlite3_finalize(stmt);
        if (rc != 0)
                sched_db_rollback(db);
        sodium_memzero(hash, sizeof hash);
        return rc;
}

static int64_t find_user(sqlite3 *db, const char *name)
{
        sqlite3_stmt *stmt = NULL;
        int64_t id = 0;
        if (sqlite3_prepare_v2(db, "SELECT id FROM users WHERE name = ?1", -1, &stmt,
                               NULL) != SQLITE_OK)
                return -1;
        sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
        int step = sqlite3_step(stmt);
        if (step == SQLITE_ROW)
                id = sqlite3_column_int64(stmt, 0);
        else if (step != SQLITE_DONE)
                id = -1;
        sqlite3_finalize(stmt);
        return id;
}

int web_user_set(const struct config *config, const char *name, int disabled,
                 const char *password, char *err, size_t err_size)
{
        int rc = -1;
        if (sodium_init() < 0) {
                snprintf(err, err_size, "libsodium failed to initialise");
                return -1;
        }
        sqlite3 *db = sched_db_open(config->database, err, err_size);
        if (!db)
                return -1;
        int64_t id = find_user(db, name);
        if (id == 0) {
                snprintf(err, err_size, "no user named %s", name);
                rc = -2;
        } else if (id > 0) {
                rc = update_user(db, id, disabled, password, NULL, err, err_size);
                if (rc == -4)
                        snprintf(err, err_size, "database: %s", sqlite3_errmsg(db));
                rc = rc == 0 ? 0 : rc == -2 || rc == -3 ? -2 : -1;
                if (rc == 0)
                        log_info("user %s: %s", name,
                                 password   ? "password changed, sessions ended"
                                 : disabled ? "disabled, sessions ended"
                                            : "enabled");
        } else {
                snprintf(err, err_size, "database: %s", sqlite3_errmsg(db));
        }
        sqlite3_close_v2(db);
        return rc;
}

int web_user_add(const struct config *config, const char *name, const char *role,
                 const char *password, char *err, size_t err_size)
{
        if (sodium_init() < 0) {
                snprintf(err, err_size, "libsodium failed to initialise");
                return -1;
        }
        sqlite3 *db = sched_db_open(config->database, err, err_size);
        if (!db)
                return -1;
        int64_t id = insert_user(db, name, role, password, err, err_size);
        sqlite3_close_v2(db);
        if (id == -2)
                return -2;
        return id > 0 ? 0 : -1;
}

int web_session_lookup(struct web_request *r, struct web_session *session)
{
        const char *token =
            MHD_lookup_connection_value(r->connection, MHD_COOKIE_KIND, COOKIE_NAME);
        sqlite3_stmt *stmt = NULL;
        int rc = 0;
        memset(session, 0, sizeof *session);
        if (!token || strlen(token) != 64)
                return 0;
        char token_hash[65];
        hash_token(token, token_hash);
        if (sqlite3_prepare_v2(
                r->db,
                "SELECT u.id, u.name, u.role, s.csrf_token FROM sessions s "
                "JOIN users u ON u.id = s.user_id "
                "WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0",
                -1, &stmt, NULL) != SQLITE_OK) {
                log_error("session lookup: %s", sqlite3_errmsg(r->db));
                return -1;
        }
        sqlite3_bind_text(stmt, 1, token_hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 2, time_now_ms() / 1000);
        int step = sqlite3_step(stmt);
        if (step == SQLITE_ROW) {
                session->user_id = sqlite3_column_int64(stmt, 0);
                snprintf(session->user, sizeof session->user, "%s",
                         (const char *)sqlite3_column_text(stmt, 1));
                session->role =
                    web_role_parse((const char *)sqlite3_column_text(stmt, 2));
                snprintf(session->csrf, sizeof session->csrf, "%s",
                         (const char *)sqlite3_column_text(stmt, 3));
                memcpy(session->token_hash, token_hash, sizeof token_hash);
                rc = 1;
        } else if (step != SQLITE_DONE) {
                log_error("session lookup: %s", sqlite3_errmsg(r->db));
                rc = -1;
        }
        sqlite3_finalize(stmt);
        return rc;
}

/* Failures of key since since, and the time of the latest (0 when none). */
static int count_failures(sqlite3 *db, const char *key, int64_t since, int64_t *latest)
{
        sqlite3_stmt *stmt = NULL;
        int n = -1;
        if (sqlite3_prepare_v2(
                db,
                "SELECT count(*), coalesce(max(at), 0) FROM login_failures "
                "WHERE key = ?1 AND at > ?2",
                -1, &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
                sqlite3_bind_int64(stmt, 2, since);
                if (sqlite3_step(stmt) == SQLITE_ROW) {
                        n = sqlite3_column_int(stmt, 0);
                        *latest = sqlite3_column_int64(stmt, 1);
                }
        }
        sqlite3_finalize(stmt);
        return n;
}

/* Returns the new row's id, or -1. */
static int64_t record_failure(sqlite3 *db, const char *key, int64_t now)
{
        sqlite3_stmt *stmt = NULL;
        int64_t id = -1;
        if (sqlite3_prepare_v2(db, "INSERT INTO login_failures (key, at) VALUES (?1, ?2)",
                               -1, &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
                sqlite3_bind_int64(stmt, 2, now);
                if (sqlite3_step(stmt) == SQLITE_DONE)
                        id = sqlite3_last_insert_rowid(db);
        }
        sqlite3_finalize(stmt);
        return id;
}

/* Deletes every failure of key, or (key NULL) the one row rowid. */
static void delete_failures(sqlite3 *db, const char *key, int64_t rowid)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(db,
                               key ? "DELETE FROM login_failures WHERE key = ?1"
                                   : "DELETE FROM login_failures WHERE rowid = ?2",
                               -1, &stmt, NULL) == SQLITE_OK) {
                if (key)
                        sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
                sqlite3_bind_int64(stmt, 2, rowid);
                sqlite3_step(stmt);
        }
        sqlite3_finalize(stmt);
}

static void delete_failures_before(sqlite3 *db, int64_t before)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(db, "DELETE FROM login_failures WHERE at <= ?1", -1, &stmt,
                               NULL) == SQLITE_OK) {
                sqlite3_bind_int64(stmt, 1, before);
                sqlite3_step(stmt);
        }
        sqlite3_finalize(stmt);
}

/* How long an account waits after its failures: nothing for the first few,
 * then a delay that doubles with each failure up to a short cap.  An attacker
 * who guesses at an account can slow its owner down by that much, never
 * lock them out. */
static int64_t account_delay(int failures)
{
        if (failures < ACCOUNT_FREE_FAILURES)
                return 0;
        int doublings = failures - ACCOUNT_FREE_FAILURES;
        int64_t delay = (int64_t)1 << (doublings > 5 ? 5 : doublings);
        return delay < ACCOUNT_DELAY_MAX ? delay : ACCOUNT_DELAY_MAX;
}

/* Takes one login attempt for the client and the account, in one write
 * transaction so that parallel attempts are counted one after another: the
 * attempt is recorded as a failure up front (forgotten again when the password
 * is right).  Returns 0 (go on; the rows' ids in *client_row, *account_row),
 * a positive number of seconds to wait (429), or -1 (database). */
static int64_t take_attempt(sqlite3 *db, const char *client_key, const char *account_key,
                            int64_t now, int64_t *client_row, int64_t *account_row)
{
        int64_t client_latest = 0, account_latest = 0, wait = 0;
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
                return -1;
        /* failures older than the window count for nothing: forget them */
        delete_failures_before(db, now - CLIENT_WINDOW);
        int by_client =
            count_failures(db, client_key, now - CLIENT_WINDOW, &client_latest);
        int by_account =
            count_failures(db, account_key, now - CLIENT_WINDOW, &account_latest);
        if (by_client < 0 || by_account < 0)
                goto fail;
        if (by_client >= CLIENT_FAILURES)
                wait = client_latest + CLIENT_WINDOW - now;
        else if (now < account_latest + account_delay(by_account))
                wait = account_latest + account_delay(by_account) - now;
        if (wait > 0) {
                sched_db_rollback(db);
                return wait;
        }
        *client_row = record_failure(db, client_key, now);
        *account_row = record_failure(db, account_key, now);
        if (*client_row < 0 || *account_row < 0 ||
            sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
                goto fail;
        return 0;
fail:
        sched_db_rollback(db);
        return -1;
}

/* "; Secure" when the station says so, or a trusted proxy says the browser
 * came over https. */
static const char *cookie_secure(const struct web_request *r)
{
        if (r->web->ctx.config->secure_cookies)
                return "; Secure";
        const char *proto = MHD_lookup_connection_value(r->connection, MHD_HEADER_KIND,
                                                        "X-Forwarded-Proto");
        if (proto && strcasecmp(proto, "https") == 0 && web_from_trusted_proxy(r))
                return "; Secure";
        return "";
}

/* A hash that verifies nothing, so that an unknown name costs as much time as
 * a known one and does not reveal which names exist. */
static char dummy[crypto_pwhash_STRBYTES];
static void make_dummy(void)
{
        unsigned char random[16];
        char text[33];
        randombytes_buf(random, sizeof random);
        to_hex(random, sizeof random, text);
        if (crypto_pwhash_str(dummy, text, strlen(text),
                              crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
                dummy[0] = '\0';
}

/* The id and role of the enabled account name when password is its own
 * (argon2id).  An unknown name costs as much time as a known one.  Returns
 * 1, 0 (no such account or a wrong password) or -1 (database). */
static int verify_account(sqlite3 *db, const char *name, const char *password,
                          int64_t *user_id, char *role, size_t role_size)
{
        static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
        sqlite3_stmt *stmt = NULL;
        int verified = 0;
        if (sqlite3_prepare_v2(db,
                               "SELECT id, role, password_hash FROM users "
                               "WHERE name = ?1 AND disabled = 0",
                               -1, &stmt, NULL) != SQLITE_OK)
                return -1;
        sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
        int step = sqlite3_step(stmt);
        if (step == SQLITE_ROW) {
                *user_id = sqlite3_column_int64(stmt, 0);
                snprintf(role, role_size, "%s",
                         (const char *)sqlite3_column_text(stmt, 1));
                verified =
                    crypto_pwhash_str_verify((const char *)sqlite3_column_text(stmt, 2),
                                             password, strlen(password)) == 0;
        } else if (step == SQLITE_DONE) {
                pthread_once(&dummy_once, make_dummy);
                int ignored = crypto_pwhash_str_verify(dummy, password, strlen(password));
                (void)ignored;
        } else {
                verified = -1;
        }
        sqlite3_finalize(stmt);
        return verified;
}

int web_account_check(const struct config *config, const char *name, const char *password,
                      const char *address, char *role, size_t role_size)
{
        char err[256], user_key[200], address_key[100];
        if (!name || !*name || !password || sodium_init() < 0)
                return name && *name && password ? -1 : 0;
        sqlite3 *db = sched_db_open(config->database, err, sizeof err);
        if (!db) {
                log_error("login check: %s", err);
                return -1;
        }
        snprintf(user_key, sizeof user_key, "user:%.128s", name);
        snprintf(address_key, sizeof address_key, "addr:%s", address);
        int64_t client_row = 0, account_row = 0, user_id = 0;
        int64_t wait = take_attempt(db, address_key, user_key, time_now_ms() / 1000,
                                    &client_row, &account_row);
        int rc = wait < 0 ? -1 : 0;
        if (wait > 0)
                log_warn("login throttled for %s from %s (%lld s)", name, address,
                         (long long)wait);
        if (wait == 0)
                rc = verify_account(db, name, password, &user_id, role, role_size);
        if (rc == 1) {
                delete_failures(db, user_key, 0);
                delete_failures(db, NULL, client_row);
        }
        sqlite3_close_v2(db);
        return rc;
}

void web_handle_login(struct web_request *r)
{
        const char *name = json_string_value(json_object_get(r->json, "username"));
        const char *password = json_string_value(json_object_get(r->json, "password"));
        sqlite3_stmt *stmt = NULL;
        char address[64], user_key[200], address_key[100];
        int64_t now = time_now_ms() / 1000;
        int64_t user_id = 0;
        char role[16] = "";

        if (!name || !password || !*name) {
                web_respond_error(r, 400, "field_required",
                                  "username and password are required");
                return;
        }
        web_client_address(r, address, sizeof address);
        snprintf(user_key, sizeof user_key, "user:%.128s", name);
        snprintf(address_key, sizeof address_key, "addr:%s", address);
        int64_t client_row = 0, account_row = 0;
        int64_t wait =
            take_attempt(r->db, address_key, user_key, now, &client_row, &account_row);
        if (wait < 0) {
                web_respond_db_error(r);
                return;
        }
        if (wait > 0) {
                char seconds[24];
                log_warn("login throttled for %s from %s (%lld s)", name, address,
                         (long long)wait);
                web_respond_error(r, 429, "rate_limited",
                                  "too many failed logins; try again in %lld seconds",
                                  (long long)wait);
                snprintf(seconds, sizeof seconds, "%lld", (long long)wait);
                MHD_add_response_header(r->response, "Retry-After", seconds);
                return;
        }

        int verified = verify_account(r->db, name, password, &user_id, role, sizeof role);
        if (verified < 0) {
                web_respond_db_error(r);
                return;
        }
        if (verified != 1) {
                /* the failure is already on record (take_attempt) */
                log_warn("failed login for %s from %s", name, address);
                web_respond_error(r, 401, "login_failed", "wrong user name or password");
                return;
        }

        unsigned char random[32];
        char token[65], token_hash[65], csrf[65];
        randombytes_buf(random, sizeof random);
        to_hex(random, sizeof random, token);
        randombytes_buf(random, sizeof random);
        to_hex(random, sizeof random, csrf);
        sodium_memzero(random, sizeof random);
        hash_token(token, token_hash);
        int64_t expires = now + (int64_t)r->web->ctx.config->session_hours * 3600;

        sqlite3_exec(r->db,
                     "DELETE FROM sessions WHERE expires_at <= strftime('%s','now')",
                     NULL, NULL, NULL);
        if (sqlite3_prepare_v2(r->db,
                               "INSERT INTO sessions (token_hash, user_id, csrf_token, "
                               "created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                               -1, &stmt, NULL) != SQLITE_OK) {
                web_respond_db_error(r);
                return;
        }
        sqlite3_bind_text(stmt, 1, token_hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 2, user_id);
        sqlite3_bind_text(stmt, 3, csrf, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 4, now);
        sqlite3_bind_int64(stmt, 5, expires);
        int step = sqlite3_step(stmt);
        sqlite3_finalize(stmt);
        if (step != SQLITE_DONE) {
                web_respond_db_error(r);
                return;
        }
        delete_failures(r->db, user_key, 0);
        delete_failures(r->db, NULL, client_row);
        log_info("user %s (%s) logged in from %s", name, role, address);

        char cookie[256];
        snprintf(cookie, sizeof cookie,
                 COOKIE_NAME "=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%lld%s",
                 token, (long long)(expires - now), cookie_secure(r));
        web_respond_json(
            r, 200,
            json_pack("{ss ss ss}", "csrf_token", csrf, "role", role, "user", name));
        MHD_add_response_header(r->response, "Set-Cookie", cookie);
        sodium_memzero(token, sizeof token);
}

void web_handle_logout(struct web_request *r)
{
        sqlite3_stmt *stmt = NULL;
        int step = SQLITE_ERROR;
        if (sqlite3_prepare_v2(r->db, "DELETE FROM sessions WHERE token_hash = ?1", -1,
                               &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_text(stmt, 1, r->session.token_hash, -1, SQLITE_STATIC);
                step = sqlite3_step(stmt);
        }
        if (step != SQLITE_DONE) {
                sqlite3_finalize(stmt);
                web_respond_db_error(r);
                return;
        }
        sqlite3_finalize(stmt);
        log_info("user %s logged out", r->session.user);
        web_respond_json(r, 200, json_pack("{sb}", "logged_out", 1));
        char cookie[128];
        snprintf(cookie, sizeof cookie,
                 COOKIE_NAME "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0%s",
                 cookie_secure(r));
        MHD_add_response_header(r->response, "Set-Cookie", cookie);
}

/* The CSRF token is handed out again so a reloaded page can act; another
 * site cannot read it (no CORS). */
void web_handle_whoami(struct web_request *r)
{
        web_respond_json(r, 200,
                         json_pack("{ss ss ss}", "user", r->session.user, "role",
                                   web_role_name(r->session.role), "csrf_token",
                                   r->session.csrf));
}

void web_handle_users_list(struct web_request *r)
{
        sqlite3_stmt *stmt = NULL;
        json_t *list = json_array();
        if (sqlite3_prepare_v2(
                r->db,
                "SELECT id, name, role, disabled, created_at FROM users ORDER BY name",
                -1, &stmt, NULL) != SQLITE_OK) {
                json_decref(list);
                web_respond_db_error(r);
                return;
        }
        while (sqlite3_step(stmt) == SQLITE_ROW) {
                char when[64];
                time_format_iso(sqlite3_column_int64(stmt, 4) * 1000, when, sizeof when);
                json_array_append_new(
                    list,
                    json_pack("{sI ss ss sb ss}", "id",
                              (json_int_t)sqlite3_column_int64(stmt, 0), "name",
                              (const char *)sqlite3_column_text(stmt, 1), "role",
                              (const char *)sqlite3_column_text(stmt, 2), "disabled",
                              sqlite3_column_int(stmt, 3), "created_at", when));
        }
        sqlite3_finalize(stmt);
        web_respond_json(r, 200, json_pack("{so}", "users", list));
}

void web_handle_users_add(struct web_request *r)
{
        char err[256];
        const char *name = json_string_value(json_object_get(r->json, "name"));
        const char *role = json_string_value(json_object_get(r->json, "role"));
        const char *password = json_string_value(json_object_get(r->json, "password"));
        if (password && strlen(password) < PASSWORD_MIN) {
                web_respond_error(r, 400, "password_short",
                                  "the password must have at least %d characters",
                                  PASSWORD_MIN);
                return;
        }
        int64_t id = insert_user(r->db, name, role, password, err, sizeof err);
        if (id == -2) {
                web_respond_error(r, 400, "field_invalid", "%s", err);
                return;
        }
        if (id == -3) {
                web_respond_error(r, 409, "user_exists", "%s", err);
                return;
        }
        if (id == -4) {
                web_respond_db_error(r);
                return;
        }
        if (id < 0) {
                web_respond_error(r, 500, "internal_error", "%s", err);
                return;
        }
        web_respond_json(
            r, 201,
            json_pack("{sI ss ss}", "id", (json_int_t)id, "name", name, "role", role));
}

/* PATCH /api/v1/users/{id} {"disabled": bool, "password": "..."} */
void web_handle_users_update(struct web_request *r)
{
        char err[256];
        json_t *disabled_v = json_object_get(r->json, "disabled");
        json_t *password_v = json_object_get(r->json, "password");
        const char *key;
        json_t *value;
        json_object_foreach(r->json, key, value)
        {
                if (strcmp(key, "disabled") != 0 && strcmp(key, "password") != 0) {
                        web_respond_error(r, 400, "field_invalid",
                                          "unknown field '%.40s'", key);
                        return;
                }
        }
        if ((disabled_v && !json_is_boolean(disabled_v)) ||
            (password_v && !json_is_string(password_v)) || (!disabled_v && !password_v)) {
                web_respond_error(r, 400, "field_invalid",
                                  "give disabled (true or false) and/or password (text)");
                return;
        }
        int disabled = disabled_v ? json_is_true(disabled_v) : -1;
        if (disabled == 1 && r->ids[0] == r->session.user_id) {
                web_respond_error(r, 409, "own_account",
                                  "you cannot disable your own account");
                return;
        }
        const char *password = json_string_value(password_v);
        if (password && strlen(password) < PASSWORD_MIN) {
                web_respond_error(r, 400, "password_short",
                                  "the password must have at least %d characters",
                                  PASSWORD_MIN);
                return;
        }
        int rc = update_user(r->db, r->ids[0], disabled, password, r->session.token_hash,
                             err, sizeof err);
        if (rc == -2) {
                web_respond_error(r, 400, "field_invalid", "%s", err);
                return;
        }
        if (rc == -3) {
                web_respond_error(r, 404, "not_found", "%s", err);
                return;
        }
        if (rc < 0) {
                web_respond_db_error(r);
                return;
        }
        log_info("user %lld changed by %s%s%s", (long long)r->ids[0], r->session.user,
                 disabled == 1   ? ": disabled"
                 : disabled == 0 ? ": enabled"
                                 : "",
                 password_v ? ": new password" : "");
        web_respond_json(r, 200,
                         json_pack("{sI sb}", "id", (json_int_t)r->ids[0], "updated", 1));
}

/* DELETE /api/v1/users/{id}/sessions: logs the user out everywhere. */
void web_handle_users_end_sessions(struct web_request *r)
{
        int n = end_sessions(r->db, r->ids[0], NULL);
        if (n < 0) {
                web_respond_db_error(r);
                return;
        }
        log_info("user %lld: %d sessions ended by %s", (long long)r->ids[0], n,
                 r->session.user);
        web_respond_json(r, 200,
                         json_pack("{sI si}", "id", (json_int_t)r->ids[0], "ended", n));
}

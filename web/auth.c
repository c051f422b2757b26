/* Accounts and sessions: argon2id password hashes, session cookies whose
 * value is never stored (only its hash), CSRF tokens and login throttling. */
#define LOG_MODULE "web"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "scheduler/scheduler.h"
#include "web/web_private.h"

#define COOKIE_NAME "siaran_session"
#define THROTTLE_WINDOW 300 /* seconds */
#define THROTTLE_FAILURES 5 /* allowed within the window; the next is refused */

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
        if (!password || strlen(password) < 8) {
                snprintf(err, err_size, "the password must have at least 8 characters");
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

static int count_failures(sqlite3 *db, const char *key, int64_t since)
{
        sqlite3_stmt *stmt = NULL;
        int n = -1;
        if (sqlite3_prepare_v2(
                db, "SELECT count(*) FROM login_failures WHERE key = ?1 AND at > ?2", -1,
                &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
                sqlite3_bind_int64(stmt, 2, since);
                if (sqlite3_step(stmt) == SQLITE_ROW)
                        n = sqlite3_column_int(stmt, 0);
        }
        sqlite3_finalize(stmt);
        return n;
}

static void record_failure(sqlite3 *db, const char *key, int64_t now)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(db, "INSERT INTO login_failures (key, at) VALUES (?1, ?2)",
                               -1, &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
                sqlite3_bind_int64(stmt, 2, now);
                sqlite3_step(stmt);
        }
        sqlite3_finalize(stmt);
}

static void delete_failures(sqlite3 *db, const char *key)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(db, "DELETE FROM login_failures WHERE key = ?1", -1, &stmt,
                               NULL) == SQLITE_OK) {
                sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
                sqlite3_step(stmt);
        }
        sqlite3_finalize(stmt);
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

void web_handle_login(struct web_request *r)
{
        static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
        const char *name = json_string_value(json_object_get(r->json, "username"));
        const char *password = json_string_value(json_object_get(r->json, "password"));
        sqlite3_stmt *stmt = NULL;
        char address[64], user_key[200], address_key[100];
        int64_t now = time_now_ms() / 1000;
        int64_t user_id = 0;
        char role[16] = "";
        bool verified = false;

        if (!name || !password || !*name) {
                web_respond_error(r, 400, "username and password are required");
                return;
        }
        web_client_address(r, address, sizeof address);
        snprintf(user_key, sizeof user_key, "user:%.128s", name);
        snprintf(address_key, sizeof address_key, "addr:%s", address);
        int by_user = count_failures(r->db, user_key, now - THROTTLE_WINDOW);
        int by_address = count_failures(r->db, address_key, now - THROTTLE_WINDOW);
        if (by_user < 0 || by_address < 0) {
                web_respond_db_error(r);
                return;
        }
        if (by_user >= THROTTLE_FAILURES || by_address >= THROTTLE_FAILURES) {
                log_warn("login throttled for %s from %s", name, address);
                web_respond_error(r, 429,
                                  "too many failed logins; try again in a few minutes");
                MHD_add_response_header(r->response, "Retry-After", "300");
                return;
        }

        if (sqlite3_prepare_v2(r->db,
                               "SELECT id, role, password_hash FROM users "
                               "WHERE name = ?1 AND disabled = 0",
                               -1, &stmt, NULL) != SQLITE_OK) {
                web_respond_db_error(r);
                return;
        }
        sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
        if (sqlite3_step(stmt) == SQLITE_ROW) {
                user_id = sqlite3_column_int64(stmt, 0);
                snprintf(role, sizeof role, "%s",
                         (const char *)sqlite3_column_text(stmt, 1));
                verified =
                    crypto_pwhash_str_verify((const char *)sqlite3_column_text(stmt, 2),
                                             password, strlen(password)) == 0;
        } else {
                pthread_once(&dummy_once, make_dummy);
                int ignored = crypto_pwhash_str_verify(dummy, password, strlen(password));
                (void)ignored;
        }
        sqlite3_finalize(stmt);
        stmt = NULL;

        if (!verified) {
                record_failure(r->db, user_key, now);
                record_failure(r->db, address_key, now);
                log_warn("failed login for %s from %s", name, address);
                web_respond_error(r, 401, "wrong user name or password");
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
        delete_failures(r->db, user_key);
        log_info("user %s (%s) logged in from %s", name, role, address);

        char cookie[256];
        snprintf(cookie, sizeof cookie,
                 COOKIE_NAME "=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%lld",
                 token, (long long)(expires - now));
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
        MHD_add_response_header(r->response, "Set-Cookie",
                                COOKIE_NAME
                                "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
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
        int64_t id = insert_user(r->db, name, role, password, err, sizeof err);
        if (id == -2) {
                web_respond_error(r, 400, "%s", err);
                return;
        }
        if (id == -3) {
                web_respond_error(r, 409, "%s", err);
                return;
        }
        if (id == -4) {
                web_respond_db_error(r);
                return;
        }
        if (id < 0) {
                web_respond_error(r, 500, "%s", err);
                return;
        }
        web_respond_json(
            r, 201,
            json_pack("{sI ss ss}", "id", (json_int_t)id, "name", name, "role", role));
}

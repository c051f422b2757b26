/* The schema and its forward migrations (PRAGMA user_version). */
#define LOG_MODULE "db"
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "scheduler/scheduler.h"

/* Units: created_at, updated_at and complaint_events.at are UTC seconds;
 * the times of the air (asrun.*_at, announcements.air_at, listener_stats.at)
 * are UTC milliseconds.
 *
 * Each entry migrates from version i to i + 1, inside one transaction.
 * Never edit a released entry; append a new one. */
static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE media ("
    " id INTEGER PRIMARY KEY,"
    " sha256 TEXT NOT NULL UNIQUE,"
    " path TEXT NOT NULL," /* inside the media store; never an uploaded name */
    " original_name TEXT NOT NULL DEFAULT '',"
    " kind TEXT NOT NULL CHECK (kind IN ('music','programme','psa','jingle',"
    "  'complaint','announcement')),"
    " title TEXT NOT NULL,"
    " artist TEXT NOT NULL DEFAULT '',"
    " duration REAL NOT NULL,"
    " frames INTEGER NOT NULL,"
    " rate INTEGER NOT NULL,"
    " loudness REAL NOT NULL,"
    " true_peak REAL NOT NULL,"
    " cue_in INTEGER NOT NULL DEFAULT 0,"
    " cue_out INTEGER NOT NULL,"
    " quiet INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL,"
    " deleted INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE media_category ("
    " media_id INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE,"
    " category TEXT NOT NULL,"
    " PRIMARY KEY (media_id, category));"
    "CREATE INDEX media_category_by_name ON media_category(category);"
    "CREATE TABLE shows ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " host TEXT NOT NULL DEFAULT '',"
    " days INTEGER NOT NULL DEFAULT 0," /* bit 0 = Sunday .. bit 6 = Saturday */
    " start_time INTEGER NOT NULL,"     /* seconds after local midnight */
    " duration INTEGER NOT NULL,"       /* seconds */
    " valid_from TEXT,"                 /* local YYYY-MM-DD, inclusive; NULL = open */
    " valid_to TEXT,"
    " content TEXT NOT NULL CHECK (content IN ('playlist','rotation','complaints')),"
    " categories TEXT NOT NULL DEFAULT ''," /* rotation: comma-separated */
    " track_separation_hours REAL NOT NULL DEFAULT 3,"
    " artist_separation_minutes REAL NOT NULL DEFAULT 30,"
    " hard_start INTEGER NOT NULL DEFAULT 0,"
    " hard_end INTEGER NOT NULL DEFAULT 0,"
    " seed INTEGER NOT NULL DEFAULT 1,"
    " created_at INTEGER NOT NULL);"
    "CREATE TABLE show_dates (" /* one-off dates; override the weekly slot */
    " show_id INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,"
    " date TEXT NOT NULL,"
    " PRIMARY KEY (show_id, date));"
    "CREATE TABLE show_items (" /* playlist content, in order */
    " show_id INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,"
    " position INTEGER NOT NULL,"
    " media_id INTEGER NOT NULL REFERENCES media(id),"
    " PRIMARY KEY (show_id, position));"
    "CREATE TABLE campaigns ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " valid_from TEXT NOT NULL,"
    " valid_to TEXT NOT NULL,"
    " days INTEGER NOT NULL DEFAULT 127,"
    " timing TEXT NOT NULL CHECK (timing IN ('hard','soft')),"
    " times TEXT NOT NULL DEFAULT ''," /* comma-separated HH:MM[:SS] */
    " interval_minutes INTEGER NOT NULL DEFAULT 0,"
    " window_minutes INTEGER NOT NULL DEFAULT 5,"
    " fade_seconds REAL NOT NULL DEFAULT 2,"
    " created_at INTEGER NOT NULL);"
    "CREATE TABLE campaign_items ("
    " campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,"
    " position INTEGER NOT NULL,"
    " media_id INTEGER NOT NULL REFERENCES media(id),"
    " PRIMARY KEY (campaign_id, position));"
    "CREATE TABLE users ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " role TEXT NOT NULL CHECK (role IN ('admin','operator','staff')),"
    " password_hash TEXT NOT NULL,"
    " disabled INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL);"
    "CREATE TABLE sessions ("
    " token_hash TEXT PRIMARY KEY," /* hash of the cookie value, never the value */
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " csrf_token TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL);"
    "CREATE TABLE login_failures ("
    " key TEXT NOT NULL,"
    " at INTEGER NOT NULL);"
    "CREATE INDEX login_failures_by_key ON login_failures(key, at);"
    "CREATE TABLE complaints ("
    " id INTEGER PRIMARY KEY,"
    " media_id INTEGER REFERENCES media(id),"
    " intro_media_id INTEGER REFERENCES media(id),"
    " title TEXT NOT NULL,"
    " summary TEXT NOT NULL DEFAULT '',"
    " category TEXT NOT NULL DEFAULT '',"
    " location TEXT NOT NULL DEFAULT '',"
    " incident_date TEXT,"
    " caller_name TEXT,"  /* staff view only */
    " caller_phone TEXT," /* staff view only */
    " anonymous INTEGER NOT NULL DEFAULT 1,"
    " confidential INTEGER NOT NULL DEFAULT 0,"
    " consent INTEGER NOT NULL DEFAULT 0,"
    " status TEXT NOT NULL DEFAULT 'received' CHECK (status IN ('received',"
    "  'verified','queued','aired','forwarded','closed','rejected')),"
    " queue_position INTEGER,"
    " air_next INTEGER NOT NULL DEFAULT 0,"
    " lapor_tracking_id TEXT,"
    " created_by INTEGER REFERENCES users(id),"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL);"
    "CREATE INDEX complaints_by_status ON complaints(status, queue_position);"
    "CREATE TABLE complaint_events ("
    " id INTEGER PRIMARY KEY,"
    " complaint_id INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,"
    " from_status TEXT,"
    " to_status TEXT NOT NULL,"
    " user_id INTEGER REFERENCES users(id),"
    " at INTEGER NOT NULL,"
    " note TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE announcements ("
    " id INTEGER PRIMARY KEY,"
    " media_id INTEGER NOT NULL REFERENCES media(id),"
    " text TEXT NOT NULL DEFAULT ''," /* spoken by TTS when not uploaded */
    " mode TEXT NOT NULL CHECK (mode IN ('now','next','at')),"
    " air_at INTEGER," /* UTC ms for mode 'at' */
    " status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','aired',"
    "  'cancelled')),"
    " created_by INTEGER REFERENCES users(id),"
    " created_at INTEGER NOT NULL);"
    "CREATE TABLE asrun ("
    " id INTEGER PRIMARY KEY,"
    " scheduled_at INTEGER," /* UTC ms */
    " started_at INTEGER NOT NULL,"
    " ended_at INTEGER NOT NULL,"
    " frames INTEGER NOT NULL,"
    " kind TEXT NOT NULL,"
    " title TEXT NOT NULL,"
    " artist TEXT NOT NULL DEFAULT '',"
    " source TEXT NOT NULL,"
    " media_id INTEGER,"
    " ref_id INTEGER,"
    " reason TEXT NOT NULL);"
    "CREATE INDEX asrun_by_start ON asrun(started_at);"
    "CREATE TABLE listener_stats ("
    " at INTEGER NOT NULL,"
    " mount TEXT NOT NULL,"
    " listeners INTEGER NOT NULL);"
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    /* 1 -> 2: the listener history is read by time range */
    "CREATE INDEX listener_stats_by_at ON listener_stats(at);",
    /* 2 -> 3: emergency alerts (alerts/).  event_key (DateTime|Coordinates of
     * the feed) is unique so an event airs once, also after a restart; test
     * bulletins have none.  Each airing is an announcement row with the
     * alert's id. */
    "CREATE TABLE alerts ("
    " id INTEGER PRIMARY KEY,"
    " event_key TEXT UNIQUE,"
    " event_at INTEGER," /* UTC ms */
    " latitude REAL,"
    " longitude REAL,"
    " magnitude REAL,"
    " depth_km REAL,"
    " distance_km REAL,"
    " region TEXT NOT NULL DEFAULT '',"
    " potential TEXT NOT NULL DEFAULT '',"
    " tsunami INTEGER NOT NULL DEFAULT 0,"
    " test INTEGER NOT NULL DEFAULT 0,"
    " headline TEXT NOT NULL,"
    " text TEXT NOT NULL,"
    " media_id INTEGER NOT NULL REFERENCES media(id),"
    " status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','done','ended')),"
    " repeats_left INTEGER NOT NULL DEFAULT 0,"
    " next_at INTEGER," /* UTC ms of the next repeat */
    " created_by TEXT NOT NULL DEFAULT 'feed',"
    " created_at INTEGER NOT NULL," /* UTC ms */
    " ended_at INTEGER,"            /* UTC ms */
    " ended_by TEXT);"
    "CREATE INDEX alerts_by_status ON alerts(status);"
    "ALTER TABLE announcements ADD COLUMN alert_id INTEGER REFERENCES alerts(id);",
    /* 3 -> 4: the loudness of fallback files, measured once per file version
     * (path, size, modification time), so every item airs at the target; and
     * version counters the writers of the schedule (library, shows,
     * campaigns) and of the live queue (complaints, announcements) bump
     * through triggers, so the engine's loader re-reads only what really
     * changed (PRAGMA data_version also moves on listener counts and logins). */
    "CREATE TABLE fallback_loudness ("
    " path TEXT NOT NULL,"
    " size INTEGER NOT NULL,"
    " mtime_ns INTEGER NOT NULL,"
    " rate INTEGER NOT NULL,"
    " loudness REAL NOT NULL," /* LUFS */
    " true_peak REAL NOT NULL,"
    " measured_at INTEGER NOT NULL," /* UTC s */
    " PRIMARY KEY (path, rate));"
    "CREATE TABLE versions (name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "INSERT INTO versions VALUES ('schedule', 0), ('queue', 0);"
    "CREATE TRIGGER media_insert_bumps_schedule AFTER INSERT ON media"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER media_update_bumps_schedule AFTER UPDATE ON media"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER media_delete_bumps_schedule AFTER DELETE ON media"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER media_category_insert_bumps_schedule AFTER INSERT ON media_category"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER media_category_update_bumps_schedule AFTER UPDATE ON media_category"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER media_category_delete_bumps_schedule AFTER DELETE ON media_category"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER shows_insert_bumps_schedule AFTER INSERT ON shows"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER shows_update_bumps_schedule AFTER UPDATE ON shows"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER shows_delete_bumps_schedule AFTER DELETE ON shows"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER show_dates_insert_bumps_schedule AFTER INSERT ON show_dates"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER show_dates_update_bumps_schedule AFTER UPDATE ON show_dates"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER show_dates_delete_bumps_schedule AFTER DELETE ON show_dates"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER show_items_insert_bumps_schedule AFTER INSERT ON show_items"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER show_items_update_bumps_schedule AFTER UPDATE ON show_items"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER show_items_delete_bumps_schedule AFTER DELETE ON show_items"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER campaigns_insert_bumps_schedule AFTER INSERT ON campaigns"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER campaigns_update_bumps_schedule AFTER UPDATE ON campaigns"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER campaigns_delete_bumps_schedule AFTER DELETE ON campaigns"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER campaign_items_insert_bumps_schedule AFTER INSERT ON campaign_items"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER campaign_items_update_bumps_schedule AFTER UPDATE ON campaign_items"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER campaign_items_delete_bumps_schedule AFTER DELETE ON campaign_items"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER complaints_insert_bumps_queue AFTER INSERT ON complaints"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'queue'; END;"
    "CREATE TRIGGER complaints_update_bumps_queue AFTER UPDATE ON complaints"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'queue'; END;"
    "CREATE TRIGGER complaints_delete_bumps_queue AFTER DELETE ON complaints"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'queue'; END;"
    "CREATE TRIGGER announcements_insert_bumps_queue AFTER INSERT ON announcements"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'queue'; END;"
    "CREATE TRIGGER announcements_update_bumps_queue AFTER UPDATE ON announcements"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'queue'; END;"
    "CREATE TRIGGER announcements_delete_bumps_queue AFTER DELETE ON announcements"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'queue'; END;",
    /* 4 -> 5: shows that relay a remote stream (content 'relay', its url).
     * SQLite cannot alter a CHECK; widening one changes nothing stored, so
     * the documented in-place edit of the table's schema text is safe here
     * (a rebuild would have to drop shows, which cascades to its dates and
     * items).  RESET makes this connection read the new text. */
    "ALTER TABLE shows ADD COLUMN url TEXT NOT NULL DEFAULT '';"
    "PRAGMA writable_schema = ON;"
    "UPDATE sqlite_schema SET sql = replace(sql,"
    " '''playlist'',''rotation'',''complaints'')',"
    " '''playlist'',''rotation'',''complaints'',''relay'')')"
    " WHERE type = 'table' AND name = 'shows';"
    "PRAGMA writable_schema = RESET;",
    /* 5 -> 6: Suara Warga.  A complaint gets where it came from, the public
     * reference, the agency's answer and the status 'answered'.  SQLite
     * cannot change a CHECK in place, so the table is rebuilt; dropping it
     * would cascade to its events, which are kept aside meanwhile. */
    "CREATE TEMP TABLE saved_complaint_events AS SELECT * FROM complaint_events;"
    "CREATE TABLE complaints_new ("
    " id INTEGER PRIMARY KEY,"
    " media_id INTEGER REFERENCES media(id),"
    " intro_media_id INTEGER REFERENCES media(id),"
    " title TEXT NOT NULL,"
    " summary TEXT NOT NULL DEFAULT '',"
    " category TEXT NOT NULL DEFAULT '',"
    " location TEXT NOT NULL DEFAULT '',"
    " incident_date TEXT,"
    " caller_name TEXT,"  /* staff view only */
    " caller_phone TEXT," /* staff view only */
    " anonymous INTEGER NOT NULL DEFAULT 1,"
    " confidential INTEGER NOT NULL DEFAULT 0,"
    " consent INTEGER NOT NULL DEFAULT 0,"
    " status TEXT NOT NULL DEFAULT 'received' CHECK (status IN ('received',"
    "  'verified','queued','aired','forwarded','answered','closed','rejected')),"
    " queue_position INTEGER,"
    " air_next INTEGER NOT NULL DEFAULT 0,"
    " lapor_tracking_id TEXT,"
    " created_by INTEGER REFERENCES users(id),"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " source TEXT NOT NULL DEFAULT 'staff' CHECK (source IN ('staff','public')),"
    " reference TEXT UNIQUE," /* the citizen's code; public submissions only */
    " answer_agency TEXT,"
    " answer_text TEXT,"
    " answer_media_id INTEGER REFERENCES media(id),"
    " answer_intro_media_id INTEGER REFERENCES media(id),"
    " answer_aired_at INTEGER);" /* UTC seconds */
    "INSERT INTO complaints_new (id, media_id, intro_media_id, title, summary, category,"
    " location, incident_date, caller_name, caller_phone, anonymous, confidential,"
    " consent, status, queue_position, air_next, lapor_tracking_id, created_by,"
    " created_at, updated_at) SELECT id, media_id, intro_media_id, title, summary,"
    " category, location, incident_date, caller_name, caller_phone, anonymous,"
    " confidential, consent, status, queue_position, air_next, lapor_tracking_id,"
    " created_by, created_at, updated_at FROM complaints;"
    "DROP TABLE complaints;"
    "ALTER TABLE complaints_new RENAME TO complaints;"
    "CREATE INDEX complaints_by_status ON complaints(status, queue_position);"
    "INSERT INTO complaint_events SELECT * FROM saved_complaint_events;"
    "DROP TABLE saved_complaint_events;"
    "CREATE INDEX complaint_events_by_complaint ON complaint_events(complaint_id, at);"
    /* public submissions per client (an address hash), for the hourly limit */
    "CREATE TABLE public_submissions (client TEXT NOT NULL, at INTEGER NOT NULL);"
    "CREATE INDEX public_submissions_by_client ON public_submissions(client, at);"
    /* the rebuilt table lost 3 -> 4's triggers: the loader must still see
     * every change of the live queue */
    "CREATE TRIGGER complaints_insert_bumps_queue AFTER INSERT ON complaints"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'queue'; END;"
    "CREATE TRIGGER complaints_update_bumps_queue AFTER UPDATE ON complaints"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'queue'; END;"
    "CREATE TRIGGER complaints_delete_bumps_queue AFTER DELETE ON complaints"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'queue'; END;",
    /* 6 -> 7: the planner's checkpoint, saved by the station with every pick
     * (scheduler/timeline.c): the engine's latest items and the planner's
     * state after each, so a restart and `siaran rundown` go on from what
     * really aired.  One row; no trigger (it is not the schedule). */
    "CREATE TABLE plan_checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1),"
    " saved_at INTEGER NOT NULL, data BLOB NOT NULL);",
    /* 7 -> 8: podcasts.  A show may publish each airing as an episode cut
     * from the archive (archive/podcast.c); its feed's channel text, image
     * and category.  An episode row is written once its MP3 is in place
     * (file relative to the archive folder), or with file NULL when the
     * archive does not hold the airing (it is then never tried again). */
    "ALTER TABLE shows ADD COLUMN podcast INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE shows ADD COLUMN podcast_description TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE shows ADD COLUMN podcast_image TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE shows ADD COLUMN podcast_category TEXT NOT NULL DEFAULT 'News';"
    "CREATE TABLE podcast_episodes ("
    " id INTEGER PRIMARY KEY,"
    " show_id INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,"
    " scheduled_at INTEGER NOT NULL," /* UTC ms: the airing's slot start */
    " started_at INTEGER NOT NULL,"   /* UTC ms: the first item of the show aired */
    " ended_at INTEGER NOT NULL,"     /* UTC ms: its last item ended */
    " title TEXT NOT NULL,"
    " description TEXT NOT NULL,"
    " file TEXT," /* "podcast/SHOW/YYYY-MM-DD-HHMM.mp3"; NULL: not archived */
    " bytes INTEGER NOT NULL DEFAULT 0,"
    " seconds REAL NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL," /* UTC ms */
    " UNIQUE (show_id, scheduled_at));"
    "CREATE INDEX podcast_episodes_by_show ON podcast_episodes(show_id, started_at);",
    /* 8 -> 9: shows that wait for a presenter (content 'live'); the CHECK is
     * widened in place as in 4 -> 5. */
    "PRAGMA writable_schema = ON;"
    "UPDATE sqlite_schema SET sql = replace(sql,"
    " '''complaints'',''relay'')',"
    " '''complaints'',''relay'',''live'')')"
    " WHERE type = 'table' AND name = 'shows';"
    "PRAGMA writable_schema = RESET;",
    /* 9 -> 10: the studio's queued inserts in an order of their own (moved
     * up or down from the studio, sched_insert_move); an insert without a
     * position waits after those with one, oldest first. */
    "ALTER TABLE announcements ADD COLUMN queue_position INTEGER;",
    /* 10 -> 11: "only this date" exceptions.  A weekly show does not air on
     * the dates listed here (moved or removed for that day; a move is a
     * one-off show of its own).  Its one-off dates (show_dates) still air. */
    "CREATE TABLE show_exceptions ("
    " show_id INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,"
    " date TEXT NOT NULL," /* local YYYY-MM-DD */
    " PRIMARY KEY (show_id, date));"
    "CREATE TRIGGER show_exceptions_insert_bumps_schedule AFTER INSERT ON show_exceptions"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER show_exceptions_update_bumps_schedule AFTER UPDATE ON show_exceptions"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;"
    "CREATE TRIGGER show_exceptions_delete_bumps_schedule AFTER DELETE ON show_exceptions"
    " BEGIN UPDATE versions SET value = value + 1 WHERE name = 'schedule'; END;",
};

#define N_MIGRATIONS (int)(sizeof migrations / sizeof migrations[0])

int sched_schema_version(void)
{
        return N_MIGRATIONS;
}

static int exec_sql(sqlite3 *db, const char *sql, char *err, size_t err_size)
{
        char *msg = NULL;
        if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
                snprintf(err, err_size, "%s", msg ? msg : sqlite3_errmsg(db));
                sqlite3_free(msg);
                return -1;
        }
        return 0;
}

static int read_user_version(sqlite3 *db)
{
        sqlite3_stmt *stmt = NULL;
        int version = -1;
        if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW)
                version = sqlite3_column_int(stmt, 0);
        sqlite3_finalize(stmt);
        return version;
}

static int migrate(sqlite3 *db, char *err, size_t err_size)
{
        int version = read_user_version(db);
        if (version < 0) {
                snprintf(err, err_size, "cannot read schema version: %s",
                         sqlite3_errmsg(db));
                return -1;
        }
        if (version > N_MIGRATIONS) {
                snprintf(err, err_size,
                         "database schema %d is newer than this siaran (%d)", version,
                         N_MIGRATIONS);
                return -1;
        }
        for (int v = version; v < N_MIGRATIONS; v++) {
                char set_version[64];
                snprintf(set_version, sizeof set_version, "PRAGMA user_version = %d",
                         v + 1);
                if (exec_sql(db, "BEGIN IMMEDIATE", err, err_size) < 0)
                        return -1;
                /* Another process (a `siaran user` during the first start) may
                 * have taken this step while we waited for the lock. */
                int now = read_user_version(db);
                if (now > v) {
                        if (exec_sql(db, "COMMIT", err, err_size) < 0)
                                return -1;
                        v = now - 1;
                        continue;
                }
                if (exec_sql(db, migrations[v], err, err_size) < 0 ||
                    exec_sql(db, set_version, err, err_size) < 0) {
                        exec_sql(db, "ROLLBACK", err + strlen(err), 0);
                        return -1;
                }
                if (exec_sql(db, "COMMIT", err, err_size) < 0)
                        return -1;
                log_info("migrated database schema to version %d", v + 1);
        }
        return 0;
}

static __thread int first_failure;

/* SQLite's error log: called on the thread whose call failed, before the
 * failure is returned.  Notices, warnings and schema changes (retried
 * inside SQLite) are not failures.  The first one is kept: what follows a
 * failure (a rollback, clean-up) is its consequence, not its cause. */
static void record_failure(void *unused, int code, const char *message)
{
        (void)unused;
        (void)message;
        int primary = code & 0xff;
        if (primary != SQLITE_NOTICE && primary != SQLITE_WARNING &&
            primary != SQLITE_SCHEMA && first_failure == 0)
                first_failure = code;
}

static void install_failure_log(void)
{
        /* Refused (SQLITE_MISUSE) once SQLite is initialized; the first open
         * comes before that in every command. */
        if (sqlite3_config(SQLITE_CONFIG_LOG, record_failure, NULL) != SQLITE_OK)
                log_debug("SQLite error log not installed");
}

int sched_db_first_failure(void)
{
        return first_failure;
}

void sched_db_failure_clear(void)
{
        first_failure = 0;
}

void sched_db_rollback(sqlite3 *db)
{
        if (!sqlite3_get_autocommit(db))
                sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

sqlite3 *sched_db_open(const char *path, char *err, size_t err_size)
{
        static pthread_once_t failure_log_once = PTHREAD_ONCE_INIT;
        pthread_once(&failure_log_once, install_failure_log);
        sqlite3 *db = NULL;
        int rc = sqlite3_open_v2(
            path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
            NULL);
        if (rc != SQLITE_OK) {
                snprintf(err, err_size, "%s: %s", path,
                         db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
                goto fail;
        }
        sqlite3_busy_timeout(db, 5000);
        if (exec_sql(db,
                     "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                     "PRAGMA foreign_keys = ON;",
                     err, err_size) < 0)
                goto fail;
        if (migrate(db, err, err_size) < 0)
                goto fail;
        return db;
fail:
        sqlite3_close_v2(db);
        return NULL;
}

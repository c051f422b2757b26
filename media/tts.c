/* Text-to-speech with libespeak-ng in synchronous mode: the synthesiser hands
 * its samples to a callback, which collects them, and libsndfile writes them
 * out as a 16-bit mono WAV at espeak-ng's own rate (the reader resamples it
 * like any other file).  espeak-ng keeps global state, so every call holds
 * one mutex, and the library is initialised once per process. */
#define LOG_MODULE "media"
#include <espeak-ng/espeak_ng.h>
#include <pthread.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"
#include "media/media.h"

/* Limits so a runaway text cannot fill memory: announcements are short. */
#define TTS_MAX_TEXT_BYTES (64 * 1024)
#define TTS_MAX_SECONDS 600

static pthread_mutex_t tts_lock = PTHREAD_MUTEX_INITIALIZER;
static bool tts_initialised;
static espeak_ng_STATUS tts_init_status = ENS_OK;
static int tts_rate;

struct speech {
        short *samples;
        size_t count, cap;
        size_t limit;
        bool too_long;
};

/* Called by espeak-ng from inside espeak_ng_Synthesize (synchronous mode, so
 * on the calling thread).  Returning 1 aborts the synthesis. */
static int collect_samples(short *wav, int count, espeak_EVENT *events)
{
        struct speech *speech = events ? events[0].user_data : NULL;
        if (!speech || !wav || count <= 0)
                return 0;
        if (speech->count + (size_t)count > speech->limit) {
                speech->too_long = true;
                return 1;
        }
        if (speech->count + (size_t)count > speech->cap) {
                size_t cap = speech->cap ? speech->cap * 2 : 65536;
                while (cap < speech->count + (size_t)count)
                        cap *= 2;
                speech->samples =
                    xrealloc(speech->samples, cap * sizeof *speech->samples);
                speech->cap = cap;
        }
        memcpy(speech->samples + speech->count, wav, (size_t)count * sizeof *wav);
        speech->count += (size_t)count;
        return 0;
}

/* Initialises espeak-ng once.  The espeak_ng_* calls report errors instead
 * of exiting the process as espeak_Initialize does.  Called with the lock. */
static espeak_ng_STATUS tts_initialise(void)
{
        if (tts_initialised)
                return tts_init_status;
        tts_initialised = true;
        espeak_ng_ERROR_CONTEXT context = NULL;
        espeak_ng_InitializePath(NULL);
        espeak_ng_STATUS status = espeak_ng_Initialize(&context);
        if (context)
                espeak_ng_ClearErrorContext(&context);
        if (status == ENS_OK)
                status = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL);
        if (status == ENS_OK) {
                espeak_SetSynthCallback(collect_samples);
                tts_rate = espeak_ng_GetSampleRate();
                if (tts_rate <= 0)
                        status = ENS_NOT_SUPPORTED;
        }
        tts_init_status = status;
        return status;
}

static int write_wav(const char *out_path, const struct speech *speech, int rate,
                     char *err, size_t err_size)
{
        SF_INFO info = {.samplerate = rate,
                        .channels = 1,
                        .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
        SNDFILE *file = sf_open(out_path, SFM_WRITE, &info);
        if (!file) {
                snprintf(err, err_size, "cannot write %s: %s", out_path,
                         sf_strerror(NULL));
                return -1;
        }
        sf_count_t n = sf_write_short(file, speech->samples, (sf_count_t)speech->count);
        int close_rc = sf_close(file);
        if (n != (sf_count_t)speech->count || close_rc != 0) {
                snprintf(err, err_size, "cannot write %s", out_path);
                unlink(out_path);
                return -1;
        }
        return 0;
}

int media_tts_to_wav(const char *text, const char *voice, const char *out_path, char *err,
                     size_t err_size)
{
        struct speech speech = {0};
        char message[256];
        int rc = -1;

        if (!voice || !*voice)
                voice = "id";
        size_t text_len = text ? strlen(text) : 0;
        if (text_len == 0 || strspn(text, " \t\r\n") == text_len) {
                snprintf(err, err_size, "nothing to speak");
                return -1;
        }
        if (text_len > TTS_MAX_TEXT_BYTES) {
                snprintf(err, err_size, "text too long to speak (%zu bytes, at most %d)",
                         text_len, TTS_MAX_TEXT_BYTES);
                return -1;
        }

        pthread_mutex_lock(&tts_lock);
        espeak_ng_STATUS status = tts_initialise();
        if (status != ENS_OK) {
                espeak_ng_GetStatusCodeMessage(status, message, sizeof message);
                snprintf(err, err_size, "espeak-ng cannot start: %s", message);
                goto out;
        }
        status = espeak_ng_SetVoiceByName(voice);
        if (status != ENS_OK) {
                espeak_ng_GetStatusCodeMessage(status, message, sizeof message);
                snprintf(err, err_size, "espeak-ng voice '%s': %s", voice, message);
                goto out;
        }
        speech.limit = (size_t)tts_rate * TTS_MAX_SECONDS;
        status = espeak_ng_Synthesize(text, text_len + 1, 0, POS_CHARACTER, 0,
                                      espeakCHARS_UTF8 | espeakENDPAUSE, NULL, &speech);
        if (status == ENS_OK)
                status = espeak_ng_Synchronize();
        if (speech.too_long) {
                snprintf(err, err_size, "speech longer than %d s", TTS_MAX_SECONDS);
                goto out;
        }
        if (status != ENS_OK) {
                espeak_ng_GetStatusCodeMessage(status, message, sizeof message);
                snprintf(err, err_size, "espeak-ng: %s", message);
                goto out;
        }
        if (speech.count == 0) {
                snprintf(err, err_size, "espeak-ng produced no audio");
                goto out;
        }
        if (write_wav(out_path, &speech, tts_rate, err, err_size) < 0)
                goto out;
        log_debug("spoke %zu samples at %d Hz into %s", speech.count, tts_rate, out_path);
        rc = 0;
out:
        pthread_mutex_unlock(&tts_lock);
        free(speech.samples);
        return rc;
}

/* The FFmpeg reader plugin (libavformat, libavcodec, libswresample): what
 * phones and browsers record and libsndfile does not read.  M4A/AAC, MP4 and
 * 3GP (AAC or AMR inside), raw AMR-NB/WB and ADTS AAC, Matroska and WebM
 * (Opus, Vorbis); of a video file, its first audio track.
 *
 * Only local files are read: the file protocol is the only one allowed, so a
 * container that refers to other resources cannot make FFmpeg fetch
 * anything, and only the demuxers listed below are used, so none of FFmpeg's
 * playlist or image formats is reachable from an upload.  Open is bounded in
 * time (an interrupt callback) and every allocation in size (av_max_alloc).
 *
 * libswresample converts each decoded frame to interleaved float at the
 * rate and layout of the first frame (format conversion only, unless a stream
 * changes its parameters midway); the shared code in reader.c downmixes and
 * resamples, as for every plugin. */
#define LOG_MODULE "media"
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avstring.h>
#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "media/reader_plugin.h"

/* The demuxers this plugin uses (FFmpeg's names). */
static const char *const allowed_demuxers[] = {"mov",   "matroska", "amr",
                                               "amrnb", "amrwb",    "aac"};
/* Below this probe score FFmpeg itself would keep looking (AVPROBE_SCORE_RETRY). */
#define MIN_PROBE_SCORE (AVPROBE_SCORE_MAX / 4 + 1)
/* No single allocation of a hostile file's tables may exceed this. */
#define MAX_ALLOC_BYTES ((size_t)64 << 20)
/* Opening, seeking and any one read give up after this long (a pathological
 * header, a demuxer that loops): the engine reads ~1024 frames at a time. */
#define OPEN_DEADLINE_NS (10 * 1000000000LL)
/* Damaged packets skipped in a row before the file counts as undecodable. */
#define MAX_BAD_PACKETS 32
/* Seeks closer to the start than this decode from the start (exact). */
#define LINEAR_SEEK_SECONDS 10

struct ffmpeg_source {
        struct reader_source base;
        char *path;
        const AVInputFormat *demuxer;
        AVFormatContext *format;
        AVCodecContext *codec;
        AVStream *stream;
        AVPacket *packet;
        AVFrame *frame;
        SwrContext *swr;
        int rate, channels;     /* of the first frame: what the reader delivers */
        AVChannelLayout layout; /* idem */
        /* swr's current input, to notice a stream that changes midway */
        int in_rate;
        int in_format;
        AVChannelLayout in_layout;
        float *pending; /* converted frames not yet handed out */
        size_t pending_cap, pending_pos, pending_len;
        int64_t position;       /* source frames handed out (or dropped by a seek) */
        int64_t declared;       /* frames the container declares, -1 when unknown */
        int64_t seek_target;    /* frames to drop until position reaches it, -1: none */
        bool seek_by_timestamp; /* the position after the seek comes from timestamps */
        /* the first delivered frame's timestamp (AV_NOPTS_VALUE: none) */
        int64_t origin_ts;
        bool demux_done, ended;
        int bad_packets;
        int64_t deadline_ns; /* 0: none */
};

static struct ffmpeg_source *to_ffmpeg(struct reader_source *source)
{
        return (struct ffmpeg_source *)source;
}

/* FFmpeg's own messages go to the debug log: a hostile file's complaints are
 * not the station's problem, and the caller gets one clear reason anyway. */
static void log_from_ffmpeg(void *avcl, int level, const char *fmt, va_list args)
{
        (void)avcl;
        if (level > AV_LOG_WARNING || log_threshold < LOG_DEBUG)
                return;
        char line[256];
        vsnprintf(line, sizeof line, fmt, args);
        line[strcspn(line, "\n")] = '\0';
        log_debug("ffmpeg: %s", line);
}

static void setup_ffmpeg(void)
{
        av_log_set_callback(log_from_ffmpeg);
        av_max_alloc(MAX_ALLOC_BYTES);
}

static void ensure_setup(void)
{
        static pthread_once_t once = PTHREAD_ONCE_INIT;
        pthread_once(&once, setup_ffmpeg);
}

static bool demuxer_allowed(const AVInputFormat *format)
{
        for (size_t i = 0; i < sizeof allowed_demuxers / sizeof *allowed_demuxers; i++)
                if (av_match_name(allowed_demuxers[i], format->name))
                        return true;
        return false;
}

/* The demuxer FFmpeg would pick from the content alone (never the name: the
 * store's and the uploads' names say nothing), when it is an allowed one. */
static const AVInputFormat *probe_demuxer(const unsigned char *head, size_t head_len,
                                          int *score)
{
        AVProbeData probe = {
            .filename = "",
            .buf = (unsigned char *)head,
            .buf_size = (int)head_len,
        };
        *score = 0;
        const AVInputFormat *format = av_probe_input_format3(&probe, 1, score);
        if (!format || *score < MIN_PROBE_SCORE || !demuxer_allowed(format)) {
                *score = 0;
                return NULL;
        }
        return format;
}

static int ffmpeg_probe(const char *path, const unsigned char *head, size_t head_len)
{
        (void)path;
        ensure_setup();
        int score;
        probe_demuxer(head, head_len, &score);
        return score;
}

static int check_deadline(void *opaque)
{
        const struct ffmpeg_source *s = opaque;
        return s->deadline_ns && time_monotonic_ns() > s->deadline_ns;
}

static void ffmpeg_close(struct reader_source *source)
{
        struct ffmpeg_source *s = to_ffmpeg(source);
        swr_free(&s->swr);
        av_frame_free(&s->frame);
        av_packet_free(&s->packet);
        avcodec_free_context(&s->codec);
        avformat_close_input(&s->format);
        av_channel_layout_uninit(&s->layout);
        av_channel_layout_uninit(&s->in_layout);
        free(s->pending);
        free(s->path);
        free(s);
}

/* A layout swr can work with: FFmpeg's default order when the file names none. */
static void usable_layout(AVChannelLayout *out, const AVChannelLayout *in)
{
        if (in->order == AV_CHANNEL_ORDER_UNSPEC)
                av_channel_layout_default(out, in->nb_channels);
        else if (av_channel_layout_copy(out, in) < 0)
                av_channel_layout_default(out, in->nb_channels);
}

/* (Re)configures swr for frames shaped like frame, converting to the reader's
 * output shape.  0 or -1. */
static int configure_converter(struct ffmpeg_source *s, const AVFrame *frame)
{
        AVChannelLayout in = {0};
        usable_layout(&in, &frame->ch_layout);
        swr_free(&s->swr);
        int rc = swr_alloc_set_opts2(&s->swr, &s->layout, AV_SAMPLE_FMT_FLT, s->rate, &in,
                                     frame->format, frame->sample_rate, 0, NULL);
        if (rc >= 0)
                rc = swr_init(s->swr);
        av_channel_layout_uninit(&s->in_layout);
        s->in_layout = in;
        s->in_rate = frame->sample_rate;
        s->in_format = frame->format;
        if (rc < 0) {
                log_debug("ffmpeg: cannot convert %d Hz, %d channels, format %d",
                          s->in_rate, in.nb_channels, s->in_format);
                swr_free(&s->swr);
                return -1;
        }
        return 0;
}

/* The position of frame's first sample in source frames from the first
 * delivered one (after the encoder delay the decoder skips; the stream's
 * start time would count that delay), or -1 when either has no timestamp. */
static int64_t frame_position(const struct ffmpeg_source *s, const AVFrame *frame)
{
        int64_t ts = frame->best_effort_timestamp;
        if (ts == AV_NOPTS_VALUE || s->origin_ts == AV_NOPTS_VALUE)
                return -1;
        return av_rescale_q(ts - s->origin_ts, s->stream->time_base,
                            (AVRational){1, s->rate});
}

/* Converts the decoded frame into pending.  0 or -1. */
static int convert_frame(struct ffmpeg_source *s, const AVFrame *frame)
{
        if (!s->swr || frame->sample_rate != s->in_rate ||
            frame->format != s->in_format ||
            av_channel_layout_compare(&frame->ch_layout, &s->in_layout) != 0) {
                if (frame->sample_rate < 1 || frame->ch_layout.nb_channels < 1 ||
                    configure_converter(s, frame) < 0)
                        return -1;
        }
        int room = swr_get_out_samples(s->swr, frame->nb_samples);
        if (room < 0 ||
            (size_t)room * (size_t)s->channels * sizeof(float) > MAX_ALLOC_BYTES)
                return -1;
        if ((size_t)room > s->pending_cap) {
                free(s->pending);
                s->pending_cap = (size_t)room;
                s->pending =
                    xmalloc(s->pending_cap * (size_t)s->channels * sizeof(float));
        }
        uint8_t *out = (uint8_t *)s->pending;
        int n = swr_convert(s->swr, &out, room, (const uint8_t **)frame->extended_data,
                            frame->nb_samples);
        if (n < 0)
                return -1;
        s->pending_pos = 0;
        s->pending_len = (size_t)n;
        return 0;
}

/* After a seek, drops what precedes the target from pending. */
static void drop_before_target(struct ffmpeg_source *s, int64_t frame_pos)
{
        if (s->seek_target < 0)
                return;
        /* from the start, counting is exact; elsewhere only timestamps know */
        if (s->seek_by_timestamp && frame_pos >= 0) {
                s->position = frame_pos;
                s->seek_by_timestamp = false;
        }
        int64_t drop = s->seek_target - s->position;
        if (drop <= 0) {
                s->seek_target = -1;
                return;
        }
        if ((uint64_t)drop >= s->pending_len) {
                s->position += (int64_t)s->pending_len;
                s->pending_len = 0;
                return;
        }
        s->pending_pos = (size_t)drop;
        s->position += drop;
        s->seek_target = -1;
}

/* Feeds the decoder the next packet of the stream.  0, or -1 on a demuxing
 * error (a truncated or damaged container). */
static int feed_decoder(struct ffmpeg_source *s)
{
        int rc = av_read_frame(s->format, s->packet);
        if (rc == AVERROR_EOF) {
                s->demux_done = true;
                return avcodec_send_packet(s->codec, NULL) < 0 ? -1 : 0;
        }
        if (rc < 0) {
                log_debug("ffmpeg: reading the container: %s", av_err2str(rc));
                return -1;
        }
        if (s->packet->stream_index == s->stream->index) {
                rc = avcodec_send_packet(s->codec, s->packet);
                if (rc < 0 && rc != AVERROR(EAGAIN)) {
                        /* like every player: a damaged packet is skipped, but a
                         * file of nothing but damage is not audio */
                        log_debug("ffmpeg: packet refused: %s", av_err2str(rc));
                        if (++s->bad_packets > MAX_BAD_PACKETS) {
                                av_packet_unref(s->packet);
                                return -1;
                        }
                }
        }
        av_packet_unref(s->packet);
        return 0;
}

/* Decodes until pending holds frames.  1, 0 at the end, -1 on an error. */
static int decode_next(struct ffmpeg_source *s)
{
        for (;;) {
                int rc = avcodec_receive_frame(s->codec, s->frame);
                if (rc == 0) {
                        s->bad_packets = 0;
                        int64_t pos = frame_position(s, s->frame);
                        rc = convert_frame(s, s->frame);
                        av_frame_unref(s->frame);
                        if (rc < 0)
                                return -1;
                        drop_before_target(s, pos);
                        if (s->pending_pos < s->pending_len)
                                return 1;
                        continue;
                }
                if (rc == AVERROR_EOF)
                        return 0;
                if (rc != AVERROR(EAGAIN)) {
                        log_debug("ffmpeg: decoding: %s", av_err2str(rc));
                        if (++s->bad_packets > MAX_BAD_PACKETS)
                                return -1;
                        continue;
                }
                if (s->demux_done)
                        return 0;
                if (feed_decoder(s) < 0)
                        return -1;
        }
}

/* The length the container declares in source frames, or -1.  MP4/3GP give
 * each track's exact length (after the encoder delay its edit list cuts);
 * Matroska the whole file's in milliseconds, the encoder delay (Opus's
 * pre-skip, which the decoder drops) included.  Raw streams declare nothing. */
static int64_t declared_frames(const struct ffmpeg_source *s)
{
        AVRational frames = {1, s->rate};
        const AVCodecParameters *par = s->stream->codecpar;
        if (s->stream->duration != AV_NOPTS_VALUE && s->stream->duration > 0)
                return av_rescale_q(s->stream->duration, s->stream->time_base, frames);
        if (s->format->duration == AV_NOPTS_VALUE || s->format->duration <= 0)
                return -1;
        int64_t total = av_rescale_q(s->format->duration, AV_TIME_BASE_Q, frames);
        if (par->initial_padding > 0 && par->sample_rate > 0)
                total -= av_rescale(par->initial_padding, s->rate, par->sample_rate);
        return total > 0 ? total : -1;
}

/* Opens the container with only the file protocol and the probed demuxer. */
static const char *open_container(struct ffmpeg_source *s, const char *path,
                                  const AVInputFormat *demuxer)
{
        AVDictionary *options = NULL;
        av_dict_set(&options, "protocol_whitelist", "file", 0);
        av_dict_set(&options, "format_whitelist", demuxer->name, 0);
        av_dict_set(&options, "probesize", "1048576", 0);
        av_dict_set(&options, "analyzeduration", "5000000", 0);
        av_dict_set(&options, "enable_drefs", "0", 0);
        s->format = avformat_alloc_context();
        s->format->interrupt_callback = (AVIOInterruptCB){check_deadline, s};
        /* "file:" so that a colon in a name never reads as a protocol */
        char *url = xasprintf("file:%s", path);
        int rc = avformat_open_input(&s->format, url, demuxer, &options);
        free(url);
        av_dict_free(&options);
        if (rc < 0) {
                log_debug("ffmpeg: %s: %s", path, av_err2str(rc));
                return "cannot read the container (truncated or damaged)";
        }
        return NULL;
}

/* Picks the first audio track FFmpeg can decode and opens its decoder; the
 * other tracks (video, subtitles) are not even demuxed. */
static const char *open_decoder(struct ffmpeg_source *s)
{
        const AVCodec *decoder = NULL;
        bool audio_seen = false;
        for (unsigned i = 0; i < s->format->nb_streams; i++) {
                AVStream *st = s->format->streams[i];
                st->discard = AVDISCARD_ALL;
                if (s->stream || st->codecpar->codec_type != AVMEDIA_TYPE_AUDIO)
                        continue;
                audio_seen = true;
                decoder = avcodec_find_decoder(st->codecpar->codec_id);
                if (decoder)
                        s->stream = st;
        }
        if (!s->stream)
                return audio_seen ? "unsupported audio codec" : "no audio track";
        s->stream->discard = AVDISCARD_DEFAULT;
        s->codec = avcodec_alloc_context3(decoder);
        if (avcodec_parameters_to_context(s->codec, s->stream->codecpar) < 0)
                return "cannot decode the audio";
        s->codec->pkt_timebase = s->stream->time_base;
        s->codec->thread_count = 1; /* one reader, one thread: the engine's budget */
        if (avcodec_open2(s->codec, decoder, NULL) < 0)
                return "cannot decode the audio";
        return NULL;
}

/* Decodes the first frame: its rate and layout are the source's (what a
 * header says can be wrong, e.g. HE-AAC's).  It stays pending for read. */
static const char *decode_first(struct ffmpeg_source *s)
{
        int rc;
        for (;;) {
                rc = avcodec_receive_frame(s->codec, s->frame);
                if (rc == 0 && s->frame->nb_samples > 0)
                        break;
                if (rc == 0) {
                        av_frame_unref(s->frame);
                        continue;
                }
                if (rc == AVERROR_EOF)
                        return "no audio frames (empty, truncated or damaged)";
                if (rc != AVERROR(EAGAIN) && ++s->bad_packets > MAX_BAD_PACKETS)
                        return "cannot decode the audio";
                if (s->demux_done)
                        return "no audio frames (empty, truncated or damaged)";
                if (feed_decoder(s) < 0)
                        return "cannot decode the audio";
        }
        s->rate = s->frame->sample_rate;
        s->channels = s->frame->ch_layout.nb_channels;
        if (s->rate < 1 || s->channels < 1 || s->channels > 64) {
                av_frame_unref(s->frame);
                return "unsupported audio format";
        }
        usable_layout(&s->layout, &s->frame->ch_layout);
        s->origin_ts = s->frame->best_effort_timestamp;
        rc = convert_frame(s, s->frame);
        av_frame_unref(s->frame);
        return rc < 0 ? "cannot convert the audio" : NULL;
}

static struct reader_source *ffmpeg_open(const char *path, struct reader_format *format,
                                         const char **errstr)
{
        ensure_setup();
        struct ffmpeg_source *s = xcalloc(1, sizeof *s);
        s->seek_target = -1;
        s->deadline_ns = time_monotonic_ns() + OPEN_DEADLINE_NS;
        const char *reason = NULL;

        /* the demuxer is probed again here: the file may have changed since */
        unsigned char head[16384 + AVPROBE_PADDING_SIZE] = {0};
        FILE *f = fopen(path, "rb");
        size_t len = f ? fread(head, 1, sizeof head - AVPROBE_PADDING_SIZE, f) : 0;
        if (f)
                fclose(f);
        int score;
        const AVInputFormat *demuxer = probe_demuxer(head, len, &score);
        if (!demuxer) {
                reason = "not an audio file (unrecognised format)";
                goto fail;
        }
        s->path = xstrdup(path);
        s->demuxer = demuxer;
        reason = open_container(s, path, demuxer);
        if (reason)
                goto fail;
        reason = open_decoder(s);
        if (reason)
                goto fail;
        s->packet = av_packet_alloc();
        s->frame = av_frame_alloc();
        reason = decode_first(s);
        if (reason)
                goto fail;
        s->declared = declared_frames(s);
        s->deadline_ns = 0;
        format->rate = s->rate;
        format->channels = s->channels;
        format->frames = s->declared;
        log_debug("%s: %s, %s, %d Hz, %d channels, %lld frames declared", path,
                  s->format->iformat->name, avcodec_get_name(s->codec->codec_id), s->rate,
                  s->channels, (long long)s->declared);
        return &s->base;
fail:
        if (check_deadline(s))
                reason = "cannot read the file in time (damaged?)";
        *errstr = reason;
        ffmpeg_close(&s->base);
        return NULL;
}

/* At the end: a container that declared more than arrived was cut short.
 * 50 ms of slack covers Matroska's millisecond durations and decoders that
 * drop a last partial frame. */
static bool ended_short(const struct ffmpeg_source *s)
{
        return s->declared > 0 && s->position < s->declared - s->rate / 20;
}

/* Hands out pending frames, decoding more as needed; trims at and checks
 * against the declared length. */
static long read_frames(struct ffmpeg_source *s, float *buf, size_t frames)
{
        size_t got = 0;
        while (got < frames) {
                if (s->pending_pos == s->pending_len) {
                        if (s->ended)
                                break;
                        int rc = decode_next(s);
                        if (rc < 0)
                                return got > 0 ? (long)got : -1;
                        if (rc == 0) {
                                s->ended = true;
                                if (ended_short(s)) {
                                        log_debug(
                                            "ffmpeg: %lld of %lld frames: truncated",
                                            (long long)s->position,
                                            (long long)s->declared);
                                        return got > 0 ? (long)got : -1;
                                }
                                break;
                        }
                }
                size_t n = s->pending_len - s->pending_pos;
                if (n > frames - got)
                        n = frames - got;
                /* what runs past the declared length is the encoder's padding */
                if (s->declared > 0 && s->position + (int64_t)n > s->declared)
                        n = s->position < s->declared
                                ? (size_t)(s->declared - s->position)
                                : 0;
                if (n == 0) {
                        s->pending_pos = s->pending_len;
                        s->ended = true;
                        break;
                }
                memcpy(buf + got * (size_t)s->channels,
                       s->pending + s->pending_pos * (size_t)s->channels,
                       n * (size_t)s->channels * sizeof *buf);
                s->pending_pos += n;
                s->position += (int64_t)n;
                got += n;
        }
        if (got == 0 && s->ended && ended_short(s))
                return -1;
        return (long)got;
}

static long ffmpeg_read(struct reader_source *source, float *buf, size_t frames)
{
        struct ffmpeg_source *s = to_ffmpeg(source);
        if (!s->format) /* a failed rewind closed it */
                return -1;
        s->deadline_ns = time_monotonic_ns() + OPEN_DEADLINE_NS;
        long got = read_frames(s, buf, frames);
        bool late = check_deadline(s);
        s->deadline_ns = 0;
        return late && got == 0 ? -1 : got;
}

/* Back to the very start: the container and the decoder opened afresh, in
 * exactly the state open left them (a demuxer's seek to the start does not
 * always restore the encoder delay the decoder skips).  0 or -1. */
static int reopen_source(struct ffmpeg_source *s)
{
        avcodec_free_context(&s->codec);
        avformat_close_input(&s->format);
        s->stream = NULL;
        if (open_container(s, s->path, s->demuxer) || open_decoder(s))
                return -1;
        return 0;
}

/* Seeks by timestamp to from (in source frames), for far targets.  0 or -1. */
static int seek_by_timestamp(struct ffmpeg_source *s, int64_t from)
{
        int64_t ts = s->origin_ts +
                     av_rescale_q(from, (AVRational){1, s->rate}, s->stream->time_base);
        int rc = avformat_seek_file(s->format, s->stream->index, INT64_MIN, ts, ts, 0);
        if (rc < 0) {
                log_debug("ffmpeg: seek to %lld failed: %s", (long long)from,
                          av_err2str(rc));
                return -1;
        }
        avcodec_flush_buffers(s->codec);
        return 0;
}

/* Decodes from the start (far targets: by timestamp from a second before
 * them) up to frame, so the next read starts at exactly that frame: MP4's
 * timestamps count samples, Matroska's milliseconds. */
static int ffmpeg_seek(struct reader_source *source, int64_t frame)
{
        struct ffmpeg_source *s = to_ffmpeg(source);
        s->deadline_ns = time_monotonic_ns() + OPEN_DEADLINE_NS;
        int64_t from = 0;
        if (frame > (int64_t)LINEAR_SEEK_SECONDS * s->rate &&
            s->origin_ts != AV_NOPTS_VALUE)
                from = frame - s->rate;
        if (from > 0 && seek_by_timestamp(s, from) < 0)
                from = 0; /* no index: the exact way */
        if (from == 0 && reopen_source(s) < 0) {
                s->deadline_ns = 0;
                s->ended = true;
                return -1;
        }
        s->pending_pos = s->pending_len = 0;
        s->demux_done = s->ended = false;
        s->bad_packets = 0;
        s->position = from;
        s->seek_target = frame;
        s->seek_by_timestamp = from > 0;
        /* decode up to the target now, so seek failures are seen here */
        int rc = 1;
        while (s->seek_target >= 0 && rc > 0 && !check_deadline(s))
                rc = decode_next(s);
        bool late = check_deadline(s);
        s->deadline_ns = 0;
        if (rc <= 0 && s->seek_target >= 0) {
                /* past the end: the next read returns 0 */
                s->ended = rc == 0;
                s->seek_target = -1;
                return rc < 0 ? -1 : 0;
        }
        return late ? -1 : 0;
}

static bool ffmpeg_speakers(struct reader_source *source, enum reader_speaker *map)
{
        struct ffmpeg_source *s = to_ffmpeg(source);
        if (s->layout.order == AV_CHANNEL_ORDER_UNSPEC)
                return false;
        for (int i = 0; i < s->channels; i++) {
                switch (av_channel_layout_channel_from_index(&s->layout, (unsigned)i)) {
                case AV_CHAN_FRONT_CENTER:
                case AV_CHAN_BACK_CENTER:
                case AV_CHAN_TOP_CENTER:
                case AV_CHAN_TOP_FRONT_CENTER:
                case AV_CHAN_TOP_BACK_CENTER:
                        map[i] = READER_SPEAKER_CENTER;
                        break;
                case AV_CHAN_FRONT_LEFT:
                case AV_CHAN_STEREO_LEFT:
                        map[i] = READER_SPEAKER_LEFT;
                        break;
                case AV_CHAN_FRONT_RIGHT:
                case AV_CHAN_STEREO_RIGHT:
                        map[i] = READER_SPEAKER_RIGHT;
                        break;
                case AV_CHAN_FRONT_LEFT_OF_CENTER:
                case AV_CHAN_BACK_LEFT:
                case AV_CHAN_SIDE_LEFT:
                case AV_CHAN_WIDE_LEFT:
                case AV_CHAN_TOP_FRONT_LEFT:
                case AV_CHAN_TOP_BACK_LEFT:
                        map[i] = READER_SPEAKER_LEFT_SIDE;
                        break;
                case AV_CHAN_FRONT_RIGHT_OF_CENTER:
                case AV_CHAN_BACK_RIGHT:
                case AV_CHAN_SIDE_RIGHT:
                case AV_CHAN_WIDE_RIGHT:
                case AV_CHAN_TOP_FRONT_RIGHT:
                case AV_CHAN_TOP_BACK_RIGHT:
                        map[i] = READER_SPEAKER_RIGHT_SIDE;
                        break;
                default: /* LFE, unknown, ambisonic: no stereo image */
                        map[i] = READER_SPEAKER_NONE;
                        break;
                }
        }
        return true;
}

static const char *ffmpeg_tag(struct reader_source *source, enum reader_tag which)
{
        struct ffmpeg_source *s = to_ffmpeg(source);
        const char *key = which == READER_TAG_TITLE ? "title" : "artist";
        if (!s->format)
                return NULL;
        /* MP4 and Matroska keep tags on the file, Ogg-style streams on the track */
        const AVDictionaryEntry *e = av_dict_get(s->format->metadata, key, NULL, 0);
        if (!e)
                e = av_dict_get(s->stream->metadata, key, NULL, 0);
        return e ? e->value : NULL;
}

static const char *ffmpeg_extension(struct reader_source *source)
{
        struct ffmpeg_source *s = to_ffmpeg(source);
        if (!s->format)
                return NULL;
        const char *name = s->format->iformat->name;
        enum AVCodecID codec = s->codec->codec_id;
        if (av_match_name("mov", name)) {
                const AVDictionaryEntry *brand =
                    av_dict_get(s->format->metadata, "major_brand", NULL, 0);
                if (brand && strncmp(brand->value, "3g", 2) == 0)
                        return "3gp";
                for (unsigned i = 0; i < s->format->nb_streams; i++)
                        if (s->format->streams[i]->codecpar->codec_type ==
                            AVMEDIA_TYPE_VIDEO)
                                return "mp4";
                return "m4a";
        }
        if (av_match_name("matroska", name))
                return codec == AV_CODEC_ID_OPUS || codec == AV_CODEC_ID_VORBIS ? "webm"
                                                                                : "mka";
        if (codec == AV_CODEC_ID_AMR_NB)
                return "amr";
        if (codec == AV_CODEC_ID_AMR_WB)
                return "awb";
        if (codec == AV_CODEC_ID_AAC)
                return "aac";
        return NULL;
}

const struct reader_plugin ffmpeg_reader_plugin = {
    .name = "ffmpeg",
    .probe = ffmpeg_probe,
    .open = ffmpeg_open,
    .read = ffmpeg_read,
    .seek = ffmpeg_seek,
    .speakers = ffmpeg_speakers,
    .tag = ffmpeg_tag,
    .extension = ffmpeg_extension,
    .close = ffmpeg_close,
};

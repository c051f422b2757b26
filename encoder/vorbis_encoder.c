/*
 * vorbis_encoder.c: Vorbis VBR (libvorbisenc) in Ogg (libogg).  Each item is
 * its own logical stream (a chained Ogg file), with TITLE and ARTIST in its
 * comment header, so Icecast and players pick up the new title.
 */
#define LOG_MODULE "encoder"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ogg/ogg.h>
#include <vorbis/vorbisenc.h>

#include "encoder/plugin.h"

/* Frames handed to libvorbis per analysis call; bounds its buffer growth. */
#define CHUNK_FRAMES 1024

struct vorbis_codec {
        struct codec base;
        int rate;
        int channels;
        float quality;
        uint32_t serial;

        bool open; /* a logical stream is in progress */
        ogg_stream_state os;
        vorbis_info vi;
        vorbis_comment vc;
        vorbis_dsp_state vd;
        vorbis_block vb;

        /* One page, header and body together, as sinks take it whole. */
        unsigned char *page;
        size_t page_size;
};

static struct codec *vorbis_open(const struct output_config *output, int rate,
                                 int channels, const char **errstr)
{
        /* Check the settings once up front, so a bad quality or rate is a
         * configuration error rather than a failure at the first item. */
        vorbis_info vi;
        vorbis_info_init(&vi);
        int ret = vorbis_encode_init_vbr(&vi, channels, rate, (float)output->quality);
        vorbis_info_clear(&vi);
        if (ret != 0) {
                *errstr =
                    "Vorbis cannot encode this quality, sample rate and channel count";
                return NULL;
        }
        struct vorbis_codec *v = xcalloc(1, sizeof *v);
        v->rate = rate;
        v->channels = channels;
        v->quality = (float)output->quality;
        /* Consecutive streams must have distinct serials; start somewhere
         * unpredictable so two encoders rarely collide either. */
        v->serial = (uint32_t)time(NULL) * 2654435761u ^ (uint32_t)getpid() ^
                    (uint32_t)(uintptr_t)v;
        v->page_size = 65536 + 512;
        v->page = xmalloc(v->page_size);
        return &v->base;
}

static int emit_page(struct vorbis_codec *v, const ogg_page *og)
{
        size_t len = (size_t)og->header_len + (size_t)og->body_len;
        if (len > v->page_size) { /* cannot happen with libogg's page limits */
                v->page_size = len;
                v->page = xrealloc(v->page, len);
        }
        memcpy(v->page, og->header, (size_t)og->header_len);
        memcpy(v->page + og->header_len, og->body, (size_t)og->body_len);
        return encoder_emit(v->base.encoder, v->page, len);
}

/* Moves every packet libvorbis has ready into Ogg and emits full pages. */
static int drain_packets(struct vorbis_codec *v)
{
        int rc = 0;
        ogg_packet op;
        ogg_page og;
        while (vorbis_analysis_blockout(&v->vd, &v->vb) == 1) {
                vorbis_analysis(&v->vb, NULL);
                vorbis_bitrate_addblock(&v->vb);
                while (vorbis_bitrate_flushpacket(&v->vd, &op) == 1) {
                        ogg_stream_packetin(&v->os, &op);
                        while (ogg_stream_pageout(&v->os, &og) != 0)
                                if (emit_page(v, &og) < 0)
                                        rc = -1;
                }
        }
        return rc;
}

static void clear_stream(struct vorbis_codec *v)
{
        ogg_stream_clear(&v->os);
        vorbis_block_clear(&v->vb);
        vorbis_dsp_clear(&v->vd);
        vorbis_comment_clear(&v->vc);
        vorbis_info_clear(&v->vi);
        v->open = false;
}

static int end_stream(struct vorbis_codec *v)
{
        if (!v->open)
                return 0;
        /* Zero frames marks the end: libvorbis then emits the last packet with
         * the exact final granule position, which trims the padding of the
         * last block so the decoded length equals what was written. */
        vorbis_analysis_wrote(&v->vd, 0);
        int rc = drain_packets(v);
        ogg_page og;
        while (ogg_stream_flush(&v->os, &og) != 0)
                if (emit_page(v, &og) < 0)
                        rc = -1;
        clear_stream(v);
        return rc;
}

static int vorbis_begin_item(struct codec *codec, const char *title, const char *artist)
{
        struct vorbis_codec *v = (struct vorbis_codec *)codec;
        int rc = end_stream(v);

        vorbis_info_init(&v->vi);
        if (vorbis_encode_init_vbr(&v->vi, v->channels, v->rate, v->quality) != 0) {
                vorbis_info_clear(&v->vi);
                return -1;
        }
        vorbis_comment_init(&v->vc);
        vorbis_comment_add_tag(&v->vc, "ENCODER", "Siaran " SIARAN_VERSION);
        if (title && *title)
                vorbis_comment_add_tag(&v->vc, "TITLE", title);
        if (artist && *artist)
                vorbis_comment_add_tag(&v->vc, "ARTIST", artist);
        if (codec->extra_key && codec->extra_value)
                vorbis_comment_add_tag(&v->vc, codec->extra_key, codec->extra_value);
        vorbis_analysis_init(&v->vd, &v->vi);
        vorbis_block_init(&v->vd, &v->vb);
        ogg_stream_init(&v->os, (int)++v->serial);
        v->open = true;

        ogg_packet id, comments, codebooks;
        vorbis_analysis_headerout(&v->vd, &v->vc, &id, &comments, &codebooks);
        ogg_stream_packetin(&v->os, &id);
        ogg_stream_packetin(&v->os, &comments);
        ogg_stream_packetin(&v->os, &codebooks);
        /* Audio must start on a fresh page: Icecast keeps the header pages to
         * send to each new listener. */
        ogg_page og;
        while (ogg_stream_flush(&v->os, &og) != 0)
                if (emit_page(v, &og) < 0)
                        rc = -1;
        return rc;
}

static int vorbis_write(struct codec *codec, const float *pcm, size_t frames)
{
        struct vorbis_codec *v = (struct vorbis_codec *)codec;
        int rc = 0;
        for (size_t done = 0; done < frames;) {
                size_t n = frames - done;
                if (n > CHUNK_FRAMES)
                        n = CHUNK_FRAMES;
                float **buf = vorbis_analysis_buffer(&v->vd, (int)n);
                const float *src = pcm + done * (size_t)v->channels;
                if (v->channels == 2) {
                        float *l = buf[0], *r = buf[1];
                        for (size_t i = 0; i < n; i++) {
                                l[i] = src[2 * i];
                                r[i] = src[2 * i + 1];
                        }
                } else {
                        memcpy(buf[0], src, n * sizeof *src);
                }
                vorbis_analysis_wrote(&v->vd, (int)n);
                if (drain_packets(v) < 0)
                        rc = -1;
                done += n;
        }
        return rc;
}

static int vorbis_finish(struct codec *codec)
{
        return end_stream((struct vorbis_codec *)codec);
}

static void vorbis_close(struct codec *codec)
{
        struct vorbis_codec *v = (struct vorbis_codec *)codec;
        if (v->open)
                clear_stream(v);
        free(v->page);
        free(v);
}

/* Measured on pink noise at -6 LUFS and on clipped white noise (the decoded
 * true peak minus the limiter's ceiling, worst of both, rounded up): q 1.0
 * +0.8 dB, q 0.4 +1.8 dB, q -0.1 +2.2 dB. */
static double vorbis_peak_overshoot_db(const struct output_config *output)
{
        if (output->quality >= 0.7)
                return 1.0;
        if (output->quality >= 0.3)
                return 2.0;
        return 2.5;
}

const struct encoder_plugin vorbis_encoder_plugin = {
    .name = "vorbis",
    .ogg = true,
    .open = vorbis_open,
    .begin_item = vorbis_begin_item,
    .write = vorbis_write,
    .finish = vorbis_finish,
    .close = vorbis_close,
    .peak_overshoot_db = vorbis_peak_overshoot_db,
};
